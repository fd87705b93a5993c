"""Server-sent events read straight from an HTTP response, and the error an event can carry."""

from __future__ import annotations

import functools
from collections.abc import AsyncGenerator, Callable
from typing import Any, NamedTuple, ParamSpec, Protocol, TypeVar

P = ParamSpec("P")
T = TypeVar("T")
# what reading a field of the wrong type raises (`"text".get`, `None["k"]`, `int("x")`)
SHAPE_ERRORS = (AttributeError, TypeError, KeyError, IndexError, ValueError)

BOM = b"\xef\xbb\xbf"
LINE_ENDS = (b"\n", b"\r")


class ByteStream(Protocol):
    def aiter_bytes(self) -> Any: ...


class StreamFailed(Exception):
    """An error reported inside the stream; `body` has the protocol's error object."""

    def __init__(self, error: Any) -> None:
        message = error.get("message") if isinstance(error, dict) else None
        super().__init__(str(message or error))
        self.body = {"error": error if isinstance(error, dict) else {"message": str(error)}}
        self.message = str(message or error)


class UnexpectedShape(Exception):
    """An event whose JSON is valid but not of the shape its protocol gives it."""


def text_field(event: dict[str, Any], key: str) -> str:
    """`event[key]`: a piece of text ("" when absent); anything else is a malformed event
    (a number read as its digits would be a silently wrong answer)."""
    value = event.get(key, "")
    if not isinstance(value, str):
        raise UnexpectedShape(f"{key!r} is a {type(value).__name__}, not text")
    return value


def reads_server_events(
    reader: Callable[P, AsyncGenerator[T, None]],
) -> Callable[P, AsyncGenerator[T, None]]:
    """`reader` (a protocol's event reader), with a wrong type in an event's field (a string for
    an object, a list for a number) raised as `UnexpectedShape`, a malformed stream, rather than
    as a bug of chatui: only when the error is raised in `reader`'s own module, where the events
    are read (one raised inside the SDK or elsewhere stays a bug)."""
    module = reader.__code__.co_filename

    @functools.wraps(reader)
    async def read(*args: P.args, **kwargs: P.kwargs) -> AsyncGenerator[T, None]:
        events = reader(*args, **kwargs)
        try:
            async for event in events:
                yield event
        except SHAPE_ERRORS as exc:
            if _raised_in(exc) != module:
                raise
            raise UnexpectedShape(f"an event of an unexpected shape ({exc})") from exc
        finally:
            await events.aclose()

    return read


def _raised_in(exc: BaseException) -> str:
    trace = exc.__traceback__
    while trace is not None and trace.tb_next is not None:
        trace = trace.tb_next
    return trace.tb_frame.f_code.co_filename if trace is not None else ""


class ServerSentEvent(NamedTuple):
    """One event: its `data` lines joined with "\\n", its `event` name ("" for none) and the
    last `id` seen so far."""

    data: str
    event: str = ""
    id: str = ""


class EventDecoder:
    """The WHATWG event-stream parser, fed bytes in pieces cut anywhere.

    Lines end in LF, CRLF or a lone CR (a CRLF may be cut between two pieces); bytes are decoded
    per whole line, so a UTF-8 character cut between pieces reads right, and invalid UTF-8 from a
    server becomes U+FFFD rather than losing the reply. Comments (`: ...`) and unknown fields are
    skipped; `retry:` is kept in `retry`. Unlike a browser, `close` dispatches a last event that
    no blank line ended (several servers end their stream so)."""

    def __init__(self) -> None:
        self._partial: list[bytes] = []  # the unfinished last line, in pieces (lines can be huge)
        self._after_cr = False  # the last piece ended in CR: a leading LF ends no second line
        self._started = False  # past a leading byte order mark
        self._data: list[str] = []
        self._event = ""
        self.last_id = ""
        self.retry: int | None = None

    def feed(self, chunk: bytes) -> list[ServerSentEvent]:
        """The events that `chunk` completes."""
        if self._after_cr and chunk[:1] == b"\n":
            chunk = chunk[1:]
        self._after_cr = False
        if b"\n" not in chunk and b"\r" not in chunk:
            if chunk:
                self._partial.append(chunk)
            return []
        if self._partial:
            chunk = b"".join(self._partial) + chunk
        lines = chunk.splitlines()  # bytes split on LF, CRLF and CR only
        if chunk.endswith(LINE_ENDS):
            self._partial = []
            self._after_cr = chunk[-1:] == b"\r"
        else:
            self._partial = [lines.pop()]
        events: list[ServerSentEvent] = []
        for raw in lines:
            if (event := self._line(raw)) is not None:
                events.append(event)
        return events

    def close(self) -> list[ServerSentEvent]:
        """At the end of the stream: the event that an unended last line or event leaves."""
        if self._partial:
            self._line(b"".join(self._partial))
            self._partial = []
        event = self._line(b"")
        return [event] if event is not None else []

    def _line(self, raw: bytes) -> ServerSentEvent | None:
        if not self._started:
            self._started = True
            raw = raw.removeprefix(BOM)
        if not raw:
            if not self._data:
                self._event = ""
                return None
            event = ServerSentEvent("\n".join(self._data), self._event, self.last_id)
            self._data, self._event = [], ""
            return event
        if raw[:1] == b":":
            return None
        line = raw.decode("utf-8", errors="replace")
        if line.startswith("data: "):  # the usual line, first
            self._data.append(line[6:])
            return None
        name, colon, value = line.partition(":")
        if colon and value[:1] == " ":
            value = value[1:]
        if name == "data":
            self._data.append(value)
        elif name == "event":
            self._event = value
        elif name == "id":
            if "\0" not in value:
                self.last_id = value
        elif name == "retry" and value.isascii() and value.isdigit():
            self.retry = int(value)
        return None


async def server_sent_events(response: ByteStream) -> AsyncGenerator[str, None]:
    """The `data` of each event (comments, keep-alives and the other fields skipped)."""
    decoder = EventDecoder()
    async for chunk in response.aiter_bytes():
        for event in decoder.feed(chunk):
            yield event.data
    for event in decoder.close():
        yield event.data
