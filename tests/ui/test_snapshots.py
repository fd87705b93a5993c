"""SVG snapshots of every screen: chat (dark, light, NO_COLOR), picker, error, history and its
dialogs, help, welcome."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from chatui.store import TranscriptStore
from chatui.ui.conversation.view import ConversationView
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


def pressing(*keys: str) -> Any:
    """A run_before that settles, presses `keys`, and settles again (cursors still)."""

    async def run(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press(*keys)
        await pilot.pause(0.2)
        for widget in pilot.app.screen.query("*").results():
            if hasattr(widget, "cursor_blink"):
                widget.cursor_blink = False
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    return run


@pytest.fixture
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Stored times (shown as dates in the history) are the same on every run and machine."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    clock = iter(range(10**6))
    monkeypatch.setattr("chatui.store.store.time.time", lambda: 1_790_000_000.0 + next(clock))


@pytest.mark.usefixtures("fixed_clock")
def test_history_screen(snap_compare: Any, make_app: AppFactory) -> None:
    seed()
    assert snap_compare(make_app(), terminal_size=(90, 24), run_before=pressing("ctrl+b"))


@pytest.mark.usefixtures("fixed_clock")
def test_history_delete_confirmation(snap_compare: Any, make_app: AppFactory) -> None:
    seed()
    app = make_app()
    assert snap_compare(app, terminal_size=(90, 24), run_before=pressing("ctrl+b", "ctrl+d"))


@pytest.mark.usefixtures("fixed_clock")
def test_history_rename(snap_compare: Any, make_app: AppFactory) -> None:
    seed()
    assert snap_compare(make_app(), terminal_size=(90, 24), run_before=pressing("ctrl+b", "f2"))


def test_help_screen(snap_compare: Any, make_app: AppFactory) -> None:
    assert snap_compare(make_app(), terminal_size=(110, 40), run_before=pressing("f1"))


def test_light_theme(snap_compare: Any, make_app: AppFactory, app_env: Path) -> None:
    config = app_env / "config.toml"
    config.write_text('theme = "textual-light"\n' + config.read_text())
    app = make_app(resume_id=seed())
    assert snap_compare(app, terminal_size=(90, 34), run_before=settle)


def test_no_color(snap_compare: Any, make_app: AppFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(resume_id=seed())
    assert snap_compare(app, terminal_size=(90, 34), run_before=settle)


def test_welcome_without_models(snap_compare: Any, app_env: Path) -> None:
    from chatui.config import load_config
    from chatui.ui.app import ChatApp

    config = replace(load_config(), path=Path("~/.config/chatui/config.toml"))  # not tmp_path
    with TranscriptStore.open() as store:
        app = ChatApp(config, store, None)
        assert snap_compare(app, terminal_size=(90, 30), run_before=settle)


def test_attach_dialog(snap_compare: Any, make_app: AppFactory) -> None:
    assert snap_compare(make_app(), terminal_size=(90, 24), run_before=pressing("ctrl+l"))


def test_selected_message(snap_compare: Any, make_app: AppFactory) -> None:
    """alt+up: the reply on a tinted background, every word of it readable."""
    app = make_app(resume_id=seed())
    assert snap_compare(app, terminal_size=(90, 34), run_before=pressing("alt+up"))
