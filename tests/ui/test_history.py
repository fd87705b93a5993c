"""History browser and working with replies, through Pilot."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from chatui.exchange.chatui_json import export_json, import_json
from chatui.services.history import History
from chatui.ui.chat.prompt import PromptInput
from chatui.ui.conversation.entries import AssistantEntry, UserEntry
from chatui.ui.screens.history import PAGE, HistoryScreen
from tests.pilot import chat, press, screen_text, settle, wait_until
from tests.transcripts import seed
from tests.ui.conftest import AppFactory
from tests.wireserver import Reply, WireServer


async def open_history(pilot: Pilot[Any]) -> HistoryScreen:
    await press(pilot, "ctrl+b")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, HistoryScreen)
    return screen


async def test_list_open_and_continue(make_app: AppFactory, wire_server: WireServer) -> None:
    seed("older chat", [("old question", "old answer")])
    seed("newer chat", [("new question", "new answer")])
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        history = await open_history(pilot)
        titles = [getattr(row, "title", "") for row in history.rows]
        assert titles == ["newer chat", "older chat"]
        await press(pilot, "down", "enter")
        await settle(pilot)
        assert "old answer" in screen_text(app)
        await press(pilot, *"more", "enter")
        await settle(pilot)
    body = wire_server.generation_requests[-1].body
    assert [m["content"] for m in body["messages"]] == ["old question", "old answer", "more"]


async def test_search_as_you_type_opens_and_highlights(make_app: AppFactory) -> None:
    pairs = [(f"question {i}", f"answer number {i}") for i in range(30)]
    pairs[3] = ("tell me about zebras", "zebras have stripes")
    conversation = seed("animals", pairs)
    seed("other", [("nothing", "here")])
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        history = await open_history(pilot)
        await press(pilot, *"zebr")
        await settle(pilot)
        hits = history.rows
        assert hits and all(getattr(h, "conversation_id", "") == conversation for h in hits)
        await press(pilot, "enter")
        await settle(pilot)
        screen = chat(app)
        index = screen.view.highlighted
        assert index is not None
        assert "zebras" in getattr(screen.view.entries[index], "text", "")
        assert "zebras" in screen_text(app)  # scrolled to it, not left at the end


async def test_rename_delete_undo(make_app: AppFactory) -> None:
    conversation = seed("first title", [("q", "a")])
    app = make_app()
    async with app.run_test() as pilot:
        history = await open_history(pilot)
        await press(pilot, "f2", "ctrl+a", "ctrl+k", *"Renamed", "enter")
        await settle(pilot)
        assert app.store is not None
        assert app.store.get_conversation(conversation).conversation.title == "Renamed"
        await press(pilot, "ctrl+d", "y")
        await settle(pilot)
        assert app.store.list_conversations() == []
        assert history.rows == []
        await press(pilot, "ctrl+z")
        await settle(pilot)
        restored = app.store.get_conversation(conversation)
        assert restored.conversation.title == "Renamed"
        assert [m.content for m in restored.messages] == ["q", "a"]


async def test_export_markdown_and_json_round_trip(
    make_app: AppFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    conversation = seed("Export me", [("question?", "**answer**")])
    monkeypatch.chdir(tmp_path)
    app = make_app()
    async with app.run_test() as pilot:
        await open_history(pilot)
        await press(pilot, "ctrl+e", "ctrl+s")
        await settle(pilot)
        assert app.store is not None
        (md,) = tmp_path.glob("chatui-export-me-*.md")
        (js,) = tmp_path.glob("chatui-export-me-*.json")
        assert "question?" in md.read_text() and "test-model" in md.read_text()
        data = json.loads(js.read_text())
        original = export_json(app.store, conversation)
        app.store.delete(conversation)
        import_json(app.store, data)
        assert export_json(app.store, conversation) == original


async def test_new_chat_from_history(make_app: AppFactory) -> None:
    seed("something", [("q", "a")])
    app = make_app()
    async with app.run_test() as pilot:
        await press(pilot, "ctrl+b")
        await settle(pilot)
        await press(pilot, "enter")
        await settle(pilot)
        assert "q" in screen_text(app)
        await open_history(pilot)
        await press(pilot, "ctrl+n")
        await settle(pilot)
        screen = chat(app)
        assert screen.view.entries == () and screen.session is not None
        assert screen.session.conversation_id is None


async def test_status_labels_on_resume(make_app: AppFactory) -> None:
    conversation = seed("cut", [("q", "partial answ")], status="interrupted")
    app = make_app(resume_id=conversation)
    async with app.run_test() as pilot:
        await settle(pilot)
        (reply,) = [e for e in chat(app).view.entries if isinstance(e, AssistantEntry)]
        assert reply.status == "interrupted" and "interrupted" in screen_text(app)


async def test_regenerate_keeps_sibling_and_branch_keys(
    make_app: AppFactory, wire_server: WireServer
) -> None:
    wire_server.enqueue(Reply(pieces=["first reply"]), Reply(pieces=["second reply"]))
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await press(pilot, "q", "enter")
        await settle(pilot)
        await press(pilot, "ctrl+r")
        await settle(pilot)
        shown = screen_text(app)
        assert "second reply" in shown and "first reply" not in shown and "[2/2]" in shown
        await press(pilot, "alt+left")
        await settle(pilot)
        shown = screen_text(app)
        assert "first reply" in shown and "[1/2]" in shown
        session = chat(app).session
        assert session is not None and session.conversation_id is not None
        assert app.store is not None
        stored = app.store.get_conversation(session.conversation_id).messages
        assert sorted(m.content for m in stored if m.role == "assistant") == [
            "first reply",
            "second reply",
        ]


async def test_edit_earlier_message_branches(make_app: AppFactory, wire_server: WireServer) -> None:
    for text in ("a1", "a2", "a2 edited"):
        wire_server.enqueue(Reply(pieces=[text]))
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await press(pilot, "1", "enter")
        await settle(pilot)
        await press(pilot, "2", "enter")
        await settle(pilot)
        await press(pilot, "alt+up", "alt+up")  # select the second question
        await press(pilot, "ctrl+e")
        prompt = app.query_one(PromptInput)
        assert prompt.text == "2"
        await press(pilot, "backspace", *"two", "enter")
        await settle(pilot)
        session = chat(app).session
        assert session is not None
        assert [t.content for t in session.turns] == ["1", "a1", "two", "a2 edited"]
        assert "[2/2]" in screen_text(app)
    last = wire_server.generation_requests[-1].body["messages"]
    assert [m["content"] for m in last] == ["1", "a1", "two"]


async def test_copy_message_and_code_block(make_app: AppFactory, wire_server: WireServer) -> None:
    reply = "Here:\n\n```python\nprint(1)\n```\n\nand\n\n```sh\nls\n```\n"
    wire_server.enqueue(Reply(pieces=[reply]))
    app = make_app()
    async with app.run_test() as pilot:
        await press(pilot, "q", "enter")
        await settle(pilot)
        await press(pilot, "ctrl+y")
        assert app.clipboard == reply
        await press(pilot, "alt+y")
        assert app.clipboard == "print(1)\n"
        await press(pilot, "alt+y")
        assert app.clipboard == "ls\n"
        await press(pilot, "alt+up", "alt+up", "ctrl+y")  # the reply, then the question
        assert app.clipboard == "q"


async def test_long_conversation_opens_at_the_end(make_app: AppFactory) -> None:
    conversation = seed("long", [(f"question {i}", f"answer {i}") for i in range(150)])
    app = make_app(resume_id=conversation)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        view = chat(app).view
        assert view.max_scroll_y > 0 and view.scroll_y == view.max_scroll_y
        assert "answer 149" in screen_text(app)
        await press(pilot, "alt+up", "alt+up")  # the last reply, then the last question
        index = view.highlighted
        assert index is not None
        entry = view.entries[index]
        assert isinstance(entry, UserEntry) and "question 149" in entry.text


async def test_search_hit_keeps_the_spaces_around_the_match(make_app: AppFactory) -> None:
    seed("spaces", [("third question, to claude", "## Section 2: notes on async handling")])
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        history = await open_history(pilot)
        await press(pilot, *"claude")
        await settle(pilot)
        assert "third question, to claude" in list_text(history)
        await press(pilot, *["backspace"] * 6, *"Section")
        await settle(pilot)
        assert "## Section 2: notes" in list_text(history)


def list_text(history: HistoryScreen) -> str:
    """The history list's visible rows as plain text."""
    options = history.options
    return "\n".join(options.render_line(y).text for y in range(options.size.height))


