"""A bug met while saving or streaming is an internal error: logged with its traceback, said as
such, and never taken for a disk problem ("not saved") or a provider fault."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path
from typing import Any

import pytest

from chatui.core import InternalError, StoreError, TextDelta
from chatui.services.session import chat
from chatui.services.session.events import NotSaved, ReplyEnded
from chatui.services.session.recorder import Recorder
from tests.services.test_chat_session import make_session, run


@pytest.fixture
def data_dir(isolated_home: Path) -> Path:
    """The data folder: where the autouse `isolated_home` points CHATUI_DATA_DIR."""
    return Path(os.environ["CHATUI_DATA_DIR"])


def failing(exc: Exception) -> Any:
    def write(*args: object, **kwargs: object) -> None:
        raise exc

    return write


@pytest.mark.parametrize(
    "exc", [sqlite3.OperationalError("disk I/O error"), OSError(28, "No space left on device")]
)
async def test_the_disk_refusing_a_write_means_not_saved(exc: Exception, data_dir: Path) -> None:
    recorder = Recorder(store=object())  # type: ignore[arg-type]
    assert await recorder.call(failing(exc)) is None
    assert isinstance(recorder.failure, StoreError) and not recorder.saving
    assert "could not be saved" in recorder.failure.message
    assert not (data_dir / "chatui.log").exists()


async def test_a_bug_in_a_write_is_an_internal_error(data_dir: Path) -> None:
    recorder = Recorder(store=object())  # type: ignore[arg-type]
    assert await recorder.call(failing(TypeError("unexpected keyword 'parent'"))) is None
    failure = recorder.failure
    assert isinstance(failure, InternalError) and not recorder.saving
    log = data_dir / "chatui.log"
    assert str(failure) == (
        "Internal error: chatui failed while saving the conversation (TypeError: unexpected "
        "keyword 'parent'). Nothing more of this conversation is saved. "
        f"The traceback is in {log}"
    )
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    assert "Traceback (most recent call last)" in log.read_text()
    assert "in write" in log.read_text()


async def test_a_bug_while_saving_is_said_and_the_reply_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    session, providers = make_session(tmp_path, "alpha")
    assert session.store is not None
    monkeypatch.setattr(session.store, "add_message", failing(KeyError("parent_id")))
    providers["alpha"].enqueue("still ", "here")
    events = await run(session.send("go"))
    (note,) = [e for e in events if isinstance(e, NotSaved)]
    assert isinstance(note.error, InternalError) and "KeyError: 'parent_id'" in str(note.error)
    assert "".join(e.text for e in events if isinstance(e, TextDelta)) == "still here"


async def test_a_bug_in_the_session_ends_the_reply_as_failed_and_saved(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, data_dir: Path
) -> None:
    session, providers = make_session(tmp_path, "alpha")

    def broken(*args: object) -> None:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(chat, "cost_of", broken)  # runs when the usage arrives, after the text
    providers["alpha"].enqueue("partial")
    events = await run(session.send("go"))
    ended = events[-1]
    assert isinstance(ended, ReplyEnded) and isinstance(ended.error, InternalError)
    assert not ended.error.retryable
    assert "Your message and the reply so far are saved" in str(ended.error)
    assert session.store is not None and session.conversation_id is not None
    _, reply = session.store.get_conversation(session.conversation_id).messages
    assert (reply.status, reply.content) == ("error", "partial")
    assert reply.error == str(ended.error)
    assert "ZeroDivisionError" in (data_dir / "chatui.log").read_text()
