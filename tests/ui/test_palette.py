"""The command palette (ctrl+p) offers every action by name, and running one from it works."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot

from chatui.ui.app import ChatApp
from chatui.ui.screens.history import HistoryScreen
from tests.pilot import chat, palette_titles, press, run_from_palette, session_of, settle
from tests.ui.conftest import AppFactory
from tests.wireserver import Reply, WireServer

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
    "Select previous message",
    "Select next message",
    "Previous branch",
    "Next branch",
    "Copy code block",
    "Screenshot",
}


async def test_palette_offers_every_action(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await settle(pilot)
        titles = await palette_titles(pilot)
        assert set(titles) >= EVERY_ACTION, EVERY_ACTION - set(titles)
        assert "Keys" not in titles  # Textual's, which looked like a second "Help: keys"
        assert len(titles) == len(set(titles))


async def test_export_and_search_from_the_palette(
    make_app: AppFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await run_from_palette(pilot, "export as markdown")
        assert list(tmp_path.glob("*.md")) == []  # nothing saved yet: said so, nothing written
        await press(pilot, *"hello", "enter")
        await settle(pilot)
        await run_from_palette(pilot, "export as markdown")
        [exported] = tmp_path.glob("chatui-hello-*.md")
        assert "## User" in exported.read_text() and "hello" in exported.read_text()
        await run_from_palette(pilot, "search history")
        assert isinstance(app.screen, HistoryScreen)
        await press(pilot, "escape")
        await pilot.pause()
        assert len(session_of(app).turns) == 2


async def test_select_messages_and_switch_branches_from_the_palette(
    make_app: AppFactory, wire_server: WireServer
) -> None:
    for text in ("first answer", "second answer"):
        wire_server.enqueue(Reply(pieces=[text]))
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await press(pilot, "q", "enter")
        await settle(pilot)
        await press(pilot, "ctrl+r")  # a second answer: [2/2]
        await settle(pilot)
        await run_from_palette(pilot, "select previous message")
        await run_from_palette(pilot, "select previous message")
        assert chat(app).view.selected == 0  # the question
        await run_from_palette(pilot, "select next message")
        assert chat(app).view.selected == 1
        session = chat(app).session
        assert session is not None and session.turns[1].content == "second answer"
        await run_from_palette(pilot, "previous branch")
        assert session.turns[1].content == "first answer"
        await run_from_palette(pilot, "next branch")
        assert session.turns[1].content == "second answer"


async def test_screenshot_goes_to_the_data_folder_without_downloads(
    make_app: AppFactory, app_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(app_env / "home"))  # no ~/Downloads here
    monkeypatch.setenv("XDG_CONFIG_HOME", str(app_env / "home" / ".config"))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await run_from_palette(pilot, "screenshot")
        await until(pilot, lambda: any("screenshot" in n.message for n in app._notifications))
        [saved] = (app_env / "data").glob("chatui-*.svg")
        assert "<svg" in saved.read_text()
        assert last_notice(app) == f"Saved the screenshot to {saved}"
        monkeypatch.setenv("CHATUI_DATA_DIR", str(saved / "no-folder-here"))  # a file's child
        app.save_screen()
        await pilot.pause()
        assert last_notice(app).startswith(
            f"The screenshot was not saved to {saved}/no-folder-here/chatui-"
        )
        assert last_notice(app).endswith(": Not a directory.")


def last_notice(app: ChatApp) -> str:
    return [n.message for n in app._notifications][-1]


async def until(pilot: Pilot[None], condition: Callable[[], bool]) -> None:
    for _ in range(100):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError("the condition never held")
