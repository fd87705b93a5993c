"""The base of the per-protocol writers of SSE events and non-stream bodies."""

from __future__ import annotations

import time
from typing import Any

from tests.wireserver.replies import Kind, Reply, dumps


class Emitter:
    """Builds one protocol's SSE bytes and non-stream body for a reply; subclasses per API."""

    content_type = "text/event-stream; charset=utf-8"

    def __init__(self, reply: Reply, body: dict[str, Any]) -> None:
        self.reply = reply
        self.body = body
        self.model: str = reply.model or body["model"]
        self.created = int(time.time())
        self.reasoning_parts: list[str] = []
        self.text_parts: list[str] = []

    def sse(self, data: Any, event: str | None = None) -> bytes:
        head = f"event: {event}\n" if event else ""
        comment = ": keep-alive\n\n" if self.reply.sse_comments else ""
        return f"{comment}{head}data: {dumps(data)}\n\n".encode()

    def begin(self, kind: Kind) -> bytes:
        return self.reasoning_begin() if kind == "reasoning" else self.text_begin()

    def end(self, kind: Kind) -> bytes:
        return self.reasoning_end() if kind == "reasoning" else self.text_end()

    def delta(self, kind: Kind, piece: str) -> bytes:
        if kind == "reasoning":
            self.reasoning_parts.append(piece)
            return self.reasoning_delta(piece)
        self.text_parts.append(piece)
        return self.text_delta(piece)

    def start(self) -> bytes:
        return b""

    def reasoning_begin(self) -> bytes:
        return b""

    def reasoning_delta(self, piece: str) -> bytes:
        raise NotImplementedError

    def reasoning_end(self) -> bytes:
        return b""

    def text_begin(self) -> bytes:
        return b""

    def text_delta(self, piece: str) -> bytes:
        raise NotImplementedError

    def text_end(self) -> bytes:
        return b""

    def finish(self) -> bytes:
        raise NotImplementedError

    def error_event(self) -> bytes:
        raise NotImplementedError

    def malformed(self) -> bytes:
        return b'data: {"id":"broken","choices":[{"delta":{"content":"oops"\n\n'

    def complete_body(self) -> dict[str, Any]:
        raise NotImplementedError
