"""The view's rows as strips, each made once while its row is the same object."""

from __future__ import annotations

from rich.style import Style
from textual.strip import Strip

from chatui.ui.conversation.plain_text import Line
from chatui.ui.conversation.selection import SelectionLook

_KEPT = 4000  # strips kept: a few screens' worth
_NO_ROW: Line = []  # a gap between entries, or below the last one


class RowStrips:
    """Strips of rows at one width on one base style. Rows of finished blocks are the same list
    objects frame after frame, so their strips are reused (building a Strip is not free); only
    the rows of a reply's open tail are new."""

    def __init__(self) -> None:
        self._strips: dict[tuple[int, bool], tuple[Line, Strip]] = {}  # id(row) -> its strip
        self._key: tuple[int, Style] | None = None  # (width, base style) of the strips

    def clear(self) -> None:
        """Forget every strip (the styles changed)."""
        self._strips.clear()

    def strip(self, row: Line | None, width: int, base: Style, look: SelectionLook | None) -> Strip:
        """`row` (None: a blank row) `width` cells wide on `base`; selected, painted by `look`."""
        if self._key != (width, base):
            self._key = (width, base)
            self._strips.clear()
        line = _NO_ROW if row is None else row
        key = (id(line), look is not None)
        cached = self._strips.get(key)
        if cached is not None and cached[0] is line:
            return cached[1]
        strip = Strip(look.paint(line) if look is not None else line)
        strip = strip.crop_extend(0, width, base).apply_style(base)
        if len(self._strips) > _KEPT:
            self._strips.clear()
        self._strips[key] = (line, strip)
        return strip
