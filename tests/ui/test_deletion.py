"""Deleting conversations: undo from any screen, and the open conversation is never lost."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from chatui.store import TranscriptStore
from chatui.ui.chat.prompt import PromptInput
from chatui.ui.conversation.entries import NoticeEntry
from tests.pilot import chat, press, run_from_palette, screen_text, settle
from tests.transcripts import seed
from tests.ui.conftest import AppFactory
from tests.ui.test_history import open_history
from tests.wireserver import Reply, WireServer


async def delete_highlighted(pilot: Pilot[Any]) -> None:
    await press(pilot, "ctrl+d", "y")
    await settle(pilot)


def titles(app: Any) -> list[str]:
    return [summary.title for summary in app.store.list_conversations()]


async def test_undo_in_the_history_after_leaving_it(make_app: AppFactory) -> None:
    seed("keep me", [("q", "a")])
    app = make_app()
    async with app.run_test() as pilot:
        await open_history(pilot)
        await delete_highlighted(pilot)
        assert titles(app) == []
        await press(pilot, "escape")
        await settle(pilot)
        history = await open_history(pilot)
        await press(pilot, "ctrl+z")
        await settle(pilot)
        assert titles(app) == ["keep me"]
        assert [getattr(row, "title", "") for row in history.rows] == ["keep me"]


async def test_undo_delete_from_the_chat_palette(make_app: AppFactory) -> None:
    seed("first", [("q1", "a1")])
    seed("second", [("q2", "a2")])
    app = make_app()
    async with app.run_test() as pilot:
        await open_history(pilot)
        await delete_highlighted(pilot)  # "second", the newest
        await delete_highlighted(pilot)  # then "first"
        notices = [n.message for n in app._notifications]
        assert any("“Undo delete” in the palette" in text for text in notices)
        await press(pilot, "escape")
        await settle(pilot)
        await press(pilot, *"draft", "ctrl+z")  # in the prompt, ctrl+z still undoes typing
        await settle(pilot)
        assert titles(app) == [] and app.query_one(PromptInput).text != "draft"
        await run_from_palette(pilot, "Undo delete")
        assert titles(app) == ["first"]
        await run_from_palette(pilot, "Undo delete")
        assert sorted(titles(app)) == ["first", "second"]
        await run_from_palette(pilot, "Undo delete")
        assert any(n.message == "Nothing to undo." for n in app._notifications)


async def test_deleting_the_open_conversation_starts_a_new_chat(
    make_app: AppFactory, wire_server: WireServer
) -> None:
    conversation = seed("open one", [("old question", "old answer")])
    wire_server.enqueue(Reply(pieces=["new answer"]))
    app = make_app(resume_id=conversation)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await press(pilot, *"my draft")
        await open_history(pilot)
        await delete_highlighted(pilot)
        await press(pilot, "escape")
        await settle(pilot)
        screen = chat(app)
        assert "old answer" not in screen_text(app)
        assert [type(e) for e in screen.view.entries] == [NoticeEntry]
        assert "“open one” was deleted, so this is a new chat" in screen_text(app)
        assert app.query_one(PromptInput).text == "my draft"
        await press(pilot, "enter")
        await settle(pilot)
        assert screen.session is not None and screen.session.conversation_id != conversation
        assert titles(app) == ["my draft"]
        assert app.store is not None
        saved = app.store.get_conversation(screen.session.conversation_id or "")
        assert [m.content for m in saved.messages] == ["my draft", "new answer"]
        await run_from_palette(pilot, "Undo delete")  # the old one comes back to the history
        assert sorted(titles(app)) == ["my draft", "open one"]
        assert "new answer" in screen_text(app)  # the chat in use stays


async def test_undo_shows_the_deleted_open_conversation_again(make_app: AppFactory) -> None:
    conversation = seed("open one", [("old question", "old answer")])
    app = make_app(resume_id=conversation)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        for undo_from_the_history in (True, False):
            await open_history(pilot)
            await delete_highlighted(pilot)
            await press(pilot, "escape")
            await settle(pilot)
            assert "old answer" not in screen_text(app)
            if undo_from_the_history:
                await open_history(pilot)
                await press(pilot, "ctrl+z")
                await settle(pilot)
                await press(pilot, "escape")
                await settle(pilot)
            else:
                await run_from_palette(pilot, "Undo delete")
            session = chat(app).session
            assert "old answer" in screen_text(app) and "new chat" not in screen_text(app)
            assert session is not None and session.conversation_id == conversation


async def test_conversation_deleted_elsewhere_is_saved_again(
    make_app: AppFactory, wire_server: WireServer
) -> None:
    conversation = seed("elsewhere", [("old question", "old answer")])
    wire_server.enqueue(Reply(pieces=["new answer"]))
    app = make_app(resume_id=conversation)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        with TranscriptStore.open() as other:  # `chatui history delete -y` in another terminal
            other.delete(conversation)
        await press(pilot, *"message into a deleted conversation", "enter")
        await settle(pilot)
        shown = " ".join(screen_text(app).split())
        assert "deleted elsewhere" in shown and "saved again, with everything shown here" in shown
        assert app.store is not None
        [summary] = app.store.list_conversations()
        saved = app.store.get_conversation(summary.id).messages
        assert [m.content for m in saved] == [
            "old question",
            "old answer",
            "message into a deleted conversation",
            "new answer",
        ]
