"""The command palette (ctrl+p) offers every action by name, and running one from it works."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from chatui.ui.history_screen import HistoryScreen
from tests.ui.conftest import AppFactory, chat, settle

EVERY_ACTION = {
    "New chat",
    "Pick model",
    "History",
    "Search history",
    "Export as Markdown",
    "Export as JSON",
    "Copy message",
    "Regenerate reply",
    "Edit message",
    "Theme",
    "Help: keys",
    "System prompt",
    "Conversation settings",
    "Toggle thinking",
    "Attach file",
    "Undo delete",
}


async def test_palette_offers_every_action(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await pilot.pause()
        names = {command.title for command in app.get_system_commands(app.screen)}
        assert names >= EVERY_ACTION, EVERY_ACTION - names


async def run_command(pilot: Pilot[None], words: str) -> None:
    await pilot.press("ctrl+p")
    await pilot.pause(0.2)
    await pilot.press(*words)
    await pilot.pause(0.5)  # the palette searches in a worker
    await pilot.press("enter")
    await pilot.pause(0.2)


async def test_export_and_search_from_the_palette(
    make_app: AppFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await run_command(pilot, "export as markdown")
        assert list(tmp_path.glob("*.md")) == []  # nothing saved yet: said so, nothing written
        await pilot.press(*"hello", "enter")
        await settle(pilot)
        await run_command(pilot, "export as markdown")
        [exported] = tmp_path.glob("chatui-hello-*.md")
        assert "## User" in exported.read_text() and "hello" in exported.read_text()
        await run_command(pilot, "search history")
        assert isinstance(app.screen, HistoryScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert chat(app).session is not None and len(chat(app).session.turns) == 2
