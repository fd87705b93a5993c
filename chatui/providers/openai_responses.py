"""Responses API streaming (`response.*` events), used on the official OpenAI endpoint."""

from __future__ import annotations

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
from chatui.providers.openai import REASONING_MODELS, sampling_args

if TYPE_CHECKING:
    from openai import AsyncOpenAI


class ResponseFailed(Exception):
    """An `error` or `response.failed` event; mapped to a core error by the provider."""

    def __init__(self, code: str | None, message: str) -> None:
        super().__init__(message)
        self.body = {"error": {"type": code, "message": message}}
        self.message = message


def _usage(response: Any) -> Usage | None:
    usage = getattr(response, "usage", None)
    if usage is None:
        return None
    return Usage(usage.input_tokens or 0, usage.output_tokens or 0)


async def stream_responses(
    client: AsyncOpenAI, request: ChatRequest, official: bool
) -> AsyncGenerator[StreamEvent, None]:
    """Yield events from one Responses stream; `error`/`response.failed` become exceptions."""
    # the Responses API rejects a limit under 16 tokens
    args: dict[str, Any] = {"max_output_tokens": max(16, request.options.max_tokens)}
    args.update({k: v for k, v in sampling_args(request).items() if k != "seed"})
    if request.system:
        args["instructions"] = request.system
    if REASONING_MODELS.search(request.model):
        args["reasoning"] = {"summary": "auto"}
    items = [{"role": m.role.value, "content": m.content} for m in request.messages if m.content]
    create: Any = client.responses.create  # the SDK's overloads don't fit **args
    stream = await create(model=request.model, input=items, stream=True, store=False, **args)
    try:
        async for event in stream:
            kind = event.type
            if kind == "response.output_text.delta":
                yield TextDelta(event.delta)
            elif kind == "response.reasoning_summary_text.delta":
                yield ReasoningDelta(event.delta)
            elif kind in ("response.completed", "response.incomplete"):
                response = event.response
                if (usage := _usage(response)) is not None:
                    yield UsageReport(usage)
                details = getattr(response, "incomplete_details", None)
                yield Finished(getattr(details, "reason", None) or response.status)
                return
            elif kind == "error":
                raise ResponseFailed(event.code, event.message)
            elif kind == "response.failed":
                error = event.response.error
                code = error.code if error else None
                raise ResponseFailed(code, error.message if error else "the response failed")
        raise ConnectionDropped("the connection closed before the reply was complete")
    finally:
        await stream.close()
