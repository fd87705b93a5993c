"""Chat Completions streaming (`chat.completion.chunk`), tolerant of compatible servers' quirks.

The SDK sends the request and raises its typed errors; the chunks themselves are read as plain
JSON. Building the SDK's pydantic model for every chunk cost about 400 µs each here (2.4 CPU-s for
a 6,000-chunk reply), several times everything else the app does per chunk.
"""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator, Iterator
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
    """The chunk's token counts: in `usage`, or (Groq) only in `x_groq.usage`."""
    usage = chunk.get("usage")
    if not isinstance(usage, dict):
        groq = chunk.get("x_groq")
        usage = groq.get("usage") if isinstance(groq, dict) else None
    if not isinstance(usage, dict):
        return None
    return Usage(int(usage.get("prompt_tokens") or 0), int(usage.get("completion_tokens") or 0))


def _part_text(value: Any) -> str:
    """The text of a content part's value: a string, or (Mistral's thinking) a list of parts."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "".join(_part_text(part.get("text")) for part in value if isinstance(part, dict))
    return ""


def _content_events(content: Any) -> Iterator[StreamEvent]:
    """`delta.content`: a string, or (Mistral) a list of `text` and `thinking` parts."""
    if isinstance(content, str):
        if content:
            yield TextDelta(content)
        return
    for part in content if isinstance(content, list) else ():
        kind = part.get("type") if isinstance(part, dict) else None
        if kind == "text" and (text := _part_text(part.get("text"))):
            yield TextDelta(text)
        elif kind == "thinking" and (thought := _part_text(part.get("thinking"))):
            yield ReasoningDelta(thought)


def _delta_events(delta: dict[str, Any]) -> Iterator[StreamEvent]:
    """The reasoning and text of one chunk's delta; a refusal's text is the reply's text."""
    reasoning = delta.get("reasoning_content") or delta.get("reasoning")
    if isinstance(reasoning, str) and reasoning:
        yield ReasoningDelta(reasoning)
    yield from _content_events(delta.get("content"))
    refusal = delta.get("refusal")
    if isinstance(refusal, str) and refusal:
        yield TextDelta(refusal)


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
    done = refused = False
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
            if not isinstance(choices, list) or not choices:  # the usage chunk: an empty list
                continue
            choice = choices[0] if isinstance(choices[0], dict) else {}
            delta = choice.get("delta")
            if isinstance(delta, dict):
                refused = refused or bool(delta.get("refusal"))
                for event in _delta_events(delta):
                    yield event
            finish = stop_word(choice.get("finish_reason")) or finish
    if finish is None and not done:
        raise ConnectionDropped("the connection closed before the reply was complete")
    if usage is not None:
        yield UsageReport(usage)
    yield Finished("refusal" if refused and finish in (None, "stop") else finish)
