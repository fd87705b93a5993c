"""OpenAI protocol: the Responses API on api.openai.com, Chat Completions everywhere else."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncGenerator
from typing import TYPE_CHECKING, Any

from chatui.config import ProviderConfig
from chatui.core import Capabilities, ChatRequest, StreamEvent
from chatui.providers.base import SDKProvider, from_table
from chatui.providers.models import ServerKind, catalog, counting, server_capabilities
from chatui.providers.models.servers import tls

if TYPE_CHECKING:
    from openai import AsyncOpenAI

OFFICIAL_HOST = "api.openai.com"
REASONING_MODELS = re.compile(r"^(o\d|gpt-5|codex)|-(pro|codex)\b")
#: the servers of the Chat Completions API that count a request: how
COUNTERS = {ServerKind.LLAMA_SERVER: counting.llama_count, ServerKind.VLLM: counting.vllm_count}
# Offered before a live list is fetched.
MODELS = ("gpt-4o", "gpt-4o-mini", "gpt-4.1", "gpt-4.1-mini", "o4-mini", "gpt-5")


class OpenAIProvider(SDKProvider["AsyncOpenAI"]):
    """Streams from an OpenAI-protocol endpoint through `AsyncOpenAI`."""

    def __init__(self, config: ProviderConfig) -> None:
        super().__init__(config)
        self.server: ServerKind | None = None  # which kind of server it is, once asked
        self._asking: asyncio.Lock | None = None

    @property
    def official(self) -> bool:
        return self.served_by(OFFICIAL_HOST)

    @property
    def api(self) -> str:
        return self.config.api or ("responses" if self.official else "chat")

    async def fetch_capabilities(self, models: list[str]) -> None:
        """A compatible server's word on its models' windows (llama-server, vLLM, LM Studio,
        OpenRouter, Ollama); OpenAI's own API says nothing: the table does."""
        if self.official or self.config.base_url is None:
            return
        info = await server_capabilities(self.config.base_url, self.config.api_key(), models)
        self.served.update(info.models)
        if info.kind is not ServerKind.UNKNOWN:
            self.server = info.kind  # counting asks no second time

    def known(self, model: str) -> Capabilities:
        return from_table(catalog.OPENAI, model, priced=self.official)

    def _new_client(self) -> AsyncOpenAI:
        import openai

        http = openai.DefaultAsyncHttpxClient(verify=tls())
        return openai.AsyncOpenAI(**self.client_options(), http_client=http)

    def warm(self) -> None:
        client = self.client()
        resource = client.responses if self.api == "responses" else client.chat.completions
        _ = resource.with_streaming_response  # imports the resource modules off the event loop

    def _run(self, request: ChatRequest) -> AsyncGenerator[StreamEvent, None]:
        if self.api == "responses":
            from chatui.providers.openai_responses import stream_responses as run
        else:
            from chatui.providers.openai_chat import stream_chat as run
        return run(self.client(), request, self.official)

    def ordered(self, live: list[str]) -> list[str]:
        return sorted(live)

    async def server_kind(self, model: str) -> ServerKind:
        """Which kind of server the endpoint is (`server_capabilities`, asked once; what it
        said of `model` is kept); the vendor's own endpoint is never asked."""
        if self.server is None and (self.official or not self.config.base_url):
            self.server = ServerKind.OPENAI_COMPATIBLE
        if self.server is None:
            self._asking = self._asking or asyncio.Lock()
            async with self._asking:  # concurrent callers wait for the one probe
                if self.server is None:
                    base, key = self.config.base_url or "", self.config.api_key()
                    info = await server_capabilities(base, key, [model], self.count_timeout)
                    self.served.update(info.models)
                    self.server = info.kind
        return self.server

    async def _count(self, request: ChatRequest) -> int | None:
        client, timeout = self.client(), self.count_timeout
        if self.api == "responses":
            from chatui.providers.openai_responses import response_items

            items = response_items(request)
            return await counting.responses_count(
                client, request.model, items, request.system, timeout
            )
        from chatui.providers.openai_chat import chat_messages

        counter = COUNTERS.get(await self.server_kind(request.model))
        if counter is None:
            return None
        return await counter(client, request.model, chat_messages(request), timeout)


def sampling_args(request: ChatRequest) -> dict[str, Any]:
    """temperature / seed when set."""
    args: dict[str, Any] = {}
    if request.options.temperature is not None:
        args["temperature"] = request.options.temperature
    if request.options.seed is not None:
        args["seed"] = request.options.seed
    return args
