"""Driving the chat screen through Pilot: send, wait, read notices, check it still answers keys."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from textual.pilot import Pilot

from chatui.ui.chat.prompt import PromptInput
from tests.pilot import chat, notices, replies, screen_text, settle

__all__ = [
    "MAX_FREEZE",
    "chat",
    "notices",
    "replies",
    "responsive",
    "screen_text",
    "send",
    "settle",
    "watch_loop",
]

#: The longest the app may stop answering keys while something huge arrives (a 1 MB paste,
#: a reply with a 1 MB line or a 10,000-line code fence at full speed). Measured here: 1.9 s
#: for the paste (Textual's TextArea wraps it), 0.7 s for the line (each frame re-wraps the
#: open paragraph), 2.5 s for the fence (a frame highlights all code that arrived since the
#: last one). See docs/reliability.md.
MAX_FREEZE = 5.0


async def send(pilot: Pilot[Any], text: str) -> None:
    """Put `text` in the prompt and press Enter; wait for the reply to end."""
    prompt = pilot.app.query_one(PromptInput)
    prompt.focus()
    prompt.text = text
    await pilot.press("enter")
    await settle(pilot)


async def responsive(pilot: Pilot[Any]) -> None:
    """The app is running and a key typed in the prompt shows up there."""
    app = pilot.app
    assert app.is_running and app.return_code is None
    prompt = app.query_one(PromptInput)
    prompt.focus()
    await pilot.press("k")
    assert prompt.text == "k"
    prompt.clear()
    for text in notices(app):
        assert "Internal error" not in text and "Traceback" not in text


async def watch_loop(gaps: list[float]) -> None:
    """Record how long the event loop went without running this task (input waits as long)."""
    while True:
        began = time.perf_counter()
        await asyncio.sleep(0.01)
        gaps.append(time.perf_counter() - began - 0.01)