CALLED = ("page", "search", "rename", "delete", "undo", "export_into")


async def test_every_history_call_runs_off_the_event_loop(
    make_app: AppFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed("first title", [("q", "a")])
    monkeypatch.chdir(tmp_path)
    on_loop: dict[str, bool] = {}

    def watched(name: str, method: Callable[..., Any]) -> Callable[..., Any]:
        def call(self: History, *args: Any, **kwargs: Any) -> Any:
            on_loop[name] = on_loop.get(name, False) or (
                threading.current_thread() is threading.main_thread()
            )
            return method(self, *args, **kwargs)

        return call

    for name in CALLED:
        monkeypatch.setattr(History, name, watched(name, getattr(History, name)))
    app = make_app()
    async with app.run_test() as pilot:
        await open_history(pilot)
        await press(pilot, "f2", "ctrl+a", "ctrl+k", *"Renamed", "enter")
        await settle(pilot)
        await press(pilot, "ctrl+e")
        await settle(pilot)
        await press(pilot, "ctrl+d", "y")
        await settle(pilot)
        await press(pilot, "ctrl+z")
        await settle(pilot)
        await press(pilot, *"renamed")
        await settle(pilot)
        assert app.store is not None
        assert [s.title for s in app.store.list_conversations()] == ["Renamed"]
    assert len(list(tmp_path.glob("chatui-renamed-*.md"))) == 1
    assert on_loop == dict.fromkeys(CALLED, False)


async def test_reopened_history_starts_over_and_enter_waits_for_fresh_rows(
    make_app: AppFactory,
) -> None:
    """The screen is kept between openings (it shows at once); each opening starts with an
    empty search and the newest first, and an Enter that comes before the rows are read again
    opens from the fresh rows, never from the last opening's."""
    zebra = seed("zebra talk", [("tell me about zebras", "zebras have stripes")])
    seed("other", [("nothing", "here")])
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        history = await open_history(pilot)
        await press(pilot, *"zebr")

        def only_zebra_hits() -> bool:
            ids = {getattr(row, "conversation_id", None) for row in history.rows}
            return ids == {zebra}

        await wait_until(pilot, only_zebra_hits, "the search hits")
        await press(pilot, "escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, HistoryScreen))
        seed("newest", [("brand new question", "brand new answer")])
        await press(pilot, "ctrl+f", "enter")  # at once: the zebra hit is still on the screen
        await wait_until(pilot, lambda: not isinstance(app.screen, HistoryScreen), "it to open")
        await wait_until(pilot, lambda: "brand new answer" in screen_text(app), "the newest")
        assert app.screen_stack[-1] is chat(app)
        history = await open_history(pilot)
        assert history.query_one(Input).value == ""
        await wait_until(pilot, lambda: len(history.rows) == 3)


async def test_more_conversations_are_read_as_the_cursor_nears_the_end(
    make_app: AppFactory,
) -> None:
    for index in range(PAGE + 15):
        seed(f"chat {index}", [(f"question {index}", f"answer {index}")])
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        history = await open_history(pilot)
        await wait_until(pilot, lambda: len(history.rows) == PAGE, "the first page")
        await press(pilot, *["pagedown"] * (PAGE // 10))
        await wait_until(pilot, lambda: len(history.rows) == PAGE + 15, "the rest")
        titles = [row.title for row in history.rows]
        assert titles[0] == f"chat {PAGE + 14}" and titles[-1] == "chat 0"
