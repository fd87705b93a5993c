"""OpenAI protocol: the Responses API on api.openai.com, Chat Completions everywhere else."""

from __future__ import annotations

import re
from collections.abc import AsyncGenerator
from typing import TYPE_CHECKING, Any

from chatui.core import ChatRequest, StreamEvent
from chatui.providers.base import Price, SDKProvider, price_by_prefix

if TYPE_CHECKING:
    from openai import AsyncOpenAI

OFFICIAL_HOST = "api.openai.com"
REASONING_MODELS = re.compile(r"^(o\d|gpt-5|codex)|-(pro|codex)\b")
# Offered before a live list is fetched.
MODELS = ("gpt-4o", "gpt-4o-mini", "gpt-4.1", "gpt-4.1-mini", "o4-mini", "gpt-5")
# (input, output) USD per 1M tokens on api.openai.com, by the longest prefix of the model id.
PRICES: dict[str, Price] = {
    "gpt-4o-mini": (0.15, 0.60),
    "gpt-4o": (2.50, 10.00),
    "gpt-4.1-nano": (0.10, 0.40),
    "gpt-4.1-mini": (0.40, 1.60),
    "gpt-4.1": (2.00, 8.00),
    "gpt-5-nano": (0.05, 0.40),
    "gpt-5-mini": (0.25, 2.00),
    "gpt-5": (1.25, 10.00),
    "o4-mini": (1.10, 4.40),
    "o3": (2.00, 8.00),
}


class OpenAIProvider(SDKProvider["AsyncOpenAI"]):
    """Streams from an OpenAI-protocol endpoint through `AsyncOpenAI`."""

    @property
    def official(self) -> bool:
        return self.served_by(OFFICIAL_HOST)

    @property
    def api(self) -> str:
        return self.config.api or ("responses" if self.official else "chat")

    def prices(self, model: str) -> Price | None:
        """OpenAI's list prices, on OpenAI's own endpoint (a compatible server's are unknown)."""
        return price_by_prefix(PRICES, model) if self.official else None

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
