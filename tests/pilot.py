"""Driving the chat app through Pilot: the chat screen, what it shows, and waiting on conditions."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import Any

from textual import events
from textual.app import App
from textual.command import Command, CommandList, CommandPalette
from textual.message_pump import MessagePump
from textual.pilot import Pilot
from textual.worker import WorkerCancelled

from chatui.services.session.chat import ChatSession
from chatui.ui.chat.screen import ChatScreen
from chatui.ui.conversation.entries import AssistantEntry, NoticeEntry
from chatui.ui.conversation.view import ConversationView
from chatui.ui.terminal_keys import key_name

#: Seconds: a ceiling for any one wait, far above what the app takes even on a busy machine.
WAIT = 90.0


def chat(app: App[Any]) -> ChatScreen:
    """The current screen, which must be the chat screen."""
    screen = app.screen
    assert isinstance(screen, ChatScreen), f"expected the chat screen, not {screen!r}"
    return screen


def session_of(app: App[Any]) -> ChatSession:
    """The chat screen's session, which must have started."""
    session = chat(app).session
    assert session is not None, "the chat screen has no session"
    return session


def screen_text(app: App[Any]) -> str:
    """The conversation log's visible rows as plain text."""
    view = chat(app).query_one(ConversationView)
    return "\n".join(view.render_line(y).text for y in range(view.size.height))


def notices(app: App[Any]) -> list[str]:
    """The notice lines in the conversation (errors, "Stopped.", ...)."""
    return [e.text for e in chat(app).view.entries if isinstance(e, NoticeEntry)]


def toasts(app: App[Any]) -> list[str]:
    """The messages of the app's notifications (the toasts in the corner)."""
    return [str(notification.message) for notification in app._notifications]


def replies(app: App[Any]) -> list[AssistantEntry]:
    return [e for e in chat(app).view.entries if isinstance(e, AssistantEntry)]


async def settle(pilot: Pilot[Any]) -> None:
    """Wait for every worker, such as the reply stream, then for the frames after it: until
    the conversation is laid out (the view paces its frames, up to 1/20 s apart)."""
    await workers_done(pilot)
    await pilot.pause()
    await laid_out(pilot)


async def workers_done(pilot: Pilot[Any]) -> None:
    """Every worker ended: completed, failed (raises) or cancelled (a key just stopped it; the
    workers' `wait_for_complete` raises for that)."""
    for worker in list(pilot.app.workers):
        with contextlib.suppress(WorkerCancelled):
            await worker.wait()


async def laid_out(pilot: Pilot[Any]) -> None:
    """The conversation (on the bottom screen, if it has one) laid out on screen and near it."""
    views = list(pilot.app.screen_stack[0].query(ConversationView).results())
    await wait_until(
        pilot, lambda: all(view.laid_out for view in views), "the layout", idle_first=False
    )


