"""RowList: a list of rows of one-line pieces, drawing only the lines on screen, from a cache."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from itertools import accumulate
from typing import ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

Piece = tuple[str, Style]  # text (one line, no controls) and its style over the row's
Line = tuple[Piece, ...]
Row = tuple[Line, ...]
ELLIPSIS = "…"


def fit(line: Line, width: int) -> Line:
    """`line` cut to `width` cells, its last cell an ellipsis (in the style of the first
    character cut) when it is longer."""
    if sum(cell_len(text) for text, _ in line) <= width:
        return line
    kept: list[Piece] = []
    room = width - 1
    for text, style in line:
        cells = cell_len(text)
        if cells <= room:
            kept.append((text, style))
            room -= cells
            continue
        kept += [(set_cell_size(text, room), style), (ELLIPSIS, style)]
        break
    return tuple(kept)


class RowList(ScrollView, can_focus=False):
    """Rows of a known height (one line per field, cut with an ellipsis), so a new list costs
    what its lines on screen cost to draw, however many rows it holds; strips are cached until
    the rows, the width or the styles change. Looks like an OptionList (same CSS values)."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "row-list--highlighted",
        "row-list--hover",
        "row-list--notice",
    }

    DEFAULT_CSS = """
    RowList {
        color: $foreground;
        overflow-x: hidden;
        border: tall $border-blurred;
        padding: 0 1;
        background: $surface;
        & > .row-list--highlighted {
            color: $foreground;
            background: $block-cursor-blurred-background;
            text-style: $block-cursor-blurred-text-style;
        }
        & > .row-list--notice { color: $text-disabled; }
        & > .row-list--hover { background: $block-hover-background; }
    }
    """

    class Selected(Message):
        """A row was clicked: it is the highlighted one now."""

        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._rows: list[Row] = []
        self._starts: list[int] = [0]  # the first line of each row, then the total
        self._notice: Line = ()  # shown alone when there are no rows
        self._highlighted: int | None = None
        self._hover: int | None = None
        self._strips: dict[tuple[int, int, str], Strip] = {}  # (row, line, look) -> strip
        self._strips_key: tuple[int, Style] | None = None  # (width, base style) of _strips
        self._shown: dict[int, Strip] = {}  # what each line of the view shows, or will
        self.unpainted: set[int] = set()  # lines of the view set_rows changed, not drawn yet
        self.lines_drawn = 0  # strips built since the rows were set (not taken from the cache)

    @property
    def row_count(self) -> int:
        return len(self._rows)

    @property
    def highlighted(self) -> int | None:
        return self._highlighted

    @highlighted.setter
    def highlighted(self, index: int | None) -> None:
        """Highlight row `index` (clamped to the rows) and scroll it into view."""
        if index is not None:
            index = max(0, min(index, len(self._rows) - 1)) if self._rows else None
        if index == self._highlighted:
            return
        self._refresh_row(self._highlighted)
        self._highlighted = index
        self._refresh_row(index)
        if index is not None and self.is_mounted:
            start, end = self._starts[index], self._starts[index + 1]
            region = Region(0, start, self.scrollable_content_region.width, end - start)
            self.scroll_to_region(region, animate=False, force=True, immediate=True)

    def set_rows(self, rows: Sequence[Row], notice: Line = ()) -> None:
        """Show `rows` from the top, the first highlighted; `notice` when there are none."""
        self._rows = list(rows)
        self._notice = notice
        self._starts = [0, *accumulate(len(row) for row in self._rows)]
        self._strips.clear()
        self.lines_drawn = 0
        self._highlighted = 0 if self._rows else None
        self._hover = None
        if round(self.scroll_y):
            self.scroll_to(y=0, animate=False, immediate=True)
            self._shown.clear()
        self._resize()
        self._refresh_changed()

    def _refresh_changed(self) -> None:
        """Repaint only the lines on screen that now read differently (often few while
        typing: a longer word finds much the same hits)."""
        lines = range(self.scrollable_content_region.height)
        shown, self._shown = self._shown, {y: self._strip(y) for y in lines}
        changed = [y for y in lines if shown.get(y) != self._shown[y]]
        self.unpainted.update(changed)
        if changed:
            self.refresh(*(Region(0, y, self.size.width, 1) for y in changed))

    def add_rows(self, rows: Sequence[Row]) -> None:
        """Add rows below the others (what is on screen stays)."""
        first = len(self._rows)
        self._rows += rows
        self._starts += [*accumulate((len(row) for row in rows), initial=self._starts[-1])][1:]
        if first == 0 and self._rows:
            self._highlighted = 0
        self._resize()
        self.refresh()

    def row_at(self, y: int) -> int | None:
        """The row drawn on line `y` of the widget's content, if any."""
        line = round(self.scroll_y) + y
        if not 0 <= line < self._starts[-1]:
            return None
        return bisect_right(self._starts, line) - 1

    def _resize(self) -> None:
        total = self._starts[-1] if self._rows else int(bool(self._notice))
        self.virtual_size = Size(self.scrollable_content_region.width, total)

    def _refresh_row(self, index: int | None) -> None:
        if index is None or index >= len(self._rows) or not self.is_mounted:
            return
        top = self._starts[index] - round(self.scroll_y)
        self.refresh(Region(0, top, self.size.width, len(self._rows[index])))

    def on_resize(self, event: events.Resize) -> None:
        self._resize()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips_key = None

    def _row_under(self, event: events.MouseEvent) -> int | None:
        offset = event.get_content_offset(self)
        return None if offset is None else self.row_at(offset.y)

    def on_click(self, event: events.Click) -> None:
        index = self._row_under(event)
        if index is not None:
            self.highlighted = index
            self.post_message(self.Selected(index))

    def on_mouse_move(self, event: events.MouseMove) -> None:
        self._set_hover(self._row_under(event))

    def on_leave(self, event: events.Leave) -> None:
        self._set_hover(None)

    def _set_hover(self, index: int | None) -> None:
        if index != self._hover:
            self._refresh_row(self._hover)
            self._hover = index
            self._refresh_row(index)

    def render_line(self, y: int) -> Strip:
        strip = self._shown[y] = self._strip(round(self.scroll_y) + y)
        self.unpainted.discard(y)
        return strip

    def _strip(self, line: int) -> Strip:
        """Line `line` of the rows, drawn (or taken from the cache)."""
        width = self.scrollable_content_region.width
        if self._strips_key is None or self._strips_key[0] != width:
            self._strips_key = (width, self.rich_style)
            self._strips.clear()
        base = self._strips_key[1]
        if not self._rows and line == 0:
            look, pieces, index = "notice", self._notice, -1
        elif line >= self._starts[-1]:
            return Strip.blank(width, base)
        else:
            index = bisect_right(self._starts, line) - 1
            line -= self._starts[index]
            pieces = self._rows[index][line]
            look = (
                "highlighted"
                if index == self._highlighted
                else "hover"
                if index == self._hover
                else ""
            )
        cached = self._strips.get((index, line, look))
        if cached is None:
            under = self.get_visual_style(*[f"row-list--{look}"] * bool(look)).rich_style
            segments = [Segment(text, under + style) for text, style in fit(pieces, width) if text]
            cached = Strip(segments).extend_cell_length(width, under)
            self._strips[(index, line, look)] = cached
            self.lines_drawn += 1
        return cached
