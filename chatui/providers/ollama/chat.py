"""`POST /api/chat`: the request body, and its NDJSON stream read as core events."""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator
from typing import TYPE_CHECKING, Any

from chatui.config import ProviderConfig
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
from chatui.providers.errors import status_error
from chatui.providers.openai import sampling_args
from chatui.providers.sse import StreamFailed

if TYPE_CHECKING:
    import httpx2

CHAT_PATH = "/api/chat"


def chat_body(
    request: ChatRequest, messages: list[dict[str, str]], num_ctx: int, think: bool
) -> dict[str, Any]:
    """The streamed request: `truncate: false` makes Ollama reject a conversation longer than
    `num_ctx` rather than silently drop its oldest messages."""
    options = {"num_ctx": num_ctx, "num_predict": request.options.max_tokens}
    body: dict[str, Any] = {
        "model": request.model,
        "messages": messages,
        "stream": True,
        "truncate": False,
        "options": options | sampling_args(request),  # temperature, seed: the same names
    }
    if think:
        body["think"] = True
    return body


def _usage(final: dict[str, Any]) -> Usage | None:
    prompt, reply = final.get("prompt_eval_count"), final.get("eval_count")
    if not isinstance(prompt, int) and not isinstance(reply, int):
        return None
    return Usage(prompt if isinstance(prompt, int) else 0, reply if isinstance(reply, int) else 0)


async def stream_chat(
    client: httpx2.AsyncClient, body: dict[str, Any], config: ProviderConfig
) -> AsyncGenerator[StreamEvent, None]:
    """Yield the events of one `/api/chat` stream: a line per piece (`message.thinking`,
    `message.content`), then one with `done: true` and the counts; `{"error": ...}` lines and
    error statuses raise."""
    final: dict[str, Any] | None = None
    async with client.stream("POST", CHAT_PATH, json=body) as response:
        if response.status_code != 200:
            raise status_error(response, await response.aread(), config)
        async for line in response.aiter_lines():
            if not line.strip():
                continue
            chunk = json.loads(line)
            if not isinstance(chunk, dict):
                raise json.JSONDecodeError("a line is not a JSON object", line, 0)
            if chunk.get("error"):  # a failure after the 200: the runner stopped
                raise StreamFailed({"type": "server_error", "message": str(chunk["error"])})
            message = chunk.get("message")
            if isinstance(message, dict):
                thinking, content = message.get("thinking"), message.get("content")
                if isinstance(thinking, str) and thinking:
                    yield ReasoningDelta(thinking)
                if isinstance(content, str) and content:
                    yield TextDelta(content)
            if chunk.get("done") is True:
                final = chunk
    if final is None:
        raise ConnectionDropped("the connection closed before the reply was complete")
    usage = _usage(final)
    if usage is not None:
        yield UsageReport(usage)
    reason = final.get("done_reason")
    yield Finished(reason if isinstance(reason, str) else None)
