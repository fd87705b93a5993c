"""map_exception by class: the SDKs' and httpx2's exceptions are the provider's or the network's
faults; anything else is a bug in chatui, an InternalError that is logged and never retried."""

from __future__ import annotations

import json
import stat
from collections.abc import Callable
from pathlib import Path

import anthropic
import httpx2
import openai
import pytest

from chatui.config import ProviderConfig
from chatui.core import (
    ChatError,
    ConnectionDropped,
    ConnectionFailed,
    InternalError,
    MalformedStream,
    Overloaded,
    RateLimited,
    ServerError,
    StreamTimeout,
)
from chatui.providers import Provider, openai_chat
from chatui.providers.errors import map_exception
from chatui.providers.sse import StreamFailed
from tests.providers.conftest import KEY_ENV
from tests.providers.test_faults import failure
from tests.wireserver import Reply, WireServer

URL = "http://127.0.0.1:9"
WIRE = httpx2.Request("POST", f"{URL}/v1/messages")
PARSING_BUG = "'list' object has no attribute 'get'"


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The data folder, where the log of internal errors goes."""
    monkeypatch.setenv("CHATUI_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


def config(kind: str) -> ProviderConfig:
    return ProviderConfig("test", kind, base_url=URL, api_key_env=KEY_ENV)


def caused(exc: BaseException, cause: BaseException) -> BaseException:
    """`exc` as the SDK raises it: `raise exc from cause`."""
    exc.__cause__ = cause
    return exc


def response(status: int) -> httpx2.Response:
    return httpx2.Response(status, headers={"retry-after": "3"}, request=WIRE)


def raised(exc: BaseException) -> BaseException:
    """`exc` with a traceback, as it arrives in the providers' `except` clauses."""

    def parse_chunk() -> None:
        raise exc

    try:
        parse_chunk()
    except BaseException as caught:
        return caught
    raise AssertionError("not raised")


def sdk_faults() -> list[tuple[str, BaseException, type[ChatError]]]:
    """The same faults as each SDK raises them."""
    cases: list[tuple[str, BaseException, type[ChatError]]] = []
    for kind, sdk in (("openai", openai), ("anthropic", anthropic)):
        refused, dropped = (
            sdk.APIConnectionError(request=WIRE),
            sdk.APIConnectionError(request=WIRE),
        )
        slow, silent = (sdk.APITimeoutError(WIRE) for _ in range(2))
        cases += [
            (kind, caused(refused, httpx2.ConnectError("refused")), ConnectionFailed),
            (kind, caused(slow, httpx2.ConnectTimeout("slow")), ConnectionFailed),
            (kind, caused(silent, httpx2.ReadTimeout("silent")), StreamTimeout),
            (kind, caused(dropped, httpx2.ReadError("cut")), ConnectionDropped),
            (kind, sdk.RateLimitError("slow", response=response(429), body=None), RateLimited),
            (kind, sdk.InternalServerError("oops", response=response(503), body=None), ServerError),
            (kind, sdk.APIResponseValidationError(response(200), body=[1]), MalformedStream),
        ]  # fmt: skip
    busy = {"error": {"type": "overloaded_error", "message": "busy"}}
    overloaded = anthropic.OverloadedError("busy", response=response(529), body=busy)
    return [
        *cases,
        ("anthropic", overloaded, Overloaded),
        ("openai", httpx2.ReadError("connection reset"), ConnectionDropped),
        ("anthropic", httpx2.RemoteProtocolError("peer closed"), ConnectionDropped),
        ("openai", httpx2.ReadTimeout("timed out"), StreamTimeout),
        ("openai", httpx2.ConnectError("refused"), ConnectionFailed),
        ("openai", StreamFailed({"type": "server_error", "message": "boom"}), ServerError),
        ("openai", json.JSONDecodeError("bad", "{", 0), MalformedStream),
    ]


@pytest.mark.parametrize(("kind", "fault", "expected"), sdk_faults())
def test_sdk_and_transport_faults_keep_their_meaning(
    kind: str, fault: BaseException, expected: type[ChatError], data_dir: Path
) -> None:
    error = map_exception(raised(fault), config(kind))
    assert type(error) is expected
    assert not (data_dir / "chatui.log").exists()  # a fault is not a bug: nothing logged


BUGS: list[tuple[str, BaseException]] = [
    ("openai", AttributeError(PARSING_BUG)),
    ("anthropic", TypeError("unsupported operand")),
    ("openai", KeyError("choices")),
    ("openai", httpx2.StreamClosed()),  # misuse of a response, not the network
    # both SDKs wrap whatever sending the request raised as a connection error
    ("openai", caused(openai.APIConnectionError(request=WIRE), TypeError("bad header"))),
    ("anthropic", caused(anthropic.APIConnectionError(request=WIRE), ValueError("x"))),
]


@pytest.mark.parametrize(("kind", "bug"), BUGS)
def test_anything_else_is_an_internal_error(kind: str, bug: BaseException, data_dir: Path) -> None:
    error = map_exception(raised(bug), config(kind))
    assert isinstance(error, InternalError) and not error.retryable
    assert error.title == "Internal error"
    log = data_dir / "chatui.log"
    assert str(error).endswith(f". The traceback is in {log}")
    assert log.exists()


def test_a_parsing_bug_is_named_and_logged_with_its_traceback(data_dir: Path) -> None:
    error = map_exception(raised(AttributeError(PARSING_BUG)), config("openai"))
    text = str(error)
    assert text.startswith("Internal error: chatui failed while talking to test")
    assert f"AttributeError: {PARSING_BUG}" in text
    assert "Connection dropped" not in text and "retry" not in text
    log = data_dir / "chatui.log"
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    logged = log.read_text()
    assert "Traceback (most recent call last)" in logged
    assert "in parse_chunk" in logged and f"AttributeError: {PARSING_BUG}" in logged
    map_exception(raised(KeyError("second")), config("openai"))
    assert logged in log.read_text() and "KeyError: 'second'" in log.read_text()  # appended


def test_the_key_is_masked_in_the_message_and_the_log(data_dir: Path) -> None:
    error = map_exception(raised(ValueError("sent test-key-123 along")), config("anthropic"))
    assert "test-key-123" not in str(error) and "tes…-123" in str(error)
    assert "test-key-123" not in (data_dir / "chatui.log").read_text()


def test_an_unwritable_log_is_said(data_dir: Path) -> None:
    data_dir.parent.mkdir(exist_ok=True)
    data_dir.write_text("a file where the folder should be")
    error = map_exception(raised(AttributeError(PARSING_BUG)), config("openai"))
    assert isinstance(error, InternalError) and str(error).endswith(
        ". The traceback was not logged"
    )


async def test_a_parsing_bug_is_not_retried(
    wire_server: WireServer,
    make_provider: Callable[..., Provider],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(chunk: object) -> None:
        raise AttributeError(PARSING_BUG)

    monkeypatch.setattr(openai_chat, "_usage", broken)
    provider = make_provider("chat", max_retries=2)
    provider.retry_base_delay = 0.01
    wire_server.enqueue(Reply(pieces=["never shown"]))
    _, error = await failure(provider)
    assert isinstance(error, InternalError)
    assert len(wire_server.generation_requests) == 1
