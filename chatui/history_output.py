"""Safe terminal output for `chatui history`: escapes neutralised, lines fitted to the width."""

from __future__ import annotations

import os
import re
import shutil
import unicodedata
from typing import TextIO

_WHITESPACE = re.compile(r"\s+")
_BIDI_CONTROLS = {*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C}


class Terminal:
    """Writes to a stream; on a terminal, fits lines to its width and neutralises escapes."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.tty = stream.isatty()
        self.color = (
            self.tty and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"
        )
        self.width = shutil.get_terminal_size().columns if self.tty else 0

    def clean(self, text: str) -> str:
        """Content for a terminal: control characters shown as ^X; unchanged into a pipe."""
        if not self.tty:
            return text
        return "".join(_visible(char) for char in text.replace("\r\n", "\n"))

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


def field(text: str) -> str:
    """A title/preview/snippet as one safe line, whatever the output: no controls, no newlines."""
    return "".join(_visible(char) for char in _WHITESPACE.sub(" ", text))


def _visible(char: str) -> str:
    code = ord(char)
    if char in "\n\t":
        return char
    if code < 0x20 or code == 0x7F:
        return "^" + chr(code ^ 0x40)
    if 0x80 <= code < 0xA0 or code in _BIDI_CONTROLS:
        return "\ufffd"
    return char


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
