"""The SSE reader, property-based: any stream, in any framing and cut anywhere, reads right."""

from __future__ import annotations

import itertools
import time

from hypothesis import given, settings
from hypothesis import strategies as st

from chatui.providers.sse import BOM, EventDecoder, ServerSentEvent, server_sent_events

# a field's value: any text but the line ends (and the surrogates UTF-8 cannot carry)
VALUE = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\r\n"))
NAME = st.text(st.characters(codec="ascii", exclude_characters="\r\n\0:"), max_size=8)
EVENT = st.tuples(st.lists(VALUE, min_size=1, max_size=3), NAME, st.booleans())
COMMENT = ": OPENROUTER PROCESSING"
FAST = settings(max_examples=150, deadline=None)


def decode(chunks: list[bytes]) -> list[ServerSentEvent]:
    decoder = EventDecoder()
    events = [event for chunk in chunks for event in decoder.feed(chunk)]
    return events + decoder.close()


def cut(body: bytes, points: list[int]) -> list[bytes]:
    """`body` in pieces at `points` (any offsets, sorted and clipped here)."""
    edges = [0, *sorted({p % (len(body) + 1) for p in points}), len(body)]
    return [body[a:b] for a, b in itertools.pairwise(edges)]


@st.composite
def streams(draw: st.DrawFn) -> tuple[bytes, list[ServerSentEvent]]:
    """A stream as a server may write it, and the events it holds."""
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    comments, fields = draw(st.booleans()), draw(st.booleans())
    lines: list[str] = []
    expected: list[ServerSentEvent] = []
    last_id = ""
    for number, (data, name, with_id) in enumerate(draw(st.lists(EVENT, max_size=6))):
        if comments:
            lines.append(COMMENT)
        if name:
            lines.append(f"event: {name}")
        if fields and with_id:
            last_id = str(number)
            lines += [f"id: {last_id}", "retry: 3000"]
        for k, value in enumerate(data):
            lines.append(f"data: {value}")
            if comments and k == 0:
                lines.append(COMMENT)  # inside the event
        lines.append("")
        expected.append(ServerSentEvent("\n".join(data), name, last_id))
    ending = draw(st.sampled_from(["blank", "newline", "none"]))
    text = newline.join(lines)  # ends with the last event's blank line, not yet ended
    text += {"blank": newline, "newline": "", "none": ""}[ending]
    if ending == "none":  # no line end after the last data line at all
        text = text.removesuffix(newline)
    body = (BOM if draw(st.booleans()) else b"") + text.encode()
    return body, expected


@FAST
@given(streams(), st.lists(st.integers(min_value=0), max_size=40))
def test_any_framing_cut_anywhere_gives_the_events(
    stream: tuple[bytes, list[ServerSentEvent]], points: list[int]
) -> None:
    body, expected = stream
    assert decode(cut(body, points)) == expected


@FAST
@given(st.binary(max_size=400), st.lists(st.integers(min_value=0), max_size=40))
def test_any_bytes_cut_anywhere_read_as_when_whole(garbage: bytes, points: list[int]) -> None:
    whole = decode([garbage])
    assert all(isinstance(e.data, str) and isinstance(e.event, str) for e in whole)
    assert decode(cut(garbage, points)) == whole
    assert decode([bytes([b]) for b in garbage]) == whole


def test_each_byte_apart_splits_utf8_and_crlf() -> None:
    body = "data: héllo ✓ 🙂\r\ndata: two\r\n\r\n: note\rdata: 3\r\r".encode()
    expected = [ServerSentEvent("héllo ✓ 🙂\ntwo"), ServerSentEvent("3")]
    assert decode([body[i : i + 1] for i in range(len(body))]) == expected


def test_fields_without_a_space_or_a_colon_and_unknown_ones() -> None:
    body = b"data:a\ndata\nfoo: bar\nevent:x\nid: 7\nretry: soon\nretry:250\n\n"
    decoder = EventDecoder()
    assert decoder.feed(body) == [ServerSentEvent("a\n", "x", "7")]
    assert decoder.retry == 250


def test_a_one_megabyte_event_in_small_pieces_reads_in_linear_time() -> None:
    value = "x" * 1_000_000
    body = f"data: {value}\n\n".encode()
    started = time.process_time()
    events = decode([body[i : i + 1024] for i in range(0, len(body), 1024)])
    assert events == [ServerSentEvent(value)]
    assert time.process_time() - started < 1.0  # a quadratic join takes minutes


async def test_the_response_reader_yields_each_events_data() -> None:
    class Body:
        async def aiter_bytes(self) -> object:
            for piece in (b"data: 1\r", b"\n\r\nevent: e\ndata: 2", b"\ndata: 3"):
                yield piece

    assert [data async for data in server_sent_events(Body())] == ["1", "2\n3"]
