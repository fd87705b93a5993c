"""OpenAI protocol: the Responses API on api.openai.com, Chat Completions everywhere else."""

from __future__ import annotations

import re
from collections.abc import AsyncGenerator
from contextlib import aclosing
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from chatui.core import ChatRequest, StreamEvent
from chatui.providers.base import Provider, merge_models
from chatui.providers.errors import map_exception

if TYPE_CHECKING:
    from openai import AsyncOpenAI

OFFICIAL_HOST = "api.openai.com"
REASONING_MODELS = re.compile(r"^(o\d|gpt-5|codex)|-(pro|codex)\b")


class OpenAIProvider(Provider):
    """Streams from an OpenAI-protocol endpoint through `AsyncOpenAI`."""

    _client: AsyncOpenAI | None = None

    @property
    def official(self) -> bool:
        base = self.config.base_url
        return base is None or urlparse(base).hostname == OFFICIAL_HOST

    @property
    def api(self) -> str:
        return self.config.api or ("responses" if self.official else "chat")

    def client(self) -> AsyncOpenAI:
        """The SDK client, built once (importing the SDK on first use)."""
        if self._client is None:
            import openai

            self._client = openai.AsyncOpenAI(**self.client_options())
        return self._client

    def build_client(self) -> None:
        _ = self.client().models

    def warm(self) -> None:
        client = self.client()
        resource = client.responses if self.api == "responses" else client.chat.completions
        _ = resource.with_streaming_response  # imports the resource modules off the event loop

    async def _stream(self, request: ChatRequest) -> AsyncGenerator[StreamEvent, None]:
        if self.api == "responses":
            from chatui.providers.openai_responses import stream_responses as run
        else:
            from chatui.providers.openai_chat import stream_chat as run
        try:
            async with aclosing(run(self.client(), request, self.official)) as events:
                async for event in events:
                    yield event
        except Exception as exc:
            raise map_exception(exc, self.config) from exc

    async def list_models(self) -> list[str]:
        try:
            live = [model.id async for model in self.client().models.list()]
        except Exception as exc:
            raise map_exception(exc, self.config) from exc
        return merge_models(sorted(live), self.config.models)

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.close()
            self._client = None


def sampling_args(request: ChatRequest) -> dict[str, Any]:
    """temperature / seed when set."""
    args: dict[str, Any] = {}
    if request.options.temperature is not None:
        args["temperature"] = request.options.temperature
    if request.options.seed is not None:
        args["seed"] = request.options.seed
    return args
