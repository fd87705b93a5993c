"""Scrolling the conversation: a sent message is always followed to the end of its reply; the
log pages from the prompt; typing while the log has the focus goes to the prompt."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from chatui.ui.chat.prompt import PromptInput
from chatui.ui.conversation.view import ConversationView
from chatui.ui.screens.help import HelpScreen
from tests.pilot import chat, press, screen_text, settle
from tests.ui.conftest import AppFactory
from tests.wireserver import Reply, WireServer

LONG = "\n\n".join(f"Paragraph {i} of a long answer." for i in range(30)) + "\n\nEND-OF-REPLY"


def at_the_end(view: ConversationView) -> bool:
    return view.max_scroll_y > 0 and view.scroll_y == view.max_scroll_y


async def send(pilot: Pilot[Any], text: str) -> None:
    await press(pilot, *text, "enter")
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
        await press(pilot, "alt+up", "escape")  # select the reply (scrolls to it), unselect
        await send(pilot, "second")
        assert at_the_end(view) and "END-OF-REPLY" in screen_text(app)
        await press(pilot, "alt+up", "escape", "ctrl+n")
        await send(pilot, "third in new chat")
        assert at_the_end(view) and "END-OF-REPLY" in screen_text(app)


async def test_pages_from_the_prompt(make_app: AppFactory, wire_server: WireServer) -> None:
    wire_server.enqueue(Reply.from_text(LONG, size=20))
    app = make_app()
    async with app.run_test(size=(100, 20)) as pilot:
        view = chat(app).view
        prompt = app.query_one(PromptInput)
        await send(pilot, "long")
        assert at_the_end(view) and app.focused is prompt
        await press(pilot, "pageup")
        assert 0 < view.scroll_y < view.max_scroll_y
        up = view.scroll_y
        await press(pilot, "pageup")
        assert view.scroll_y < up
        await press(pilot, "pagedown")
        assert view.scroll_y == up
        await press(pilot, "ctrl+home")
        assert view.scroll_y == 0 and "long" in screen_text(app)
        await press(pilot, "ctrl+end")
        assert at_the_end(view) and app.focused is prompt
        await press(pilot, "a", "ctrl+j", "b", "up", "end", "x")  # the prompt edits as before
        assert prompt.text == "ax\nb" and at_the_end(view)


async def test_typing_into_the_log_types_into_the_prompt(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        prompt = app.query_one(PromptInput)
        await press(pilot, "shift+tab")
        assert isinstance(app.focused, ConversationView)
        await press(pilot, "a", "b", "c")
        assert prompt.has_focus and prompt.text == "abc"


async def test_help_lists_the_paging_keys(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await press(pilot, "f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        keys = {row[0] for row in dict(app.screen.rows())["Chat"]}
        assert {"pageup", "pagedown", "ctrl+home", "ctrl+end"} <= keys
