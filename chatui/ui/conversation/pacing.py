"""Pacing: streamed text coalesced into one message per few milliseconds instead of one per
chunk, and layouts spaced by what frames cost."""

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


class FramePacer:
    """Spaces layouts by what they cost: cheap frames (a paragraph streaming in) come at up to
    `max_fps`, expensive ones (lots of code on a big screen) less often, so that laying out and
    painting take about `load` of a core, but never fewer than `min_fps` a second."""

    def __init__(self, max_fps: float = 60, min_fps: float = 20, load: float = 0.3) -> None:
        self.max_fps, self.min_fps, self.load = max_fps, min_fps, load
        self.next_frame = 0.0  # perf_counter() time before which no layout is due
        self.frames, self.layout_seconds = 0, 0.0  # layouts so far, and the time they took
        self._cost, self._paint = 0.0, 0.0  # recent seconds a frame; painting since last layout

    def painted(self, seconds: float) -> None:
        """Count time spent painting."""
        self._paint += seconds

    def laid_out(self, began: float, seconds: float) -> None:
        """Count a layout that started at `began` and took `seconds`; sets `next_frame`."""
        self.frames, self.layout_seconds = self.frames + 1, self.layout_seconds + seconds
        cost, self._paint = seconds + self._paint, 0.0
        self._cost = cost if self.frames == 1 else 0.7 * self._cost + 0.3 * cost
        interval = min(max(self._cost / self.load, 1 / self.max_fps), 1 / self.min_fps)
        self.next_frame = began + interval
