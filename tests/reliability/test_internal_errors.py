"""A bug in chatui (here: parsing a chunk fails) is shown as an internal error that names its log,
is not retried, and keeps what was saved; in `chatui ask` (stderr, exit 1) and on the screen."""

from __future__ import annotations

import re
import stat
from pathlib import Path

import pytest

from chatui.providers import openai_chat
from chatui.ui.chat import reply as reply_relay
from chatui.ui.conversation.pacing import TextBatcher
from tests.pilot import chat, notices, settle
from tests.reliability.cli import run_chatui
from tests.reliability.harness import MODELS, Env, messages
from tests.reliability.tui import send
from tests.wireserver import Reply, WireServer

PROMPT = "Why is the sky blue?"
BUG = "'list' object has no attribute 'get'"


def broken_usage(chunk: object) -> None:
    raise AttributeError(BUG)


def parser_bug() -> None:
    """Run in the `chatui ask` process: reading the first chunk fails with a parsing bug."""
    openai_chat._usage = broken_usage


def check_log(path: Path) -> None:
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    logged = path.read_text()
    assert "Traceback (most recent call last)" in logged
    assert "in broken_usage" in logged and f"AttributeError: {BUG}" in logged


async def notice_after_sending(env: Env, wire_server: WireServer, reply: str) -> tuple[str, str]:
    """Send `PROMPT` in the app to the chat model, which answers `reply`: the one notice shown,
    and the reply's status."""
    wire_server.default_reply = Reply(pieces=[reply])
    app = env.make_app(MODELS["chat"])
    async with app.run_test(size=(110, 36)) as pilot:
        await settle(pilot)
        await send(pilot, PROMPT)
        (shown,) = notices(app)
        session = chat(app).session
        assert session is not None
        return shown, session.turns[-1].status


def test_ask_says_internal_error_and_does_not_retry(env: Env, wire_server: WireServer) -> None:
    wire_server.default_reply = Reply(pieces=["never shown"])
    result = run_chatui(env.environ, "ask", "-m", MODELS["chat"], PROMPT, setup=parser_bug)
    assert result.returncode == 1 and result.stdout == ""
    log = env.data / "chatui.log"
    assert result.stderr == (
        f"chatui: Internal error: chatui failed while talking to oai (AttributeError: {BUG}). "
        f"Your message and the reply so far are saved. The traceback is in {log}\n"
    )
    assert len(wire_server.generation_requests) == 1  # not retried as a dropped connection
    check_log(log)
    user, reply = messages(env.db)
    assert (user.content, reply.status, reply.content) == (PROMPT, "error", "")
    assert reply.error is not None and reply.error.startswith("Internal error: ")


async def test_tui_says_internal_error_and_does_not_retry(
    env: Env, wire_server: WireServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(openai_chat, "_usage", broken_usage)
    shown, status = await notice_after_sending(env, wire_server, "never shown")
    log = env.data / "chatui.log"
    assert shown == (
        f"Internal error: chatui failed while talking to oai (AttributeError: {BUG}). "
        f"Your message and the reply so far are saved. The traceback is in {log}"
    )
    assert "ctrl+r" not in shown and "Connection dropped" not in shown
    assert status == "error"
    assert len(wire_server.generation_requests) == 1
    check_log(log)


async def test_a_bug_in_the_screen_names_the_log(
    env: Env, wire_server: WireServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(self: reply_relay.ReplyRelay, text: str) -> None:
        raise RuntimeError("the view went away")

    monkeypatch.setattr(TextBatcher, "add", broken)
    shown, _ = await notice_after_sending(env, wire_server, "shown")
    log = env.data / "chatui.log"
    assert re.fullmatch(
        r"Internal error: chatui failed while showing the reply \(RuntimeError: the view went "
        rf"away\)\. .*\. The traceback is in {re.escape(str(log))}",
        shown,
    )
    assert "in broken" in log.read_text()
