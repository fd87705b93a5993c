"""The `ollama` kind: streams through `/api/chat` with a window sized to the conversation, lists
`/api/tags`, and reads what each model can take from `/api/show`."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncGenerator, Iterable
from contextlib import aclosing
from dataclasses import replace
from typing import TYPE_CHECKING

from chatui.config import ProviderConfig
from chatui.core import ChatRequest, ContextOverflow, StreamEvent
from chatui.providers.base import Provider, merge_models
from chatui.providers.errors import map_exception, status_error
from chatui.providers.models import shapes
from chatui.providers.models.servers import tls
from chatui.providers.ollama.chat import chat_body, stream_chat
from chatui.providers.ollama.window import SENT, prompt_estimate
from chatui.providers.openai_chat import chat_messages

if TYPE_CHECKING:
    import httpx2

DEFAULT_BASE_URL = "http://127.0.0.1:11434"
SHOW_TIMEOUT = 2.0  # seconds for `/api/show`: what it does not say in time stays unknown


class OllamaProvider(Provider):
    """An Ollama server, over its own API (its OpenAI-compatible one cannot set `num_ctx`, so
    Ollama would cut every conversation to its default window of 2-4k tokens, silently)."""

    def __init__(self, config: ProviderConfig) -> None:
        super().__init__(config)
        self._client: httpx2.AsyncClient | None = None
        self._shown: set[str] = set()  # models `/api/show` was asked about

    @property
    def root(self) -> str:
        """The server's address: the base URL without the `/v1` of the OpenAI-compatible API."""
        return (self.config.base_url or DEFAULT_BASE_URL).rstrip("/").removesuffix("/v1")

    @property
    def endpoint(self) -> ProviderConfig:
        """The config with the address filled in (error messages name it)."""
        return replace(self.config, base_url=self.root)

    def client(self) -> httpx2.AsyncClient:
        """The HTTP client, built once (importing httpx2 and loading the CA bundle: blocks)."""
        if self._client is None:
            import httpx2

            times = self.config.timeouts
            key = self.config.api_key() if self.config.api_key_env else None
            self._client = httpx2.AsyncClient(
                base_url=self.root,
                headers={"Authorization": f"Bearer {key}"} if key else {},
                timeout=httpx2.Timeout(times.read, connect=times.connect),
                verify=tls(),
            )
        return self._client

    def build_client(self) -> None:
        self.client()

    def warm(self) -> None:
        self.client()

    async def _ready(self) -> httpx2.AsyncClient:
        if self._client is None:
            await asyncio.to_thread(self.client)
        return self.client()

    def supports_thinking(self, model: str) -> bool:
        return self.capabilities(model).reasoning is True

    async def _stream(self, request: ChatRequest) -> AsyncGenerator[StreamEvent, None]:
        try:
            client = await self._ready()
            await self.fetch_capabilities([request.model])
            messages = chat_messages(request)
            needed = prompt_estimate(messages) + request.options.max_tokens
            limit = self.capabilities(request.model).context
            key = (self.root, request.model)
            num_ctx = SENT.size(key, needed, limit)
            think = bool(request.options.thinking_budget) and self.supports_thinking(request.model)
            while True:
                body = chat_body(request, messages, num_ctx, think)
                try:
                    async with aclosing(stream_chat(client, body, self.endpoint)) as events:
                        async for event in events:
                            yield event
                    return
                except ContextOverflow as rejected:  # a 400: nothing was yielded
                    # The estimate was short: a bigger window, while the model has one.
                    bigger = SENT.size(key, num_ctx + 1, limit) if limit else num_ctx
                    if bigger <= num_ctx:
                        if num_ctx == limit and rejected.window is None:
                            rejected.window = num_ctx  # the model's whole window, refused
                        raise
                    num_ctx = bigger
        except Exception as exc:
            raise map_exception(exc, self.endpoint) from exc

    async def list_models(self) -> list[str]:
        """`GET /api/tags`, in the server's order (newest first), and what `/api/show` says
        of each (the picker's window column)."""
        try:
            client = await self._ready()
            response = await client.get("/api/tags")
            if response.status_code != 200:
                raise status_error(response, response.content, self.endpoint)
            live = [
                model for model, _ in shapes.entries(json.loads(response.content), "models", "name")
            ]
        except Exception as exc:
            raise map_exception(exc, self.endpoint) from exc
        models = merge_models(live, self.config.models)
        await self.fetch_capabilities(models)
        return models

    async def fetch_capabilities(self, models: Iterable[str]) -> None:
        """Ask `/api/show` about each model not asked about yet, concurrently, into `served`;
        a model it does not describe in `SHOW_TIMEOUT` stays unknown (and is not asked again)."""
        todo = [model for model in dict.fromkeys(models) if model not in self._shown]
        if not todo:
            return
        self._shown.update(todo)
        client = await self._ready()
        shown = await asyncio.gather(*(self._show(client, model) for model in todo))
        for model, said in zip(todo, shown, strict=True):
            self.served.update(shapes.ollama_show(said, model))

    async def _show(self, client: httpx2.AsyncClient, model: str) -> object:
        import httpx2

        with contextlib.suppress(httpx2.HTTPError, OSError, TimeoutError, ValueError):
            async with asyncio.timeout(SHOW_TIMEOUT):
                response = await client.post("/api/show", json={"model": model})
            if response.status_code == 200:
                return json.loads(response.content)
        return None

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None
