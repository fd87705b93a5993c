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
from tests.pilot import press, settle_for_snapshot, workers_done
from tests.transcripts import streaming_chat
from tests.ui.conftest import AppFactory


def test_main_screen(snap_compare: Any, make_app: AppFactory) -> None:
    app = make_app(resume_id=streaming_chat())
    assert snap_compare(app, terminal_size=(90, 34), run_before=settle_for_snapshot)


def test_model_picker(snap_compare: Any, make_app: AppFactory) -> None:
    async def open_picker(pilot: Pilot[Any]) -> None:
        await settle_for_snapshot(pilot)
        await press(pilot, "ctrl+o")
        await pilot.pause()
        for widget in pilot.app.screen.query("*").results():
            if hasattr(widget, "cursor_blink"):
                widget.cursor_blink = False
        await settle_for_snapshot(pilot)

    assert snap_compare(make_app(), terminal_size=(90, 30), run_before=open_picker)


def test_inline_error(snap_compare: Any, make_app: AppFactory) -> None:
    error = "Rate limited: oai: slow down (retry in 30 s) — press ctrl+r to retry"
    app = make_app(resume_id=streaming_chat(error))
    assert snap_compare(app, terminal_size=(90, 34), run_before=settle_for_snapshot)


def pressing(*keys: str) -> Any:
    """A run_before that settles, presses `keys`, and settles again (cursors still)."""

    async def run(pilot: Pilot[Any]) -> None:
        await settle_for_snapshot(pilot)
        await press(pilot, *keys)
        await workers_done(pilot)
        for widget in pilot.app.screen.query("*").results():
            if hasattr(widget, "cursor_blink"):
                widget.cursor_blink = False
        await workers_done(pilot)
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
    streaming_chat()
    assert snap_compare(make_app(), terminal_size=(90, 24), run_before=pressing("ctrl+b"))


@pytest.mark.usefixtures("fixed_clock")
def test_history_delete_confirmation(snap_compare: Any, make_app: AppFactory) -> None:
    streaming_chat()
    app = make_app()
    assert snap_compare(app, terminal_size=(90, 24), run_before=pressing("ctrl+b", "ctrl+d"))


@pytest.mark.usefixtures("fixed_clock")
def test_history_rename(snap_compare: Any, make_app: AppFactory) -> None:
    streaming_chat()
    assert snap_compare(make_app(), terminal_size=(90, 24), run_before=pressing("ctrl+b", "f2"))


def test_help_screen(snap_compare: Any, make_app: AppFactory) -> None:
    assert snap_compare(make_app(), terminal_size=(110, 40), run_before=pressing("f1"))


def test_light_theme(snap_compare: Any, make_app: AppFactory, app_env: Path) -> None:
    config = app_env / "config.toml"
    config.write_text('theme = "textual-light"\n' + config.read_text())
    app = make_app(resume_id=streaming_chat())
    assert snap_compare(app, terminal_size=(90, 34), run_before=settle_for_snapshot)


def test_no_color(snap_compare: Any, make_app: AppFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(resume_id=streaming_chat())
    assert snap_compare(app, terminal_size=(90, 34), run_before=settle_for_snapshot)


def test_welcome_without_models(snap_compare: Any, app_env: Path) -> None:
    from chatui.config import load_config
    from chatui.ui.app import ChatApp

    config = replace(load_config(), path=Path("~/.config/chatui/config.toml"))  # not tmp_path
    with TranscriptStore.open() as store:
        app = ChatApp(config, store, None)
        assert snap_compare(app, terminal_size=(90, 30), run_before=settle_for_snapshot)


def test_attach_dialog(snap_compare: Any, make_app: AppFactory) -> None:
    assert snap_compare(make_app(), terminal_size=(90, 24), run_before=pressing("ctrl+l"))


def test_selected_message(snap_compare: Any, make_app: AppFactory) -> None:
    """alt+up: the reply on a tinted background, every word of it readable."""
    app = make_app(resume_id=streaming_chat())
    assert snap_compare(app, terminal_size=(90, 34), run_before=pressing("alt+up"))
