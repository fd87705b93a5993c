"""Chat Completions streaming (`chat.completion.chunk`), tolerant of compatible servers' quirks."""

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
from chatui.providers.openai import sampling_args

if TYPE_CHECKING:
    from openai import AsyncOpenAI


def chat_messages(request: ChatRequest) -> list[dict[str, str]]:
    """System first, then the conversation, skipping empty messages."""
    messages = [{"role": "system", "content": request.system}] if request.system else []
    messages += [
        {"role": m.role.value, "content": m.content} for m in request.messages if m.content
    ]
    return messages


async def stream_chat(
    client: AsyncOpenAI, request: ChatRequest, official: bool
) -> AsyncGenerator[StreamEvent, None]:
    """Yield events from one Chat Completions stream; always close it."""
    limit = "max_completion_tokens" if official else "max_tokens"
    args: dict[str, Any] = {limit: request.options.max_tokens, **sampling_args(request)}
    create: Any = client.chat.completions.create  # the SDK's overloads don't fit **args
    stream = await create(
        model=request.model,
        messages=chat_messages(request),
        stream=True,
        stream_options={"include_usage": True},
        **args,
    )
    finish: str | None = None
    usage: Usage | None = None
    try:
        async for chunk in stream:
            if chunk.usage is not None:
                usage = Usage(chunk.usage.prompt_tokens or 0, chunk.usage.completion_tokens or 0)
            if not chunk.choices:
                continue
            choice = chunk.choices[0]
            delta = choice.delta
            if delta is not None:
                extra = delta.model_extra or {}
                reasoning = extra.get("reasoning_content") or extra.get("reasoning")
                if isinstance(reasoning, str) and reasoning:
                    yield ReasoningDelta(reasoning)
                if delta.content:
                    yield TextDelta(delta.content)
            if choice.finish_reason:
                finish = choice.finish_reason
        if finish is None and not getattr(stream._decoder, "saw_done", True):
            raise ConnectionDropped("the connection closed before the reply was complete")
        if usage is not None:
            yield UsageReport(usage)
        yield Finished(finish)
    finally:
        await stream.close()
