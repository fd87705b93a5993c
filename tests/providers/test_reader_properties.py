"""Each protocol's event reader, property-based, through the real SDK over an in-memory transport:
a valid stream cut anywhere reads the same; garbage gives the right events or a clear core error."""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import AsyncIterator
from typing import Any

import anthropic
import httpx2
import openai
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chatui.config import ProviderConfig
from chatui.core import ChatError, Finished, InternalError, MalformedStream, StreamEvent, TextDelta
from chatui.providers import create_provider
from chatui.providers.sse import EventDecoder
from tests.providers.conftest import KEY_ENV, PROTOCOLS, request
from tests.wireserver.handler import EMITTERS
from tests.wireserver.replies import CHAT_PATH, MESSAGES_PATH, RESPONSES_PATH, Reply

PATHS = {"chat": CHAT_PATH, "responses": RESPONSES_PATH, "anthropic": MESSAGES_PATH}
FAST = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
PIECES = st.lists(st.text(min_size=1, max_size=6), min_size=1, max_size=4)
CUTS = st.lists(st.integers(min_value=0), max_size=30)
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=5))
JSON_VALUES = st.one_of(SCALARS, st.lists(st.integers(), max_size=2))


def stream_body(protocol: str, reply: Reply) -> bytes:
    """The SSE body the wire server sends for `reply` (its emitter, no faults)."""
    emitter = EMITTERS[PATHS[protocol]](reply, {"model": "test-model"})
    out = [emitter.start()]
    for kind, group in itertools.groupby(reply.deltas(), key=lambda delta: delta[0]):
        out += [emitter.begin(kind), *(emitter.delta(kind, p) for _, p in group), emitter.end(kind)]
    return b"".join([*out, emitter.finish()])


def payloads(body: bytes) -> list[Any]:
    decoder = EventDecoder()
    return [json.loads(e.data) for e in decoder.feed(body) + decoder.close() if e.data[:1] == "{"]


def framed(events: list[Any]) -> bytes:
    return b"".join(b"data: %b\n\n" % json.dumps(event).encode() for event in events)


def cut(body: bytes, points: list[int]) -> list[bytes]:
    edges = [0, *sorted({p % (len(body) + 1) for p in points}), len(body)]
    return [body[a:b] for a, b in itertools.pairwise(edges)]


