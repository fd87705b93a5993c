"""Coalesces streamed text into one message per few milliseconds instead of one per chunk."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

INTERVAL = 0.008  # about two messages per frame: no visible delay, far fewer dispatches


class TextBatcher:
    """Collects text pieces and hands them on joined, at most `interval` after the first."""

    def __init__(self, deliver: Callable[[str], object], interval: float = INTERVAL) -> None:
        self.deliver = deliver
        self.interval = interval
        self.parts: list[str] = []
        self.handle: asyncio.TimerHandle | None = None

    def add(self, text: str) -> None:
        self.parts.append(text)
        if self.handle is None:
            self.handle = asyncio.get_running_loop().call_later(self.interval, self.flush)

    def flush(self) -> None:
        if self.handle is not None:
            self.handle.cancel()
            self.handle = None
        if self.parts:
            text = "".join(self.parts)
            self.parts.clear()
            self.deliver(text)
