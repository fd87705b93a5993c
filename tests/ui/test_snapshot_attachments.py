"""SVG snapshot of the prompt with two attached files shown as chips above it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from chatui.ui.chat.attachment_bar import AttachmentBar
from tests.pilot import chat, press, settle_for_snapshot
from tests.ui.conftest import AppFactory


def test_prompt_with_two_chips(
    snap_compare: Any, make_app: AppFactory, app_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = app_env / "work"
    work.mkdir()
    (work / "notes.md").write_text("n" * 2150)
    (work / "main.py").write_text("print('hi')\n")
    monkeypatch.chdir(work)

    async def attach_two(pilot: Pilot[Any]) -> None:
        await settle_for_snapshot(pilot)  # mounted, the prompt focused
        bar = chat(pilot.app).query_one(AttachmentBar)
        for count, name in enumerate(("notes.md", "main.py"), 1):
            chat(pilot.app).prompt.text = f"/file {name}"
            await press(pilot, "enter")
            for _ in range(200):
                if len(bar.files) == count:
                    break
                await pilot.pause(0.01)
            assert len(bar.files) == count
        await press(pilot, *"what do these do?")
        await settle_for_snapshot(pilot)

    assert snap_compare(make_app(), terminal_size=(90, 20), run_before=attach_two)
