"""A saved conversation opens on its newest turns, read alone (a long one is on screen as soon as
a short one), and the rest is read after and shown above them, nothing on screen moving."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

from chatui.store import Transcript, TranscriptStore
from chatui.ui.app import ChatApp
from chatui.ui.chat.screen import TAIL
from tests.pilot import chat, wait_until
from tests.ui.conftest import AppFactory
from tests.ui.test_conversation_view import rows
from tests.ui.test_long_conversations import add_other_answer, reply_text, seed_long


def held_rest(app: ChatApp, monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """Reading a whole conversation waits (in its thread) until the returned release is called;
    reading its newest turns does not."""
    history = app.history
    assert history is not None
    read, released = history.transcript, threading.Event()

    def slow_read(conversation_id: str) -> Transcript:
        assert released.wait(30), "never released"
        return read(conversation_id)

    monkeypatch.setattr(history, "transcript", slow_read)
    return released.set


def test_the_newest_turns_of_the_branch_are_read_alone() -> None:
    conversation, _, question = seed_long(150, needle_at=120)
    other = add_other_answer(conversation, question, "Other.")
    with TranscriptStore.open() as store:
        tail, complete = store.get_conversation_tail(conversation, 50)
        whole = store.get_conversation(conversation)
        branch, _ = store.get_conversation_tail(conversation, 10_000)
        short = store.create_conversation("short")
        first = store.add_message(short.id, "user", "hello")
        store.add_message(short.id, "assistant", "hi", parent_id=first.id, provider="p", model="m")
        everything, all_read = store.get_conversation_tail(short.id, 50)
    assert not complete and len(tail.messages) == 50
    assert tail.messages[-1].id == other and tail.messages[-2].id == question
    assert [m.content for m in tail.messages[:2]] == ["question 96", reply_text(96)]
    assert len(branch.messages) == 2 * 120 + 2 < len(whole.messages)
    assert [m.content for m in everything.messages] == ["hello", "hi"] and all_read


def test_a_conversation_saved_without_links_reads_its_newest_messages() -> None:
    with TranscriptStore.open() as store:
        conversation = store.create_conversation("imported")
        for index in range(30):
            role = "user" if index % 2 == 0 else "assistant"
            store.add_message(conversation.id, role, f"m{index}", provider="p", model="m")
        tail, complete = store.get_conversation_tail(conversation.id, 10)
    assert [m.content for m in tail.messages] == [f"m{index}" for index in range(20, 30)]
    assert not complete


async def test_a_long_conversation_shows_its_end_then_the_rest_above_it(
    make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    conversation, _, _ = seed_long(300, needle_at=0)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = chat(app)
        release = held_rest(app, monkeypatch)
        screen.resume(conversation)
        view = screen.view
        await wait_until(pilot, lambda: len(view.entries) == TAIL and view.laid_out)
        assert "End of answer 299" in "\n".join(rows(view))  # the end, on screen
        assert not screen.check_action("select", ())  # no message keys until all is read
        view.go("up")  # a reader who scrolled up stays where they are
        await wait_until(pilot, lambda: view.laid_out)
        before = rows(view)
        release()
        await wait_until(pilot, lambda: screen.opening is None and view.laid_out)
        assert screen.session is not None and len(screen.session.turns) == 600
        assert len(view.entries) == TAIL + 1  # the others are a gap until the view nears it
        assert view.pieces_laid_out < 60  # what the screen shows (and a margin), not 600
        assert rows(view) == before and view.max_scroll_y > 600  # a plausible scrollbar
        assert screen.check_action("select", ())
        view.go("top")
        await wait_until(pilot, lambda: len(view.entries) == 600 and view.laid_out)
        assert view.scroll_y == 0 and rows(view)[1].startswith("question 0")


async def test_selecting_a_message_in_the_gap_shows_it(make_app: AppFactory) -> None:
    conversation, _, _ = seed_long(300, needle_at=0)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = chat(app)
        screen.resume(conversation)
        view = screen.view
        await wait_until(pilot, lambda: screen.opening is None and view.laid_out)
        assert len(view.entries) == TAIL + 1
        view.select(599)  # what the message keys and the palette do: the newest shown
        assert view.highlighted == TAIL and len(view.entries) == TAIL + 1
        view.select(3)  # one in the gap
        await wait_until(pilot, lambda: view.laid_out)
        assert len(view.entries) == 600 and view.highlighted == 3 == view.entry_at(0)
        assert rows(view)[0].startswith("assistant") and "Answer 1" in "\n".join(rows(view))


async def test_a_branch_label_outside_the_newest_turns_comes_right(
    make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    conversation, _, question = seed_long(150, needle_at=120)
    add_other_answer(conversation, question, "Other answer.")  # its sibling is not newest
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = chat(app)
        screen.resume(conversation)
        await wait_until(pilot, lambda: screen.opening is None and screen.view.laid_out)
        text = "\n".join(rows(screen.view))
        assert "Other answer." in text and "[2/2]" in text
        assert len(screen.view.entries) == 2 * 120 + 2
