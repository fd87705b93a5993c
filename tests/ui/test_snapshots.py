"""SVG snapshots of the main screen, the model picker and an inline error."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from chatui.store import TranscriptStore
from chatui.ui.conversation_view import ConversationView
from tests.ui.conftest import AppFactory

REPLY = (
    "## Plan\n\nStream **blocks**, cache them, re-render the *tail*.\n\n"
    "- finished blocks render once\n- the open block re-renders per frame\n\n"
    "```python\ndef render(block):\n    return cache[block]\n```\n\n"
    "| step | cost |\n|---|---|\n| parse | low |\n| paint | lower |\n"
)


def seed(error: str | None = None) -> str:
    with TranscriptStore.open() as store:
        conversation = store.create_conversation("How to stream?")
        user = store.add_message(conversation.id, "user", "How should a reply stream?")
        status = "error" if error else "complete"
        store.add_message(
            conversation.id, "assistant", REPLY, parent_id=user.id, provider="oai",
            model="test-model", status=status, error=error,
        )  # fmt: skip
        return conversation.id


async def settle(pilot: Pilot[Any]) -> None:
    for widget in pilot.app.query("*").results():  # a blinking cursor would make images differ
        if hasattr(widget, "cursor_blink"):
            widget.cursor_blink = False
    await pilot.app.workers.wait_for_complete()
    view = pilot.app.screen_stack[0].query_one(ConversationView)
    for _ in range(500):  # off-screen history is laid out in the background
        if view.laid_out:
            break
        await pilot.pause(0.01)
    await pilot.pause()


def test_main_screen(snap_compare: Any, make_app: AppFactory) -> None:
    app = make_app(resume_id=seed())
    assert snap_compare(app, terminal_size=(90, 34), run_before=settle)


def test_model_picker(snap_compare: Any, make_app: AppFactory) -> None:
    async def open_picker(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("ctrl+o")
        await pilot.pause()
        for widget in pilot.app.screen.query("*").results():
            if hasattr(widget, "cursor_blink"):
                widget.cursor_blink = False
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=(90, 30), run_before=open_picker)


def test_inline_error(snap_compare: Any, make_app: AppFactory) -> None:
    error = "Rate limited: oai: slow down (retry in 30 s) — press ctrl+r to retry"
    app = make_app(resume_id=seed(error))
    assert snap_compare(app, terminal_size=(90, 34), run_before=settle)
