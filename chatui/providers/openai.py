"""OpenAI protocol: the Responses API on api.openai.com, Chat Completions everywhere else."""

from __future__ import annotations

import re
from collections.abc import AsyncGenerator
from typing import TYPE_CHECKING, Any

from chatui.core import Capabilities, ChatRequest, StreamEvent
from chatui.providers.base import SDKProvider, from_table
from chatui.providers.models import catalog
from chatui.providers.models.servers import server_capabilities

if TYPE_CHECKING:
    from openai import AsyncOpenAI

OFFICIAL_HOST = "api.openai.com"
REASONING_MODELS = re.compile(r"^(o\d|gpt-5|codex)|-(pro|codex)\b")
# Offered before a live list is fetched.
MODELS = ("gpt-4o", "gpt-4o-mini", "gpt-4.1", "gpt-4.1-mini", "o4-mini", "gpt-5")


class OpenAIProvider(SDKProvider["AsyncOpenAI"]):
    """Streams from an OpenAI-protocol endpoint through `AsyncOpenAI`."""

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

    def known(self, model: str) -> Capabilities:
        return from_table(catalog.OPENAI, model, priced=self.official)

    def _new_client(self) -> AsyncOpenAI:
        import openai

        return openai.AsyncOpenAI(**self.client_options())

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


def sampling_args(request: ChatRequest) -> dict[str, Any]:
    """temperature / seed when set."""
    args: dict[str, Any] = {}
    if request.options.temperature is not None:
        args["temperature"] = request.options.temperature
    if request.options.seed is not None:
        args["seed"] = request.options.seed
    return args
