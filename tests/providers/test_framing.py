"""Each SSE framing servers use, through the real SDKs over HTTP: the same events as plain SSE."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from chatui.core import ReasoningDelta, TextDelta
from chatui.providers import Provider
from tests.providers.conftest import collect, request
from tests.wireserver import Reply, WireServer
from tests.wireserver.framing import Framing

PIECES = ["Héllo", " ✓ wörld", " 🙂", "\nnew line"]  # multi-byte characters, cut by 1-byte chunks
FRAMINGS = {
    "crlf": Framing(newline=b"\r\n"),
    "lone cr": Framing(newline=b"\r"),
    "multi-line data": Framing(split_data=True),
    "comments between and inside events": Framing(comments=True),
    "id and retry fields": Framing(fields=True),
    "no blank line or line end after the last event": Framing(unended=True),
    "bytes cut anywhere (utf-8, data:, crlf)": Framing(newline=b"\r\n", chunks=(1, 2, 3, 5)),
    "all at once": Framing(
        newline=b"\r\n", comments=True, split_data=True, fields=True, unended=True, chunks=(7, 1)
    ),
}


@pytest.mark.parametrize("framing", FRAMINGS.values(), ids=FRAMINGS.keys())
async def test_a_framing_reads_as_plain_sse(
    wire_server: WireServer,
    make_provider: Callable[..., Provider],
    protocol: str,
    framing: Framing,
) -> None:
    provider = make_provider(protocol)
    reasoning = ["Think", "ing…"]
    wire_server.enqueue(Reply(pieces=PIECES, reasoning=reasoning))
    plain = await collect(provider, request("hi"))
    wire_server.enqueue(Reply(pieces=PIECES, reasoning=reasoning, framing=framing))
    framed = await collect(provider, request("hi"))
    assert framed == plain
    assert "".join(e.text for e in framed if isinstance(e, TextDelta)) == "".join(PIECES)
    assert "".join(e.text for e in framed if isinstance(e, ReasoningDelta)) == "Thinking…"


async def test_a_one_megabyte_event_in_small_chunks(
    wire_server: WireServer, make_provider: Callable[..., Provider], protocol: str
) -> None:
    huge = "é" * 500_000  # 1 MB of UTF-8 in one delta: one event, its characters cut apart
    framing = Framing(newline=b"\r\n", chunks=(4093,))
    wire_server.enqueue(Reply(pieces=["a", huge, "z"], framing=framing))
    events = await collect(make_provider(protocol), request("hi"))
    assert [e.text for e in events if isinstance(e, TextDelta)] == ["a", huge, "z"]
