"""Anthropic Messages streaming: the SDK sends the request and raises its typed errors; the
events are read as plain JSON, as on the OpenAI path (with the same tolerance of invalid UTF-8
from a proxy or a local server, and without the SDK's private stream decoder)."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncGenerator
from typing import TYPE_CHECKING, Any

from chatui.core import (
    Capabilities,
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
from chatui.providers.base import SDKProvider, from_table, plain_json, stop_word
from chatui.providers.models import catalog, counting
from chatui.providers.models.servers import server_capabilities, tls
from chatui.providers.models.shapes import anthropic_models
from chatui.providers.sse import (
    StreamFailed,
    reads_server_events,
    server_sent_events,
    text_field,
)

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


def _token_counts(usage: Any) -> dict[str, int]:
    """The token counts of a `usage` object (absent and null ones left out)."""
    if not isinstance(usage, dict):
        return {}
    return {name: value for name, value in usage.items() if isinstance(value, int)}


@reads_server_events
async def stream_messages(
    client: AsyncAnthropic, request: ChatRequest
) -> AsyncGenerator[StreamEvent, None]:
    """Yield events from one Messages stream; the response is closed on exit."""
    args = limits_and_sampling(request)
    if request.system:
        args["system"] = request.system
    create: Any = client.messages.with_streaming_response.create
    usage: dict[str, int] = {}
    stop_reason: str | None = None
    stopped = False
    body = plain_json(messages=anthropic_messages(request.messages))  # sent as is
    args["extra_body"] = {**args.get("extra_body", {}), **body}
    async with create(model=request.model, messages=[], stream=True, **args) as response:
        async for data in server_sent_events(response.http_response):
            event = json.loads(data)
            if not isinstance(event, dict):
                raise json.JSONDecodeError("an event is not a JSON object", data, 0)
            kind = event.get("type")
            if kind == "content_block_delta":
                delta = event.get("delta") or {}
                if delta.get("type") == "text_delta":
                    yield TextDelta(text_field(delta, "text"))
                elif delta.get("type") == "thinking_delta":
                    yield ReasoningDelta(text_field(delta, "thinking"))
            elif kind == "message_start":
                usage.update(_token_counts((event.get("message") or {}).get("usage")))
            elif kind == "message_delta":  # the final counts (output, and input on some)
                usage.update(_token_counts(event.get("usage")))
                stop_reason = (
                    stop_word((event.get("delta") or {}).get("stop_reason")) or stop_reason
                )
            elif kind == "message_stop":
                stopped = True
            elif kind == "error":
                raise StreamFailed(event.get("error") or "the stream reported an error")
    if not stopped:
        raise ConnectionDropped("the connection closed before the reply was complete")
    prompt = usage.get("input_tokens", 0)  # the cached part of the prompt is counted apart
    prompt += usage.get("cache_read_input_tokens", 0) + usage.get("cache_creation_input_tokens", 0)
    yield UsageReport(Usage(prompt, usage.get("output_tokens", 0)))
    yield Finished(stop_reason)


class AnthropicProvider(SDKProvider["AsyncAnthropic"]):
    """Streams from the Anthropic Messages API (or a server speaking it)."""

    def supports_thinking(self, model: str) -> bool:
        return supports_thinking(model)

    async def fetch_capabilities(self, models: list[str]) -> None:
        """Another server speaking Messages (llama-server, a proxy) may say its models' windows
        the OpenAI-compatible way; Anthropic's own API says them in its model list."""
        if self.config.base_url is None or self.served_by(OFFICIAL_HOST):
            return
        info = await server_capabilities(self.config.base_url, self.config.api_key(), models)
        self.served.update(info.models)

    def listed(self, models: list[Any]) -> None:
        """The API's model list says each model's window, longest reply, images, thinking."""
        self.served.update(anthropic_models([model.to_dict() for model in models]))

    def known(self, model: str) -> Capabilities:
        return from_table(catalog.ANTHROPIC, model, priced=self.served_by(OFFICIAL_HOST))

    def _new_client(self) -> AsyncAnthropic:
        import anthropic

        http = anthropic.DefaultAsyncHttpxClient(verify=tls())
        return anthropic.AsyncAnthropic(**self.client_options(), http_client=http)

    def warm(self) -> None:
        _ = self.client().messages.with_streaming_response  # imports them off the event loop

    def _run(self, request: ChatRequest) -> AsyncGenerator[StreamEvent, None]:
        return stream_messages(self.client(), request)

    async def _count(self, request: ChatRequest) -> int | None:
        messages = anthropic_messages(request.messages)
        return await counting.anthropic_count(
            self.client(), request.model, messages, request.system, self.count_timeout
        )
