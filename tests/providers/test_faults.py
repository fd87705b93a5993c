"""Every fault maps to a core error with a clear message; cut-off streams are never 'finished'."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable

import pytest

from chatui.core import (
    AuthenticationError,
    BadRequest,
    ChatError,
    ConnectionDropped,
    ConnectionFailed,
    MalformedStream,
    ModelNotFound,
    Overloaded,
    PermissionDenied,
    RateLimited,
    ServerError,
    StreamTimeout,
    TextDelta,
)
from chatui.providers import Provider, create_provider
from tests.providers.conftest import KEY_ENV, collect, provider_config, request
from tests.wireserver import Reply, WireServer


async def failure(provider: Provider) -> tuple[list[object], ChatError]:
    """The events that arrived before the stream failed, and the error."""
    seen: list[object] = []
    with pytest.raises(ChatError) as info:
        async for event in provider.stream(request("hi")):
            seen.append(event)
    return seen, info.value


@pytest.mark.parametrize(
    ("status", "error_type", "expected", "words"),
    [
        (401, None, AuthenticationError, KEY_ENV),
        (403, None, PermissionDenied, "test-"),
        (404, None, ModelNotFound, "test-"),
        (400, None, BadRequest, "test-"),
        (500, None, ServerError, "500"),
        (503, None, ServerError, "503"),
    ],
)
async def test_http_errors(
    wire_server: WireServer,
    make_provider: Callable[..., Provider],
    protocol: str,
    status: int,
    error_type: str | None,
    expected: type[ChatError],
    words: str,
) -> None:
    wire_server.enqueue(Reply(status=status, error_type=error_type, error_message="nope"))
    _, error = await failure(make_provider(protocol))
    assert type(error) is expected
    assert words in error.message and "nope" in error.message
    assert error.retryable == (status >= 500)


async def test_rate_limit_carries_retry_after(
    wire_server: WireServer, make_provider: Callable[..., Provider], protocol: str
) -> None:
    wire_server.enqueue(Reply(status=429, retry_after="17", error_message="slow down"))
    _, error = await failure(make_provider(protocol))
    assert isinstance(error, RateLimited) and error.retry_after == 17.0
    assert "retry in 17 s" in error.message


async def test_anthropic_529_overloaded(
    wire_server: WireServer, make_provider: Callable[..., Provider]
) -> None:
    wire_server.enqueue(Reply(status=529, error_type="overloaded_error", error_message="busy"))
    _, error = await failure(make_provider("anthropic"))
    assert isinstance(error, Overloaded) and error.retryable


async def test_overloaded_mid_stream_keeps_partial_text(
    wire_server: WireServer, make_provider: Callable[..., Provider]
) -> None:
    wire_server.enqueue(
        Reply(pieces=["part", "ial", "x"], error_event_after=2, error_type="overloaded_error")
    )
    seen, error = await failure(make_provider("anthropic"))
    assert isinstance(error, Overloaded)
    assert "".join(e.text for e in seen if isinstance(e, TextDelta)) == "partial"


async def test_error_event_mid_stream(
    wire_server: WireServer, make_provider: Callable[..., Provider], protocol: str
) -> None:
    wire_server.enqueue(Reply(pieces=["a", "b", "c"], error_event_after=1, error_message="boom"))
    seen, error = await failure(make_provider(protocol))
    assert "boom" in error.message
    assert [e for e in seen if isinstance(e, TextDelta)] == [TextDelta("a")]


async def test_responses_failed_event(
    wire_server: WireServer, make_provider: Callable[..., Provider]
) -> None:
    wire_server.enqueue(
        Reply(
            pieces=["a", "b"],
            error_event_after=1,
            error_event_kind="failed",
            error_message="model crashed",
        )
    )
    _, error = await failure(make_provider("responses"))
    assert "model crashed" in error.message


async def test_disconnect_mid_stream(
    wire_server: WireServer, make_provider: Callable[..., Provider], protocol: str
) -> None:
    wire_server.enqueue(Reply(pieces=["one", "two", "three"], disconnect_after=2))
    seen, error = await failure(make_provider(protocol))
    assert isinstance(error, ConnectionDropped)
    assert "".join(e.text for e in seen if isinstance(e, TextDelta)) == "onetwo"


async def test_stream_ending_without_end_marker_is_a_drop(
    wire_server: WireServer, make_provider: Callable[..., Provider], protocol: str
) -> None:
    wire_server.enqueue(Reply(pieces=["x"], omit_done=True, omit_finish_reason=True))
    _, error = await failure(make_provider(protocol))
    assert isinstance(error, ConnectionDropped)


async def test_stall_is_a_timeout(
    wire_server: WireServer, make_provider: Callable[..., Provider], protocol: str
) -> None:
    wire_server.enqueue(Reply(pieces=["a", "b"], stall_after=1))
    provider = make_provider(protocol, timeouts=provider_config(wire_server, protocol).timeouts)
    provider.config = provider_config(
        wire_server, protocol, timeouts=type(provider.config.timeouts)(connect=2, read=0.4)
    )
    seen, error = await failure(provider)
    assert isinstance(error, StreamTimeout) and "0.4 s" in error.message
    assert [e for e in seen if isinstance(e, TextDelta)] == [TextDelta("a")]


async def test_malformed_stream(
    wire_server: WireServer, make_provider: Callable[..., Provider], protocol: str
) -> None:
    wire_server.enqueue(Reply(pieces=["a", "b"], malformed_after=1))
    _, error = await failure(make_provider(protocol))
    assert isinstance(error, MalformedStream)


async def test_connection_refused(protocol: str) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]

    class Dead:
        base_url = f"http://127.0.0.1:{port}"

    provider = create_provider(provider_config(Dead(), protocol))  # type: ignore[arg-type]
    _, error = await failure(provider)
    await provider.aclose()
    assert isinstance(error, ConnectionFailed) and str(port) in error.message


async def test_retry_before_first_token_only(
    wire_server: WireServer, make_provider: Callable[..., Provider], protocol: str
) -> None:
    provider = make_provider(protocol, max_retries=2)
    provider.retry_base_delay = 0.01
    wire_server.enqueue(Reply(status=503), Reply(pieces=["fine"]))
    events = await collect(provider, request("hi"))
    assert [e for e in events if isinstance(e, TextDelta)] == [TextDelta("fine")]
    generation = [r for r in wire_server.requests if r.path != "/v1/models"]
    assert len(generation) == 2
    # after the first token, a failure is not retried
    wire_server.enqueue(Reply(pieces=["a", "b"], disconnect_after=1), Reply(pieces=["never"]))
    _, error = await failure(provider)
    assert isinstance(error, ConnectionDropped)
    assert len([r for r in wire_server.requests if r.path != "/v1/models"]) == 3


async def test_missing_key_names_the_variable(
    wire_server: WireServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(KEY_ENV)
    with pytest.raises(AuthenticationError, match=KEY_ENV):
        create_provider(provider_config(wire_server, "chat"))


async def test_cancel_closes_the_stream(
    wire_server: WireServer, make_provider: Callable[..., Provider], protocol: str
) -> None:
    wire_server.enqueue(Reply(pieces=["x"] * 400, interval=0.01))
    provider = make_provider(protocol)
    got_first = asyncio.Event()

    async def consume() -> None:
        async for event in provider.stream(request("hi")):
            if isinstance(event, TextDelta):
                got_first.set()

    task = asyncio.create_task(consume())
    await asyncio.wait_for(got_first.wait(), 5)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert await asyncio.to_thread(wire_server.wait_for_disconnect, 3.0)


async def test_consumer_stopping_early_closes_the_stream(
    wire_server: WireServer, make_provider: Callable[..., Provider], protocol: str
) -> None:
    wire_server.enqueue(Reply(pieces=["x"] * 400, interval=0.01))
    stream = make_provider(protocol).stream(request("hi"))
    async for event in stream:
        if isinstance(event, TextDelta):
            break
    await stream.aclose()
    assert await asyncio.to_thread(wire_server.wait_for_disconnect, 3.0)