async def wait_until(
    pilot: Pilot[Any],
    done: Callable[[], object],
    what: str = "the condition",
    seconds: float = 30.0,
    *,
    idle_first: bool = True,
) -> None:
    """Let frames happen until `done()` is true; fails naming `what` after `seconds` (a ceiling
    far above what it takes, even on a busy machine). `idle_first=False` looks at once: waiting
    for the app to be idle first would wait out a whole reply that streams without a pause."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    if idle_first:
        await pilot.pause()  # the messages already sent are handled before the first look
    while not done():
        if loop.time() > deadline:
            raise AssertionError(f"timed out after {seconds:g} s waiting for {what}")
        await pilot.pause(0.01)


#: The characters of the keys `key_event` names (a single character is its own key).
KEY_CHARACTERS = {"enter": "\r", "escape": "\x1b", "space": " ", "tab": "\t"}


def key_event(key: str) -> events.Key:
    """The key event a terminal's bytes for `key` become: a name such as "enter" or "ctrl+n",
    or a single character (named as Textual's parser names it: "-" is "minus")."""
    if len(key) == 1:
        return events.Key(key_name(key), key)
    return events.Key(key, KEY_CHARACTERS.get(key))


def press_at_once(pilot: Pilot[Any], *keys: str) -> None:
    """Keys (names such as "enter" or "ctrl+n", or single characters) in one burst, as a
    terminal sends what is typed or pasted: no waiting for the app in between, where
    `pilot.press` waits for the app to idle after every key (up to a second each while a reply
    streams). Wait for what the keys should do with `wait_until`."""
    for key in keys:
        pilot.app.post_message(key_event(key))


async def drained(pump: MessagePump) -> None:
    """The messages queued for `pump` so far are handled (a callback queued behind them ran)."""
    done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    if pump.call_later(done.set_result, None):
        await asyncio.wait_for(done, WAIT)


async def handled(pilot: Pilot[Any]) -> None:
    """A key posted to the app is handled: the app dispatched it (ran its binding, or forwarded
    it to the focused widget), then the focused widget and each of its ancestors in turn, up to
    the app, handled what came to it (the key, bubbling up unless used; what it posted)."""
    app = pilot.app
    await drained(app)
    for node in (app.focused or app.screen).ancestors_with_self:
        await drained(node)


async def press(pilot: Pilot[Any], *keys: str) -> None:
    """`pilot.press` without its waits for the process to idle (twice per key: at least 40 ms,
    and up to 2 s while a reply streams): each key is handled (`handled`) and its animations (a
    scroll) done before the next is sent, and the app gets to idle only when a key changed the
    screen (the new one must mount before it takes keys); at the end, a scroll deferred to the
    next refresh is done too. What the keys start in the background (a worker, a timer) is for
    `settle` or `wait_until` to wait for."""
    app = pilot.app
    for key in keys:
        screen = app.screen
        app.post_message(key_event(key))
        await handled(pilot)
        await app.animator.wait_until_complete()
        if app.screen is not screen:
            await pilot.pause()
    await refreshed(pilot)  # a scroll waits for the next refresh to start
    await app.animator.wait_until_complete()


async def refreshed(pilot: Pilot[Any]) -> None:
    """What the focused widget and its ancestors deferred until after the next refresh of the
    screen (a scroll) has run: each queues a callback of ours behind theirs. A screen closed
    meanwhile (the key closed its dialog) runs no more of them: they are not waited for."""
    app = pilot.app
    screen = app.screen  # where the callbacks are queued
    loop = asyncio.get_running_loop()
    queued: list[asyncio.Future[None]] = []
    for node in (app.focused or screen).ancestors_with_self:
        done: asyncio.Future[None] = loop.create_future()
        if node.call_after_refresh(done.set_result, None):
            queued.append(done)
    deadline = loop.time() + WAIT
    while app.screen is screen and not all(done.done() for done in queued):
        if loop.time() > deadline:
            raise AssertionError(f"the screen did not refresh in {WAIT} s")
        await asyncio.wait(queued, timeout=0.01)


def palette_offers(app: App[Any], title: str) -> bool:
    """The command palette is open and its highlighted command's title starts with `title`
    (case aside): its search, which runs in a worker, has caught up with the typing."""
    if not isinstance(app.screen, CommandPalette):
        return False
    commands = app.screen.query_one(CommandList)
    index = commands.highlighted
    if index is None:
        return False
    prompt = str(commands.get_option_at_index(index).prompt)
    return prompt.lower().startswith(title.lower())


async def run_from_palette(pilot: Pilot[Any], title: str) -> None:
    """Open the palette, type `title`, and run that command once the palette offers it."""
    app = pilot.app
    press_at_once(pilot, "ctrl+p")
    await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette), "the palette")
    press_at_once(pilot, *title)
    await wait_until(pilot, lambda: palette_offers(app, title), f"the palette to offer {title!r}")
    await press(pilot, "enter")
    await wait_until(pilot, lambda: not isinstance(app.screen, CommandPalette), "the palette")
    await settle(pilot)


async def palette_titles(pilot: Pilot[Any]) -> list[str]:
    """Open the palette and read the commands it lists before anything is typed (what every
    provider discovered), then close it."""
    app = pilot.app
    await press(pilot, "ctrl+p")
    await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette), "the palette")
    palette = app.screen
    await wait_until(pilot, lambda: palette.has_class("-ready"), "the palette's commands")
    options = palette.query_one(CommandList).options
    titles = [str(option.hit.text) for option in options if isinstance(option, Command)]
    await press(pilot, "escape")
    await wait_until(pilot, lambda: not isinstance(app.screen, CommandPalette), "the palette")
    return titles


async def settle_for_snapshot(pilot: Pilot[Any]) -> None:
    """Settle with every cursor still and the conversation laid out, so screenshots compare."""
    for widget in pilot.app.query("*").results():  # a blinking cursor would make images differ
        if hasattr(widget, "cursor_blink"):
            widget.cursor_blink = False
    await workers_done(pilot)
    pilot.app.screen_stack[0].query_one(ConversationView)  # a conversation to lay out
    await laid_out(pilot)
    await pilot.pause()
