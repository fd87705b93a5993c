"""Conversation log entries (user, assistant, notice) and how each lays out into rows at a width."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from time import perf_counter
from typing import Literal

from rich.style import Style
from rich.text import Text

from chatui.core import MessageStatus
from chatui.core.text import inert
from chatui.ui.conversation.markdown_blocks import (
    Line,
    StreamingMarkdown,
    render_plain,
    render_to_lines,
)
from chatui.ui.conversation.thinking_block import ThinkingBlock

NoticeKind = Literal["error", "warning", "info"]
STATUS_LABELS: dict[MessageStatus, str] = {MessageStatus.STREAMING: "…", MessageStatus.COMPLETE: ""}
NOTICE_MARKS: dict[NoticeKind, str] = {"error": "✗ ", "warning": "! ", "info": "· "}
_BOLD, _DIM = Style(bold=True), Style(dim=True)


@dataclass(frozen=True)
class EntryStyles:
    """Rich styles for the parts of entries that are not Markdown (the view fills them from CSS)."""

    user: Style = _BOLD
    assistant: Style = _BOLD
    model: Style = _DIM
    status: Style = _DIM
    reasoning: Style = _DIM
    error: Style = _BOLD
    warning: Style = _BOLD
    info: Style = _DIM


def header_row(width: int, *parts: tuple[str, Style]) -> Line:
    """One row of labelled parts, cut with an ellipsis if it does not fit."""
    text = Text(no_wrap=True, overflow="ellipsis", end="")
    for part, style in parts:
        text.append(inert(part).replace("\n", " "), style)
    return render_to_lines(text, width)[0]


class Entry:
    """One item of the conversation log; the object callers keep to change it later."""

    def __init__(self) -> None:
        self.index = -1  # position in the view (kept up to date by it); -1 when not in one

    def render(self, width: int, styles: EntryStyles) -> list[Line]:
        """Every row of this entry at `width`."""
        raise NotImplementedError

    def estimate(self, width: int) -> int:
        """About how many rows `render` will give, without rendering."""
        raise NotImplementedError


class UserEntry(Entry):
    """A prompt the user sent: shown exactly as typed, never as Markdown or markup; the files
    sent with it as chips below (`chips`, e.g. "📎 notes.md 2.1 KB"). A saved conversation's
    system message is shown the same way under `speaker` "system"."""

    def __init__(self, text: str, chips: tuple[str, ...] = (), speaker: str = "you") -> None:
        super().__init__()
        self.text = text
        self.chips = chips
        self.speaker = speaker

    def render(self, width: int, styles: EntryStyles) -> list[Line]:
        rows = [header_row(width, (self.speaker, styles.user))]
        if self.text:
            rows += render_plain(self.text, width)
        if self.chips:
            rows += render_plain("  ".join(self.chips), width, styles.model)
        return rows

    def estimate(self, width: int) -> int:
        return 1 + estimate_rows(self.text, width) + estimate_rows("  ".join(self.chips), width)


class AssistantEntry(Entry):
    """A reply: header with model and status, a collapsible reasoning block, then Markdown."""

    def __init__(
        self,
        model_label: str,
        status: MessageStatus = MessageStatus.STREAMING,
        thinking_open: bool = False,
    ) -> None:
        super().__init__()
        self.model_label = model_label
        self.status: MessageStatus = status
        self.body = StreamingMarkdown()
        self.reasoning: ThinkingBlock | None = None
        self.thinking_open = thinking_open  # the reasoning block shows its text
        self.answered = False  # answer text arrived: the reasoning is complete

    @property
    def text(self) -> str:
        """The reply's Markdown text so far (inert)."""
        return self.body.text

    def header(self, width: int, styles: EntryStyles) -> Line:
        """The header row, e.g. "assistant · openai/gpt-4o  stopped"."""
        parts = [("assistant", styles.assistant)]
        if self.model_label:
            parts.append((f" · {self.model_label}", styles.model))
        label = STATUS_LABELS.get(self.status, self.status)
        if label:
            parts.append(
                (
                    f"  {label}",
                    styles.error if self.status == MessageStatus.ERROR else styles.status,
                )
            )
        return header_row(width, *parts)

    def render(self, width: int, styles: EntryStyles) -> list[Line]:
        rows = [self.header(width, styles)]
        if self.reasoning is not None:  # then a blank row before the answer
            live = self.status == MessageStatus.STREAMING and not self.answered
            opened = self.thinking_open
            rows += self.reasoning.rows(width, styles.reasoning, opened=opened, live=live)
            rows += render_plain("", width) if self.answered else []
        rows.extend(self.body.render_lines(width))
        return rows

    def estimate(self, width: int) -> int:
        thinking = 0 if self.reasoning is None else 2
        if self.reasoning is not None and self.thinking_open:
            thinking += estimate_rows(self.reasoning.text, width)
        return 1 + thinking + estimate_rows(self.text, width)


class NoticeEntry(Entry):
    """An error, warning or info line, e.g. "Rate limited: … — press ctrl+r to retry"."""

    def __init__(self, text: str, kind: NoticeKind = "info") -> None:
        super().__init__()
        self.text = text
        self.kind: NoticeKind = kind

    def render(self, width: int, styles: EntryStyles) -> list[Line]:
        style = {"error": styles.error, "warning": styles.warning, "info": styles.info}[self.kind]
        return render_plain(NOTICE_MARKS[self.kind] + self.text, width, style)

    def estimate(self, width: int) -> int:
        return estimate_rows(self.text, width)


