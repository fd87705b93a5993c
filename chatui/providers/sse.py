"""Server-sent events read straight from an HTTP response, and the error an event can carry."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any, Protocol


class ByteStream(Protocol):
    def aiter_bytes(self) -> Any: ...


class StreamFailed(Exception):
    """An error reported inside the stream; `body` has the protocol's error object."""

    def __init__(self, error: Any) -> None:
        message = error.get("message") if isinstance(error, dict) else None
        super().__init__(str(message or error))
        self.body = {"error": error if isinstance(error, dict) else {"message": str(error)}}
        self.message = str(message or error)


async def server_sent_events(response: ByteStream) -> AsyncGenerator[str, None]:
    """The `data` of each event (comments, `event:` names and keep-alives skipped)."""
    partial: list[bytes] = []  # the unfinished last line, kept in pieces (lines can be huge)
    data: list[str] = []
    async for chunk in response.aiter_bytes():
        if b"\n" not in chunk:
            partial.append(chunk)
            continue
        *lines, rest = (b"".join(partial) + chunk).split(b"\n")
        partial = [rest]
        for raw in lines:
            # invalid UTF-8 from a server becomes U+FFFD rather than losing the reply
            line = raw.rstrip(b"\r").decode("utf-8", errors="replace")
            if not line:
                if data:
                    yield "\n".join(data)
                    data = []
            elif line.startswith("data:"):
                data.append(line[5:].removeprefix(" "))
    if data:
        yield "\n".join(data)
