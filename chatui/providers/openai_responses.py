"""Responses API streaming (`response.*` events), used on the official OpenAI endpoint.

As for Chat Completions, the SDK sends the request and raises its typed errors, and the events
are read as plain JSON (the SDK's per-event models dominated the CPU cost of a reply).
"""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator
from typing import TYPE_CHECKING, Any

from chatui.core import (
    ChatRequest,
    ConnectionDropped,
    Finished,
    ReasoningDelta,
    StreamEvent,
    TextDelta,
    Usage,
    UsageReport,
)
from chatui.providers.base import plain_json, stop_word
from chatui.providers.openai import REASONING_MODELS, sampling_args
from chatui.providers.sse import (
    StreamFailed,
    reads_server_events,
    server_sent_events,
    text_field,
)

if TYPE_CHECKING:
    from openai import AsyncOpenAI


# a summary of the reasoning (OpenAI), or the reasoning itself (DeepSeek, OpenRouter)
REASONING_EVENTS = ("response.reasoning_summary_text.delta", "response.reasoning_text.delta")


def _usage(response: dict[str, Any]) -> Usage | None:
    usage = response.get("usage")
    if not isinstance(usage, dict):
        return None
    return Usage(int(usage.get("input_tokens") or 0), int(usage.get("output_tokens") or 0))


def response_items(request: ChatRequest) -> list[dict[str, str]]:
    """The conversation as the Responses API's `input` (the system prompt goes apart)."""
    return [{"role": m.role.value, "content": m.content} for m in request.messages if m.content]


def _request_args(request: ChatRequest) -> dict[str, Any]:
    # the Responses API rejects a limit under 16 tokens
    args: dict[str, Any] = {"max_output_tokens": max(16, request.options.max_tokens)}
    args.update({k: v for k, v in sampling_args(request).items() if k != "seed"})
    if request.system:
        args["instructions"] = request.system
    if REASONING_MODELS.search(request.model):
        args["reasoning"] = {"summary": "auto"}
    return args


@reads_server_events
async def stream_responses(
    client: AsyncOpenAI, request: ChatRequest, official: bool
) -> AsyncGenerator[StreamEvent, None]:
    """Yield events from one Responses stream; `error`/`response.failed` become exceptions."""
    items = response_items(request)
    refused = False
    create: Any = client.responses.with_streaming_response.create
    async with create(
        model=request.model, input=[], stream=True, store=False, **_request_args(request),
        extra_body=plain_json(input=items),  # sent as is (see `plain_json`)
    ) as response:  # fmt: skip
        async for data in server_sent_events(response.http_response):
            event = json.loads(data)
            kind = event.get("type") if isinstance(event, dict) else None
            if kind in ("response.output_text.delta", "response.refusal.delta"):
                refused = refused or kind == "response.refusal.delta"  # its text is the reply
                yield TextDelta(text_field(event, "delta"))
            elif kind in REASONING_EVENTS:
                yield ReasoningDelta(text_field(event, "delta"))
            elif kind in ("response.completed", "response.incomplete"):
                body = event.get("response") or {}
                if (usage := _usage(body)) is not None:
                    yield UsageReport(usage)
                details = body.get("incomplete_details") or {}
                reason = stop_word(details.get("reason")) or stop_word(body.get("status"))
                yield Finished("refusal" if refused and reason == "completed" else reason)
                return
            elif kind == "error":  # the fields at the top, or (some servers) in `error`
                error = event.get("error")
                if not isinstance(error, dict):
                    error = {k: event.get(k) for k in ("code", "message", "param")}
                raise StreamFailed({**error, "type": error.get("code") or error.get("type")})
            elif kind == "response.failed":
                error = (event.get("response") or {}).get("error") or {}
                raise StreamFailed(
                    {"type": error.get("code"), "message": error.get("message") or "failed"}
                )
    raise ConnectionDropped("the connection closed before the reply was complete")