class EntryLayout:
    """Entries stacked into rows at one width, a blank row between two.

    Start rows are prefix sums: finding the entry on a row is a bisection, and a growing last
    entry costs O(1). Entries are laid out lazily: those in view first, the rest within a time
    budget, nearest first; until then an entry counts an estimated height.
    """

    def __init__(self) -> None:
        self.entries: list[Entry] = []
        self._rows: list[list[Line] | None] = []  # per entry at self.width; None: not laid out
        self._heights: list[int] = []  # len(rows), or an estimate
        self._starts: list[int] = []  # first row of each entry (after the blank row above it)
        self.total = 0  # rows in all
        self.width = 0
        self.dirty: set[int] = set()  # indexes of entries to lay out (again)

    def add(self, entry: Entry) -> None:
        """Append `entry` (laid out by a later `layout`)."""
        entry.index = len(self.entries)
        self.entries.append(entry)
        self._rows.append(None)
        self._heights.append(entry.estimate(self.width) if self.width else 0)
        self._starts.append(0)
        self.dirty.add(entry.index)
        self._restack(entry.index)

    def mark_dirty(self, entry: Entry) -> None:
        """`entry` changed: lay it out again (until then, a fresh guess of its height)."""
        index = self.index_of(entry)
        self.dirty.add(index)
        if self._rows[index] is None and self.width:
            self._heights[index] = entry.estimate(self.width)
            self._restack(index)

    def index_of(self, entry: Entry) -> int:
        """Position of `entry`; ValueError if it is not here."""
        index = entry.index
        if not 0 <= index < len(self.entries) or self.entries[index] is not entry:
            raise ValueError("entry is not in this view")
        return index

    def remove(self, entry: Entry) -> int:
        """Take `entry` out; returns where it was."""
        index = self.index_of(entry)
        del self.entries[index], self._rows[index], self._heights[index], self._starts[index]
        entry.index = -1
        for later, other in enumerate(self.entries[index:], index):
            other.index = later
        self.dirty = {i - (i > index) for i in self.dirty if i != index}
        self._restack(index)
        return index

    def clear(self) -> None:
        """Remove every entry."""
        for entry in self.entries:
            entry.index = -1
        for column in (self.entries, self._rows, self._heights, self._starts, self.dirty):
            column.clear()
        self.total = 0

    def layout(
        self, width: int, styles: EntryStyles, view: tuple[int, int, bool], budget: float
    ) -> tuple[int | None, int]:
        """Lay out dirty entries: every one in `view` (top row, height, pinned to the bottom);
        if none was, others nearest first for about `budget` seconds. Returns the first index
        laid out (None if none) and the top row that keeps the top entry where it was."""
        top, height, pinned = view
        anchor = self.entry_at(top)  # the entry at the top stays there (unless pinned)
        offset = 0 if anchor is None else top - self._starts[anchor]
        if width != self.width:
            for index, rows in enumerate(self._rows):  # guesses, until laid out again
                if rows is not None:
                    self._heights[index] = -(-len(rows) * self.width // width)
                elif not self.width:
                    self._heights[index] = self.entries[index].estimate(width)
                self._rows[index] = None
            self.width = width
            self.dirty.update(range(len(self.entries)))
            self._restack(0)
        first = len(self.entries)
        began = perf_counter()
        while True:
            if not pinned and anchor is not None:
                top = self._starts[anchor] + min(offset, self._heights[anchor])
            low = max(0, self.total - height) if pinned else top
            last = self.entry_at(min(low + height, self.total) - 1)
            shown = range(self.entry_at(low) or 0, len(self.entries) if last is None else last + 1)
            todo = sorted(self.dirty, key=lambda i: max(shown.start - i, i - shown.stop + 1, 0))
            if not todo:
                break
            index = todo[0]
            if index in shown:
                budget = 0.0  # out of view waits for frames with nothing to do in view
            elif perf_counter() - began > budget:
                break
            first = min(first, index)
            self.dirty.discard(index)
            self._rows[index] = rows = self.entries[index].render(width, styles)
            self._heights[index] = len(rows)
            self._restack(index)
        return (first if first < len(self.entries) else None), top

    def _restack(self, first: int) -> None:
        starts, heights = self._starts, self._heights
        for index in range(first, len(starts)):
            starts[index] = (starts[index - 1] + heights[index - 1] + 1) if index else 0
        self.total = starts[-1] + heights[-1] if starts else 0

    def blank_in(self, top: int, height: int) -> bool:
        """Whether rows `top` to `top + height` show an entry not laid out at this width."""
        low, high = self.entry_at(max(0, top)), self.entry_at(min(top + height, self.total) - 1)
        if low is None or high is None:
            return False
        return any(self._rows[index] is None for index in range(low, high + 1))

    def start(self, index: int) -> int:
        """First row of entry `index`, or `total` past the last entry."""
        return self._starts[index] if index < len(self._starts) else self.total

    def entry_at(self, row: int) -> int | None:
        """Index of the entry on `row` (the blank row below an entry counts as its own)."""
        if not 0 <= row < self.total:
            return None
        return bisect_right(self._starts, row) - 1

    def row(self, row: int) -> tuple[int | None, Line | None]:
        """(entry index, its row) for `row`; the row is None for a blank row or none at all."""
        index = self.entry_at(row)
        if index is None:
            return None, None
        rows, local = self._rows[index], row - self._starts[index]
        return index, rows[local] if rows is not None and 0 <= local < len(rows) else None


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


def estimate_rows(text: str, width: int) -> int:
    """About how many rows `text` takes at `width`."""
    return sum(1 + len(line) // max(1, width) for line in text.split("\n")) if text else 0
