"""Leaving a conversation while its reply streams (or has just been stopped) stops that reply,
saves it as stopped, and nothing of it reaches the next conversation's view."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from textual.command import CommandPalette
from textual.pilot import Pilot

from chatui.store import TranscriptStore
from chatui.ui.chat.screen import ChatScreen
from chatui.ui.conversation.entries import AssistantEntry
from tests.pilot import (
    chat,
    palette_offers,
    press,
    press_at_once,
    screen_text,
    settle,
    wait_until,
)
from tests.transcripts import seed
from tests.ui.conftest import AppFactory
from tests.wireserver import Reply, WireServer

LONG = [f"word{i} " for i in range(3000)]  # a minute: it never ends by itself here
#: For conditions that cannot hold before what they wait for happened: looking at once spares
#: waiting for the app to idle, which a streaming reply never lets it do (a second each time).
AT_ONCE: dict[str, Any] = {"idle_first": False}


def streamed(pilot: Pilot[Any]) -> bool:
    shown = [e for e in chat(pilot.app).view.entries if isinstance(e, AssistantEntry)]
    return bool(shown) and "word3 " in shown[-1].text


async def leave_and_type(pilot: Pilot[Any], how: str, after_escape: bool) -> None:
    """Start a new chat or open the other conversation the way `how` says, and type a message
    right after."""
    typed = [*"after", "enter"]
    first = ["escape"] if after_escape else []
    if how == "ctrl+n":
        press_at_once(pilot, *first, "ctrl+n", *typed)
        return
    if how == "palette":
        press_at_once(pilot, *first, "ctrl+p")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, CommandPalette), **AT_ONCE)
        press_at_once(pilot, *"new chat")
        await wait_until(pilot, lambda: palette_offers(pilot.app, "new chat"), **AT_ONCE)
    else:
        press_at_once(pilot, *first, "ctrl+b")
        await wait_until(pilot, lambda: len(getattr(pilot.app.screen, "rows", ())) == 2, **AT_ONCE)
        await press(pilot, "down")
    press_at_once(pilot, "enter")  # keys sent with it would still go to the closing screen
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, ChatScreen), **AT_ONCE)
    press_at_once(pilot, *typed)


Gate = Callable[[Callable[[], bool]], None]


@pytest.fixture
def slow_disk(monkeypatch: pytest.MonkeyPatch) -> Gate:
    """A busy disk: saving a stopped reply waits until the condition given holds (the user has
    moved on), so its last messages reach the screen after that, as when the report's Esc then
    ctrl+n crashed (it saw a window of about a second)."""
    gate: list[Callable[[], bool]] = []
    finish = TranscriptStore.finish_message

    def slow_finish(store: TranscriptStore, *args: Any, **kwargs: Any) -> None:
        deadline = time.monotonic() + 10
        while gate and not gate[0]() and time.monotonic() < deadline:
            time.sleep(0.01)  # in the store's thread, as a slow write would
        finish(store, *args, **kwargs)

    monkeypatch.setattr(TranscriptStore, "finish_message", slow_finish)
    return gate.append


@pytest.mark.parametrize("after_escape", [False, True], ids=["streaming", "after-escape"])
@pytest.mark.parametrize("how", ["ctrl+n", "palette", "history"])
async def test_leaving_a_streaming_reply(
    make_app: AppFactory,
    wire_server: WireServer,
    slow_disk: Gate,
    how: str,
    after_escape: bool,
) -> None:
    older = seed("older chat", [("old question", "old answer")])
    wire_server.enqueue(Reply(pieces=LONG, interval=0.02), Reply(pieces=["fresh reply"]))
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await press(pilot, *"repro", "enter")
        await wait_until(pilot, lambda: streamed(pilot), **AT_ONCE)
        first = chat(app).session
        assert first is not None and first.conversation_id is not None
        screen = chat(app)
        slow_disk(lambda: screen.session is not first)
        await leave_and_type(pilot, how, after_escape)
        await wait_until(pilot, lambda: screen.prompt.text == "")
        await settle(pilot)
        assert app.is_running and app.return_code is None
        assert chat(app) is screen
        session = screen.session
        assert session is not None and session is not first
        assert [t.content for t in session.turns][-2:] == ["after", "fresh reply"]
        assert "word1 " not in screen_text(app) and "fresh reply" in screen_text(app)
        shown = [getattr(e, "text", "") for e in screen.view.entries]
        assert not any("word1 " in text for text in shown)
        assert app.store is not None and session.conversation_id is not None
        saved = app.store.get_conversation(session.conversation_id).messages
        expected = ["after", "fresh reply"]
        if how == "history":
            assert session.conversation_id == older
            expected = ["old question", "old answer", *expected]
        assert [m.content for m in saved] == expected
        old = app.store.get_conversation(first.conversation_id).messages
        assert [m.role for m in old] == ["user", "assistant"]
        assert old[1].status == "stopped", old[1].content[-30:]
        assert old[1].content.startswith("word0 word1 word2 word3")


async def test_a_second_enter_in_the_history_is_ignored(make_app: AppFactory) -> None:
    seed("older chat", [("old question", "old answer")])
    app = make_app()
    async with app.run_test() as pilot:
        press_at_once(pilot, "ctrl+b")
        await wait_until(pilot, lambda: len(getattr(pilot.app.screen, "rows", ())) == 1)
        press_at_once(pilot, "enter", "enter")  # both reach the history before it closes
        await settle(pilot)
        assert app.is_running and "old answer" in screen_text(app)
