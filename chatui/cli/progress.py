"""A progress line on stderr for long imports: redrawn in place on a terminal, plain elsewhere."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TextIO

#: Nothing is shown for work that is over within this many seconds.
QUIET_FOR = 1.0
#: On a terminal the line is redrawn at most this often; elsewhere a line is written this often.
REDRAW_EVERY = 0.1
LINE_EVERY = 5.0


class ProgressLine:
    """`chatui: reading conversations 1,200/5,000` while an import runs, on `stream`.

    On a terminal one line is redrawn in place and erased at the end; otherwise (a log, a
    pipe) a plain line every few seconds. Quiet when the work is quick."""

    def __init__(self, stream: TextIO, clock: Callable[[], float] = time.monotonic) -> None:
        self.stream, self.clock = stream, clock
        self.tty = stream.isatty()
        self.started = clock()
        self.shown_at: float | None = None
        self.drawn = False

    def step(self, what: str) -> Callable[[int, int], None]:
        """A callback for one phase of the work (e.g. "reading"): (done, total)."""
        return lambda done, total: self.update(what, done, total)

    def update(self, what: str, done: int, total: int) -> None:
        now = self.clock()
        if now - self.started < QUIET_FOR:
            return
        wait = REDRAW_EVERY if self.tty else LINE_EVERY
        last = done == total
        if self.shown_at is not None and now - self.shown_at < wait and not (last and self.tty):
            return
        self.shown_at = now
        text = f"chatui: {what} conversations {done:,}/{total:,}"
        if self.tty:
            self.stream.write(f"\r{text}\x1b[K")
            self.drawn = True
        else:
            self.stream.write(text + "\n")
        self.stream.flush()

    def finish(self) -> None:
        """Erase the line on a terminal, so that what follows starts on a clean one."""
        if self.drawn:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.drawn = False
