"""SVG snapshot of the conversation settings dialog (over a chat started with a preset)."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from chatui.services.session.settings import ConversationSettings
from tests.pilot import press, settle_for_snapshot
from tests.ui.conftest import AppFactory

PRESET = ConversationSettings(
    "You review Python code.\nPoint out bugs first, then style.", 0.2, 1024, "review"
)


def test_settings_dialog(snap_compare: Any, make_app: AppFactory) -> None:
    async def open_dialog(pilot: Pilot[Any]) -> None:
        await settle_for_snapshot(pilot)
        await press(pilot, "ctrl+g")
        await pilot.pause()
        for widget in pilot.app.screen.query("*").results():  # no blinking cursor in the image
            if hasattr(widget, "cursor_blink"):
                widget.cursor_blink = False
        await settle_for_snapshot(pilot)

    app = make_app(settings=PRESET)
    assert snap_compare(app, terminal_size=(90, 34), run_before=open_dialog)