def read(protocol: str, pieces: list[bytes]) -> list[StreamEvent] | ChatError:
    """What chatui's provider makes of a body sent in `pieces`: its events, or its error."""

    async def body() -> AsyncIterator[bytes]:
        for piece in pieces:
            yield piece

    def answer(_request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(200, headers={"content-type": "text/event-stream"}, content=body())

    async def run() -> list[StreamEvent] | ChatError:
        kind = "anthropic" if protocol == "anthropic" else "openai"
        api = None if protocol == "anthropic" else protocol
        config = ProviderConfig(
            name="mem", kind=kind, base_url="http://127.0.0.1:9/v1", api=api,
            api_key_env=KEY_ENV, max_retries=0,
        )  # fmt: skip
        provider: Any = create_provider(config)
        http = httpx2.AsyncClient(transport=httpx2.MockTransport(answer))
        sdk: Any = anthropic.AsyncAnthropic if protocol == "anthropic" else openai.AsyncOpenAI
        provider._client = sdk(api_key="k", base_url=config.base_url, http_client=http)
        try:
            return [event async for event in provider.stream(request("hi"))]
        except ChatError as exc:
            return exc
        finally:
            await provider.aclose()

    return asyncio.run(asyncio.wait_for(run(), 10))  # a hang fails rather than blocks


def text(outcome: list[StreamEvent] | ChatError) -> str:
    assert isinstance(outcome, list)
    return "".join(e.text for e in outcome if isinstance(e, TextDelta))


def is_clear(outcome: list[StreamEvent] | ChatError) -> bool:
    """An answer that finished, or a core error that says what the server did (not a bug)."""
    if isinstance(outcome, ChatError):
        return not isinstance(outcome, InternalError)
    return bool(outcome) and isinstance(outcome[-1], Finished)


@pytest.fixture(autouse=True)
def _key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(KEY_ENV, "k")


@pytest.mark.parametrize("protocol", PROTOCOLS)
@FAST
@given(pieces=PIECES, reasoning=st.lists(st.text(min_size=1, max_size=4), max_size=2), cuts=CUTS)
def test_a_valid_stream_cut_anywhere_reads_the_same(
    protocol: str, pieces: list[str], reasoning: list[str], cuts: list[int]
) -> None:
    reply = Reply(pieces=pieces, reasoning=reasoning)
    body = stream_body(protocol, reply)
    whole = read(protocol, [body])
    assert text(whole) == reply.text and is_clear(whole)
    assert read(protocol, cut(body, cuts)) == whole


@pytest.mark.parametrize("protocol", PROTOCOLS)
@FAST
@given(garbage=st.binary(max_size=300), cuts=CUTS)
def test_random_bytes_give_a_clear_error(protocol: str, garbage: bytes, cuts: list[int]) -> None:
    assert is_clear(read(protocol, cut(garbage, cuts)))


@pytest.mark.parametrize("protocol", PROTOCOLS)
@FAST
@given(pieces=PIECES, at=st.integers(min_value=0))
def test_a_truncated_stream_is_an_error_or_the_whole_answer(
    protocol: str, pieces: list[str], at: int
) -> None:
    reply = Reply(pieces=pieces)
    body = stream_body(protocol, reply)
    outcome = read(protocol, [body[: at % len(body)]])
    assert is_clear(outcome)
    assert isinstance(outcome, ChatError) or text(outcome) == reply.text


@pytest.mark.parametrize("protocol", PROTOCOLS)
@FAST
@given(pieces=PIECES, which=st.integers(min_value=0), at=st.integers(min_value=0))
def test_an_event_of_truncated_json_is_a_malformed_stream(
    protocol: str, pieces: list[str], which: int, at: int
) -> None:
    lines = framed(payloads(stream_body(protocol, Reply(pieces=pieces)))).split(b"\n\n")
    k = which % (len(lines) - 1)  # the last is the empty rest after the last event
    lines[k] = lines[k][: len(b"data: ") + at % (len(lines[k]) - len(b"data: "))]
    assert isinstance(read(protocol, [b"\n\n".join(lines)]), MalformedStream)


@pytest.mark.parametrize("protocol", PROTOCOLS)
@FAST
@given(pieces=PIECES, at=st.integers(min_value=0), kind=st.text(max_size=12))
def test_an_unknown_event_type_changes_nothing(
    protocol: str, pieces: list[str], at: int, kind: str
) -> None:
    events = payloads(stream_body(protocol, Reply(pieces=pieces)))
    if protocol == "chat":
        stranger: dict[str, Any] = {"object": "x.unknown", "choices": [], "x": kind}
    else:
        stranger = {"type": f"x.unknown.{kind}", "delta": kind}
    mixed = [*events[: at % len(events)], stranger, *events[at % len(events) :]]
    assert read(protocol, [framed(mixed)]) == read(protocol, [framed(events)])


@pytest.mark.parametrize("protocol", PROTOCOLS)
@FAST
@given(pieces=PIECES, which=st.integers(min_value=0), path=st.integers(0), value=JSON_VALUES)
def test_a_wrong_type_in_a_known_field_is_never_a_crash(
    protocol: str, pieces: list[str], which: int, path: int, value: Any
) -> None:
    events = payloads(stream_body(protocol, Reply(pieces=pieces)))
    event = events[which % len(events)]
    holders = fields(event)
    holder, key = holders[path % len(holders)]
    holder[key] = value
    assert is_clear(read(protocol, [framed(events)]))


def fields(node: Any) -> list[tuple[Any, Any]]:
    """Every (container, key) in a JSON value, depth first."""
    found: list[tuple[Any, Any]] = []
    items = node.items() if isinstance(node, dict) else enumerate(node)
    for key, child in items:
        found.append((node, key))
        if isinstance(child, dict | list):
            found += fields(child)
    return found
