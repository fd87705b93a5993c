"""Safe terminal output for `chatui history`: escapes neutralised, lines fitted to the width."""

from __future__ import annotations

import os
import shutil
import unicodedata
from typing import TextIO


class Terminal:
    """Writes lines to a stream; on a terminal, fits them to its width and colours them.
    Whatever they show from the history goes through `services.history.one_line`, so it is
    inert everywhere."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.tty = stream.isatty()
        self.color = (
            self.tty and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"
        )
        self.width = shutil.get_terminal_size().columns if self.tty else 0

    def style(self, text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.color and code and text else text

    def line(self, pieces: list[tuple[str, str]]) -> None:
        """Print (text, style) pieces as one line, cut to the terminal width."""
        room = self.width - 1 if self.width else None
        out: list[str] = []
        for text, code in pieces:
            if room is not None:
                text, room = _fit(text, room)
            out.append(self.style(text, code))
            if room == 0:
                break
        self.stream.write("".join(out) + "\n")


def _cells(char: str) -> int:
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def _fit(text: str, room: int) -> tuple[str, int]:
    """Cut `text` to `room` terminal cells (ending in … if cut); return it and the room left."""
    used, out = 0, list[str]()
    for char in text:
        width = _cells(char)
        if used + width > room:
            while out and used + 1 > room:
                used -= _cells(out.pop())
            return "".join(out) + "…", 0
        out.append(char)
        used += width
    return text, room - used
