"""The chat screen through Pilot, with the real SDKs streaming from the loopback server."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

import pytest
from textual.widgets import TextArea

from chatui.store import TranscriptStore
from chatui.ui.app import ChatApp
from chatui.ui.chat.prompt import PromptInput
from chatui.ui.conversation.entries import AssistantEntry, NoticeEntry
from chatui.ui.conversation.view import ConversationView
from chatui.ui.screens.picker import ModelPicker
from tests.pilot import chat, notices, press, screen_text, session_of, settle, toasts, wait_until
from tests.transcripts import seed
from tests.ui.conftest import AppFactory
from tests.wireserver import Reply, WireServer

T = TypeVar("T")

MARKDOWN = (
    "# Title\n\nSome **bold** text.\n\n- first item\n- second item\n\n```python\nx = 1\n```\n"
)


async def test_focus_starts_in_prompt_and_status_shows_model(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await pilot.pause()
        assert isinstance(app.focused, PromptInput)
        assert "oai/test-model" in chat(app).status.render().plain


async def test_send_streams_markdown_and_saves(
    make_app: AppFactory, wire_server: WireServer
) -> None:
    wire_server.enqueue(Reply.from_text(MARKDOWN, size=3))
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await press(pilot, *"hello", "enter")
        await settle(pilot)
        shown = screen_text(app)
        assert "hello" in shown
        assert "Title" in shown and "# Title" not in shown  # rendered, not raw
        assert "bold" in shown and "**bold**" not in shown
        assert "• first item" in shown and "x = 1" in shown
        assert "oai/test-model" in shown  # the reply says which model wrote it
        assert app.store is not None
        conversation = app.store.list_conversations()[0]
        saved = app.store.get_conversation(conversation.id).messages
        assert [(m.role, m.status) for m in saved] == [
            ("user", "complete"),
            ("assistant", "complete"),
        ]
        assert saved[1].content == MARKDOWN and saved[1].model == "test-model"
        assert "12→" in chat(app).status.render().plain  # usage after the reply


async def test_model_text_is_inert(make_app: AppFactory, wire_server: WireServer) -> None:
    hostile = "[bold red]loud[/] [@click=app.quit]click[/] \x1b[2J\x1b]0;pwned\x07 end"
    wire_server.enqueue(Reply(pieces=[hostile]))
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await press(pilot, "x", "enter")
        await settle(pilot)
        shown = screen_text(app)
        assert "[bold red]loud[/]" in shown and "[@click=app.quit]click[/]" in shown
        assert "\x1b" not in shown and "\x07" not in shown
        assert app.is_running


async def test_escape_stops_and_keeps_partial(
    make_app: AppFactory, wire_server: WireServer
) -> None:
    wire_server.enqueue(Reply(pieces=[f"word{i} " for i in range(400)], interval=0.01))
    app = make_app()
    async with app.run_test() as pilot:
        await press(pilot, "g", "o", "enter")
        for _ in range(100):
            await pilot.pause(0.02)
            entries = [e for e in chat(app).view.entries if isinstance(e, AssistantEntry)]
            if entries and "word3" in entries[-1].text:
                break
        await press(pilot, "escape")
        await settle(pilot)
        assert wire_server.wait_for_disconnect(3.0)
        session = chat(app).session
        assert session is not None and not session.busy
        reply = session.turns[-1]
        assert reply.status == "stopped" and reply.content.startswith("word0 word1 word2 word3")
        shown = [e for e in chat(app).view.entries if isinstance(e, AssistantEntry)][-1]
        assert shown.status == "stopped" and shown.text == reply.content
        assert app.store is not None and session.conversation_id is not None
        stored = app.store.get_conversation(session.conversation_id).messages[-1]
        assert (stored.status, stored.content) == ("stopped", reply.content)
        assert isinstance(app.focused, PromptInput)
        wire_server.enqueue(Reply(pieces=["again"]))
        await press(pilot, "n", "e", "x", "t", "enter")
        await settle(pilot)
        assert session.turns[-1].content == "again"


async def test_switch_models_mid_conversation(
    make_app: AppFactory, wire_server: WireServer
) -> None:
    wire_server.enqueue(Reply(pieces=["from openai"]), Reply(pieces=["from claude"]))
    wire_server.enqueue(Reply(pieces=["openai again"]))
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await press(pilot, *"one", "enter")
        await settle(pilot)
        await press(pilot, "ctrl+o")
        await pilot.pause()
        assert isinstance(app.screen, ModelPicker)
        await press(pilot, *"claude-test", "enter")
        await pilot.pause()
        assert "claude/claude-test" in chat(app).status.render().plain
        await press(pilot, *"two", "enter")
        await settle(pilot)
        await press(pilot, "ctrl+o")
        await pilot.pause()
        await press(pilot, *"oai/test-model", "enter")
        await pilot.pause()
        await press(pilot, *"three", "enter")
        await settle(pilot)
        shown = screen_text(app)
        assert "claude/claude-test" in shown and "oai/test-model" in shown
    first, second, third = wire_server.generation_requests
    assert first.path == "/v1/chat/completions" and first.body["model"] == "test-model"
    assert second.path == "/v1/messages" and second.body["model"] == "claude-test"
    assert second.body["messages"] == [
        {"role": "user", "content": "one"},
        {"role": "assistant", "content": "from openai"},
        {"role": "user", "content": "two"},
    ]
    assert third.path == "/v1/chat/completions"
    assert [(m["role"], m["content"]) for m in third.body["messages"]] == [
        ("user", "one"),
        ("assistant", "from openai"),
        ("user", "two"),
        ("assistant", "from claude"),
        ("user", "three"),
    ]


async def test_errors_show_inline_and_retry(make_app: AppFactory, wire_server: WireServer) -> None:
    wire_server.enqueue(Reply(status=429, retry_after="30", error_message="slow down"))
    wire_server.enqueue(Reply(pieces=["recovered"]))
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await press(pilot, "q", "enter")
        await settle(pilot)
        notices = [e for e in chat(app).view.entries if isinstance(e, NoticeEntry)]
        assert (
            notices and "Rate limited" in notices[-1].text and "retry in 30 s" in notices[-1].text
        )
        assert "ctrl+r" in notices[-1].text
        await press(pilot, "ctrl+r")
        await settle(pilot)
        session = chat(app).session
        assert session is not None and session.turns[-1].content == "recovered"
        assert "recovered" in screen_text(app)


async def test_auth_error_names_the_variable(make_app: AppFactory, wire_server: WireServer) -> None:
    wire_server.enqueue(Reply(status=401, error_message="invalid x-api-key"))
    app = make_app("claude/claude-test")
    async with app.run_test(size=(120, 30)) as pilot:
        await press(pilot, "q", "enter")
        await settle(pilot)
        assert "CLAUDE_TEST_KEY" in screen_text(app)
        assert "sk-claude-test" not in screen_text(app)


async def test_prompt_keys(make_app: AppFactory, wire_server: WireServer) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        prompt = app.query_one(PromptInput)
        await press(pilot, "a", "ctrl+j", "b")
        assert prompt.text == "a\nb"
        await press(pilot, "enter")
        await settle(pilot)
        assert prompt.text == ""
        await press(pilot, "up")
        assert prompt.text == "a\nb"
        await press(pilot, "down")
        assert prompt.text == ""
        assert wire_server.generation_requests[-1].body["messages"][-1]["content"] == "a\nb"


async def test_continue_reopens_last_conversation(
    make_app: AppFactory, wire_server: WireServer
) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await press(pilot, "f", "i", "r", "s", "t", "enter")
        await settle(pilot)
    store = TranscriptStore.open()
    last = store.last_conversation_id()
    store.close()
    resumed = make_app(resume_id=last)
    async with resumed.run_test() as pilot:
        await wait_until(pilot, lambda: "Hello world" in screen_text(resumed), "the reply shown")
        await press(pilot, "s", "enter")
        await settle(pilot)
    body = wire_server.generation_requests[-1].body
    assert [m["content"] for m in body["messages"]] == ["first", "Hello world", "s"]


@pytest.mark.parametrize("chosen", [False, True], ids=["its-own-model", "the-model-asked-for"])
async def test_continue_with_a_model_asked_for_answers_with_it(
    make_app: AppFactory, chosen: bool
) -> None:
    conversation = seed("Earlier", [("q", "a")], provider="oai", model="test-model")
    app = make_app("claude/claude-test", resume_id=conversation, chosen=chosen)
    async with app.run_test() as pilot:
        await settle(pilot)
        expected = "claude/claude-test" if chosen else "oai/test-model"  # (chatui -c [-m])
        assert str(session_of(app).model) == expected


def held_loading(app: ChatApp, monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """Conversations the app opens are read in a thread that waits until the returned release
    is called (a slow disk); fails if one is read on the event loop (it would wait forever)."""
    history = app.history
    assert history is not None
    released = threading.Event()

    def held(read: Callable[..., T]) -> Callable[..., T]:
        def slow_read(*args: Any) -> T:
            assert threading.current_thread() is not threading.main_thread(), "read on the loop"
            assert released.wait(30), "never released"
            return read(*args)

        return slow_read

    monkeypatch.setattr(history, "transcript", held(history.transcript))
    monkeypatch.setattr(history, "transcript_tail", held(history.transcript_tail))
    return released.set


async def test_a_new_chat_started_while_a_conversation_opens_wins(
    make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    conversation = seed("slow one", [("old question", "old answer")])
    app = make_app()
    async with app.run_test() as pilot:
        await settle(pilot)
        release = held_loading(app, monkeypatch)
        chat(app).resume(conversation)
        await pilot.pause()
        await press(pilot, "ctrl+n")
        release()
        await settle(pilot)
        assert session_of(app).conversation_id is None and session_of(app).turns == []
        assert "old answer" not in screen_text(app)
        chat(app).resume(conversation)  # the same, left to load: shown
        await settle(pilot)
        assert session_of(app).conversation_id == conversation
        assert "old answer" in screen_text(app)


async def test_enter_while_a_conversation_opens_sends_once_it_is_read(
    make_app: AppFactory, wire_server: WireServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    conversation = seed("slow one", [("old question", "old answer")])
    app = make_app()
    async with app.run_test() as pilot:
        await settle(pilot)
        release = held_loading(app, monkeypatch)
        chat(app).resume(conversation)
        await press(pilot, *"next", "enter")
        await wait_until(pilot, lambda: any("Opening the conversation" in t for t in toasts(app)))
        assert chat(app).prompt.text == "next" and wire_server.generation_requests == []
        release()
        await wait_until(pilot, lambda: wire_server.generation_requests != [])
        await settle(pilot)
        assert chat(app).prompt.text == ""
    body = wire_server.generation_requests[-1].body
    assert [m["content"] for m in body["messages"]] == ["old question", "old answer", "next"]


async def test_a_conversation_that_cannot_be_read_is_an_error_notice(
    make_app: AppFactory, wire_server: WireServer
) -> None:
    app = make_app(resume_id="no-such-conversation", prompt="hello")
    async with app.run_test() as pilot:
        await settle(pilot)
        [error, *_] = notices(app)
        assert "there is no conversation no-such-conversation" in error, error
        assert session_of(app).turns[0].content == "hello"  # the start prompt goes on


async def test_view_widget_count_is_bounded(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        view = app.screen.query_one(ConversationView)
        for i in range(300):
            view.add_user(f"message {i}")
        await pilot.pause()
        assert len(list(app.screen.walk_children())) < 30
        assert isinstance(app.query_one(PromptInput), TextArea)


async def test_reply_cut_at_max_tokens_is_noticed(
    make_app: AppFactory, wire_server: WireServer
) -> None:
    wire_server.enqueue(Reply(pieces=["cut"], stop_reason="length"))
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await press(pilot, "q", "enter")
        await settle(pilot)
        notices = [e for e in chat(app).view.entries if isinstance(e, NoticeEntry)]
        assert notices and "4096-token limit" in notices[-1].text
