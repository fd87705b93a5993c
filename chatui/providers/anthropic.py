"""Anthropic Messages streaming through `AsyncAnthropic.messages.stream`."""

from __future__ import annotations

import re
from collections.abc import AsyncGenerator, AsyncIterator
from typing import TYPE_CHECKING, Any

from chatui.core import (
    ChatMessage,
    ChatRequest,
    ConnectionDropped,
    Finished,
    ReasoningDelta,
    StreamEvent,
    TextDelta,
    Usage,
    UsageReport,
)
from chatui.providers.base import Price, SDKProvider, price_by_prefix
from chatui.providers.sse import valid_utf8

if TYPE_CHECKING:
    from anthropic import AsyncAnthropic

# Models with extended thinking: Claude 3.7 Sonnet, and Opus/Sonnet/Haiku 4 and later
# (claude-sonnet-4-5, claude-opus-4-1-20250805, claude-haiku-4-5, claude-4-sonnet, ...)
THINKING_MODELS = re.compile(r"claude-(3-7-sonnet|(opus|sonnet|haiku)-[4-9]|[4-9]-(opus|sonnet))")
MIN_THINKING_BUDGET = 1024  # the API's minimum budget_tokens
ANSWER_ROOM = 1024  # max_tokens counts thinking too: room kept for the answer after a full budget
OFFICIAL_HOST = "api.anthropic.com"
# Offered before a live list is fetched; none retired or retiring (the SDK warns on those:
# claude-3-5-haiku ended in February 2026, claude-sonnet-4-5 ends on 30 November 2026).
MODELS = (
    "claude-sonnet-4-6",
    "claude-haiku-4-5",
    "claude-sonnet-5-5",
    "claude-opus-5-5",
    "claude-haiku-5-5",
)
# (input, output) USD per 1M tokens on api.anthropic.com, by the longest prefix of the model id.
PRICES: dict[str, Price] = {
    "claude-opus-4": (15.00, 75.00),
    "claude-sonnet-4": (3.00, 15.00),
    "claude-haiku-4-5": (1.00, 5.00),
    "claude-3-7-sonnet": (3.00, 15.00),
    "claude-3-5-sonnet": (3.00, 15.00),
    "claude-3-5-haiku": (0.80, 4.00),
    "claude-3-haiku": (0.25, 1.25),
}


def supports_thinking(model: str) -> bool:
    """Whether `model` accepts `thinking={"type": "enabled", ...}`."""
    return THINKING_MODELS.search(model.lower()) is not None


def limits_and_sampling(request: ChatRequest) -> dict[str, Any]:
    """max_tokens, temperature and, for a model that supports it, extended thinking.

    With thinking on the API wants max_tokens above the budget (raised to budget + ANSWER_ROOM
    when it is not) and no temperature but 1 (left out); the budget is at least 1,024."""
    options = request.options
    args: dict[str, Any] = {"max_tokens": options.max_tokens}
    budget = options.thinking_budget or 0
    if budget > 0 and supports_thinking(request.model):
        budget = max(budget, MIN_THINKING_BUDGET)
        args["max_tokens"] = max(options.max_tokens, budget + ANSWER_ROOM)
        args["thinking"] = {"type": "enabled", "budget_tokens": budget}
    elif options.temperature is not None:
        args["extra_body"] = {"temperature": options.temperature}
    return args


def anthropic_messages(messages: tuple[ChatMessage, ...]) -> list[dict[str, str]]:
    """Drop empty messages and merge consecutive same-role ones so roles alternate."""
    merged: list[dict[str, str]] = []
    for message in messages:
        if not message.content.strip():
            continue
        if merged and merged[-1]["role"] == message.role.value:
            merged[-1]["content"] += "\n\n" + message.content
        else:
            merged.append({"role": message.role.value, "content": message.content})
    return merged


def _client_class() -> type[AsyncAnthropic]:
    """`AsyncAnthropic` reading streams that may hold invalid UTF-8 (a proxy's, a local
    server's) with U+FFFD in its place, as the OpenAI path does, instead of failing the reply.
    The SDK's own Bedrock and Vertex clients swap the decoder the same way."""
    import anthropic
    from anthropic._streaming import ServerSentEvent, SSEDecoder

    class Decoder(SSEDecoder):
        def aiter_bytes(self, iterator: AsyncIterator[bytes]) -> AsyncIterator[ServerSentEvent]:
            return super().aiter_bytes(valid_utf8(iterator))

    class Client(anthropic.AsyncAnthropic):
        def _make_sse_decoder(self) -> SSEDecoder:
            return Decoder()

    return Client


class AnthropicProvider(SDKProvider["AsyncAnthropic"]):
    """Streams from the Anthropic Messages API (or a server speaking it)."""

    def supports_thinking(self, model: str) -> bool:
        return supports_thinking(model)

    def prices(self, model: str) -> Price | None:
        """Anthropic's list prices, on Anthropic's own endpoint."""
        return price_by_prefix(PRICES, model) if self.served_by(OFFICIAL_HOST) else None

    def _new_client(self) -> AsyncAnthropic:
        return _client_class()(**self.client_options())

    def warm(self) -> None:
        _ = self.client().messages  # imports the resource modules, off the event loop

    async def _run(self, request: ChatRequest) -> AsyncGenerator[StreamEvent, None]:
        args = limits_and_sampling(request)
        if request.system:
            args["system"] = request.system
        manager = self.client().messages.stream(
            model=request.model,
            messages=anthropic_messages(request.messages),  # type: ignore[arg-type]
            **args,
        )
        async with manager as stream:
            stopped = False
            async for event in stream:
                if event.type == "content_block_delta":
                    if event.delta.type == "text_delta":
                        yield TextDelta(event.delta.text)
                    elif event.delta.type == "thinking_delta":
                        yield ReasoningDelta(event.delta.thinking)
                elif event.type == "message_stop":
                    stopped = True
            if not stopped:
                raise ConnectionDropped("the connection closed before the reply was complete")
            final = await stream.get_final_message()
            usage = final.usage  # the cached part of the prompt is counted separately
            prompt = usage.input_tokens + (usage.cache_read_input_tokens or 0)
            prompt += usage.cache_creation_input_tokens or 0
            yield UsageReport(Usage(prompt, usage.output_tokens))
            yield Finished(final.stop_reason)
