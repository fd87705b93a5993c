"""Chat Completions streaming (`chat.completion.chunk`), tolerant of compatible servers' quirks.

The SDK sends the request and raises its typed errors; the chunks themselves are read as plain
JSON. Building the SDK's pydantic model for every chunk cost about 400 µs each here (2.4 CPU-s for
a 6,000-chunk reply), several times everything else the app does per chunk.
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
from chatui.providers.base import plain_json
from chatui.providers.openai import sampling_args
from chatui.providers.sse import StreamFailed, reads_server_events, server_sent_events

if TYPE_CHECKING:
    from openai import AsyncOpenAI


def chat_messages(request: ChatRequest) -> list[dict[str, str]]:
    """System first, then the conversation, skipping empty messages."""
    messages = [{"role": "system", "content": request.system}] if request.system else []
    turns = [m for m in request.messages if m.content]
    return messages + [{"role": m.role.value, "content": m.content} for m in turns]


def _usage(chunk: dict[str, Any]) -> Usage | None:
    usage = chunk.get("usage")
    if not isinstance(usage, dict):
        return None
    return Usage(int(usage.get("prompt_tokens") or 0), int(usage.get("completion_tokens") or 0))


@reads_server_events
async def stream_chat(
    client: AsyncOpenAI, request: ChatRequest, official: bool
) -> AsyncGenerator[StreamEvent, None]:
    """Yield events from one Chat Completions stream; the response is closed on exit."""
    limit = "max_completion_tokens" if official else "max_tokens"
    args: dict[str, Any] = {limit: request.options.max_tokens, **sampling_args(request)}
    create: Any = client.chat.completions.with_streaming_response.create
    finish: str | None = None
    usage: Usage | None = None
    done = False
    async with create(
        model=request.model,
        messages=[],  # sent as is, in extra_body (see `plain_json`)
        stream=True,
        stream_options={"include_usage": True},
        **args,
        extra_body=plain_json(messages=chat_messages(request)),
    ) as response:
        async for data in server_sent_events(response.http_response):
            if done or data.startswith("[DONE]"):  # read on to the end of the body, so the
                done = True  # connection ends cleanly instead of being cut after the marker
                continue
            chunk = json.loads(data)
            if not isinstance(chunk, dict):
                raise json.JSONDecodeError("a chunk is not a JSON object", data, 0)
            if chunk.get("error"):
                raise StreamFailed(chunk["error"])
            usage = _usage(chunk) or usage
            choices = chunk.get("choices")
            if not choices:  # the usage chunk has an empty list
                continue
            choice = choices[0]
            delta = choice.get("delta") or {}
            reasoning = delta.get("reasoning_content") or delta.get("reasoning")
            if isinstance(reasoning, str) and reasoning:
                yield ReasoningDelta(reasoning)
            content = delta.get("content")
            if isinstance(content, str) and content:
                yield TextDelta(content)
            finish = choice.get("finish_reason") or finish
    if finish is None and not done:
        raise ConnectionDropped("the connection closed before the reply was complete")
    if usage is not None:
        yield UsageReport(usage)
    yield Finished(finish)
