"""Entries stacked into rows at one width, laid out only where the view is (and a margin)."""

from __future__ import annotations

from bisect import bisect_right
from time import perf_counter

from chatui.ui.conversation.entries import Entry, EntryStyles, GapEntry
from chatui.ui.conversation.markdown_blocks import Line

_Piece = tuple[list[Line] | None, int, bool]  # (rows, height, dirty) while entries move

MARGIN_SCREENS = 1  # laid out beyond the view, above and below, in screens


class EntryLayout:
    """Entries stacked into rows at one width, a blank row between two.

    Each entry is one or more pieces (a long loaded reply is cut into sections), the unit of
    layout. Start rows are prefix sums: finding the piece on a row is a bisection, and a
    growing last entry costs O(1). Only pieces in the view, and within `MARGIN_SCREENS` of it,
    are laid out; the others count an estimated height (from their text's length) until the
    view comes near them, so opening a long conversation costs what one screen costs.
    """

    def __init__(self) -> None:
        self.entries: list[Entry] = []
        self._first: list[int] = []  # first piece of each entry
        self._owner: list[int] = []  # entry index of each piece
        self._rows: list[list[Line] | None] = []  # per piece at self.width; None: not laid out
        self._heights: list[int] = []  # len(rows), or an estimate
        self._starts: list[int] = []  # first row of each piece
        self.total = 0  # rows in all
        self.width = 0
        self.dirty: set[int] = set()  # pieces to lay out (again)
        self.pieces_laid_out = 0  # how many times a piece was laid out (for tests and figures)

    def add(self, entry: Entry) -> None:
        """Append `entry` (laid out by a later `layout`)."""
        entry.index = len(self.entries)
        self.entries.append(entry)
        self._append(entry)
        self._restack(self._first[entry.index])

    def _append(self, entry: Entry, kept: list[_Piece] | None = None) -> None:
        """Add the pieces of `entry` (the last entry): as `kept` if it has that many, else new."""
        self._first.append(len(self._owner))
        count = entry.pieces()
        for piece in range(count):
            if kept is not None and len(kept) == count:
                rows, height, dirty = kept[piece]
            else:
                rows, dirty = None, True
                height = entry.estimate_piece(piece, self.width) if self.width else 0
            if dirty:
                self.dirty.add(len(self._owner))
            self._owner.append(entry.index)
            self._rows.append(rows)
            self._heights.append(height)
            self._starts.append(0)

    def _pieces_of(self, index: int) -> range:
        end = self._first[index + 1] if index + 1 < len(self._first) else len(self._owner)
        return range(self._first[index], end)

    def _cut(self, index: int) -> list[tuple[Entry, list[_Piece]]]:
        """Take out the pieces of entries `index` and after; returns them to put back."""
        rows, heights, dirty = self._rows, self._heights, self.dirty
        taken = [
            (entry, [(rows[p], heights[p], p in dirty) for p in self._pieces_of(i)])
            for i, entry in enumerate(self.entries[index:], index)
        ]
        start = self._first[index] if index < len(self._first) else len(self._owner)
        for column in (self._owner, self._rows, self._heights, self._starts):
            del column[start:]
        del self._first[index:]
        self.dirty = {piece for piece in self.dirty if piece < start}
        return taken

    def mark_dirty(self, entry: Entry) -> None:
        """`entry` changed: lay out its first piece again (a streamed reply has one; a loaded
        one changes only in its header), or all of them if their number changed."""
        index = self.index_of(entry)
        pieces = self._pieces_of(index)
        if len(pieces) != entry.pieces():
            for other, kept in self._cut(index):
                self._append(other, None if other is entry else kept)
            self._restack(pieces.start)
            return
        self.dirty.add(pieces.start)
        if self._rows[pieces.start] is None and self.width:
            self._heights[pieces.start] = entry.estimate_piece(0, self.width)
            self._restack(pieces.start)

    def index_of(self, entry: Entry) -> int:
        """Position of `entry`; ValueError if it is not here."""
        index = entry.index
        if not 0 <= index < len(self.entries) or self.entries[index] is not entry:
            raise ValueError("entry is not in this view")
        return index

    def remove(self, entry: Entry) -> int:
        """Take `entry` out; returns where it was."""
        index = self.index_of(entry)
        self.put_back(self.take(index)[1:])
        entry.index = -1
        return index

    def take(self, index: int) -> list[tuple[Entry, list[_Piece]]]:
        """Take out entries `index` and after, with their pieces as laid out, to `put_back`."""
        taken = self._cut(index)
        del self.entries[index:]
        return taken

    def put_back(self, taken: list[tuple[Entry, list[_Piece]]]) -> None:
        """Add entries `take`n out, their pieces laid out as they were, after the last one."""
        index = len(self.entries)
        for entry, kept in taken:
            entry.index = len(self.entries)
            self.entries.append(entry)
            self._append(entry, kept)
        self._restack(self._first[index] if index < len(self._first) else len(self._owner))

    def clear(self) -> None:
        """Remove every entry."""
        for entry in self.entries:
            entry.index = -1
        columns = (self.entries, self._first, self._owner, self._rows, self._heights)
        for column in (*columns, self._starts, self.dirty):
            column.clear()
        self.total = 0

    def restyled(self) -> None:
        """New styles (a theme): every piece is laid out again when seen, its height kept."""
        self.dirty = set(range(len(self._owner)))

    def _resize(self, width: int) -> None:
        """A new width: every piece is laid out again when seen; until then a guess of its
        height (what it had, rewrapped; or an estimate)."""
        for piece, rows in enumerate(self._rows):
            if rows is not None:
                self._heights[piece] = -(-len(rows) * self.width // width)
            elif not self.width:
                entry = self.entries[self._owner[piece]]
                self._heights[piece] = entry.estimate_piece(piece - self._first[entry.index], width)
            self._rows[piece] = None
        self.width = width
        self.dirty = set(range(len(self._owner)))
        self._restack(0)

    def _window(self, top: int, height: int, margin: int) -> range:
        """Pieces on rows `top - margin` to `top + height + margin`."""
        if not self._owner:
            return range(0)
        low = max(0, top - margin)
        high = min(self.total, top + height + margin) - 1
        first = self._piece_at(low) or 0
        last = self._piece_at(high)
        return range(first, len(self._owner) if last is None else last + 1)

    def needs_layout(self, view: tuple[int, int, bool]) -> str | None:
        """What is not laid out: "view" (a piece on screen), "margin" (one near it) or None.
        `view` is as for `layout`."""
        if not self.dirty:
            return None
        top, height, pinned = view
        top = max(0, self.total - height) if pinned else top
        if any(piece in self.dirty for piece in self._window(top, height, 0)):
            return "view"
        window = self._window(top, height, height * MARGIN_SCREENS)
        return "margin" if any(piece in self.dirty for piece in window) else None

    def near_gap(self, view: tuple[int, int, bool]) -> bool:
        """A `GapEntry` is first and `view` (as for `layout`) within a margin of it."""
        if not self.entries or not isinstance(self.entries[0], GapEntry):
            return False
        top, height, pinned = view
        top = max(0, self.total - height) if pinned else top
        return self.start(1) > top - height * MARGIN_SCREENS

    def layout(
        self, width: int, styles: EntryStyles, view: tuple[int, int, bool], budget: float
    ) -> tuple[int | None, int]:
        """Lay out dirty pieces: every one in `view` (top row, height, pinned to the bottom);
        if none was, others in the margin nearest first for about `budget` seconds. Returns
        the first entry laid out (None if none) and the top row that keeps the top piece
        where it was."""
        top, height, pinned = view
        anchor = self._piece_at(top)  # the piece at the top stays there (unless pinned)
        offset = 0 if anchor is None else top - self._starts[anchor]
        if width != self.width:
            self._resize(width)
        first = len(self.entries)
        began = perf_counter()
        while self.dirty:
            if not pinned and anchor is not None:
                top = self._starts[anchor] + min(offset, self._heights[anchor])
            low = max(0, self.total - height) if pinned else top
            shown = self._window(low, height, 0)
            piece = next((p for p in shown if p in self.dirty), None)
            if piece is None:
                if perf_counter() - began > budget:
                    break
                near = self._window(low, height, height * MARGIN_SCREENS)
                middle = (shown.start + shown.stop) / 2
                todo = sorted((p for p in near if p in self.dirty), key=lambda p: abs(p - middle))
                if not todo:
                    break
                piece = todo[0]
            owner = self._owner[piece]
            first = min(first, owner)
            self.dirty.discard(piece)
            entry = self.entries[owner]
            rows = entry.render_piece(piece - self._first[owner], width, styles)
            self._rows[piece] = rows
            self._heights[piece] = len(rows)
            self.pieces_laid_out += 1
            self._restack(piece)
        return (first if first < len(self.entries) else None), top

    def _restack(self, first: int) -> None:
        starts, heights, firsts = self._starts, self._heights, self._first
        owner = self._owner
        for piece in range(first, len(starts)):
            if piece == 0:
                starts[0] = 0
                continue
            gap = 1 if firsts[owner[piece]] == piece else 0  # a blank row between entries
            starts[piece] = starts[piece - 1] + heights[piece - 1] + gap
        self.total = starts[-1] + heights[-1] if starts else 0

    def blank_in(self, top: int, height: int) -> bool:
        """Whether rows `top` to `top + height` show a piece not laid out at this width."""
        return any(self._rows[piece] is None for piece in self._window(top, height, 0))

    def start(self, index: int) -> int:
        """First row of entry `index`, or `total` past the last entry."""
        return self._starts[self._first[index]] if index < len(self._first) else self.total

    def _piece_at(self, row: int) -> int | None:
        if not 0 <= row < self.total:
            return None
        return bisect_right(self._starts, row) - 1

    def entry_at(self, row: int) -> int | None:
        """Index of the entry on `row` (the blank row below an entry counts as its own)."""
        piece = self._piece_at(row)
        return None if piece is None else self._owner[piece]

    def row(self, row: int) -> tuple[int | None, Line | None]:
        """(entry index, its row) for `row`; the row is None for a blank row or none at all."""
        piece = self._piece_at(row)
        if piece is None:
            return None, None
        rows, local = self._rows[piece], row - self._starts[piece]
        index = self._owner[piece]
        return index, rows[local] if rows is not None and 0 <= local < len(rows) else None
