"""Scrolling the conversation: a sent message is always followed to the end of its reply."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from chatui.ui.conversation_view import ConversationView
from tests.ui.conftest import AppFactory, chat, screen_text, settle
from tests.wireserver import Reply, WireServer

LONG = "\n\n".join(f"Paragraph {i} of a long answer." for i in range(30)) + "\n\nEND-OF-REPLY"


def at_the_end(view: ConversationView) -> bool:
    return view.max_scroll_y > 0 and view.scroll_y == view.max_scroll_y


async def send(pilot: Pilot[Any], text: str) -> None:
    await pilot.press(*text, "enter")
    await settle(pilot)


async def test_a_sent_message_is_followed_after_a_selection(
    make_app: AppFactory, wire_server: WireServer
) -> None:
    for _ in range(3):
        wire_server.enqueue(Reply.from_text(LONG, size=20))
    app = make_app()
    async with app.run_test(size=(100, 20)) as pilot:
        view = chat(app).view
        await send(pilot, "first")
        assert at_the_end(view)
        await pilot.press("alt+up", "escape")  # select the reply (scrolls to it), unselect
        await send(pilot, "second")
        assert at_the_end(view) and "END-OF-REPLY" in screen_text(app)
        await pilot.press("alt+up", "escape", "ctrl+n")
        await send(pilot, "third in new chat")
        assert at_the_end(view) and "END-OF-REPLY" in screen_text(app)
