"""ConversationView: a line-based scrolling log of messages that keeps up with streamed replies."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from time import perf_counter
from typing import ClassVar, TypeVar

from rich.style import Style
from textual.events import Resize
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.timer import Timer

from chatui.ui.markdown_blocks import Line
from chatui.ui.render_entries import (
    AssistantEntry,
    Entry,
    EntryStyles,
    NoticeEntry,
    NoticeKind,
    ReplyStatus,
    StreamingPlain,
    UserEntry,
)

FRAME_SECONDS = 1 / 60
_STRIPS_KEPT = 4000  # cached row strips; a few screens' worth
_E = TypeVar("_E", bound=Entry)


class ConversationView(ScrollView, can_focus=True):
    """Draws every entry from cached rows; no child widgets, so cost doesn't grow with history.

    Appending to a reply only marks it dirty; at most once per frame the dirty entries are laid
    out again (for a streamed reply, only its open tail block is rendered anew) and the view
    follows the bottom unless the user has scrolled away (Textual's `anchor()`).
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "conversation-view--user",
        "conversation-view--assistant",
        "conversation-view--model",
        "conversation-view--status",
        "conversation-view--reasoning",
        "conversation-view--error",
        "conversation-view--warning",
        "conversation-view--info",
        "conversation-view--highlight",
    }

    DEFAULT_CSS = """
    ConversationView {
        overflow-x: hidden;
        overflow-y: scroll;
        background: $surface;
        & > .conversation-view--user { color: $accent; text-style: bold; }
        & > .conversation-view--assistant { color: $primary; text-style: bold; }
        & > .conversation-view--model { color: $text-muted; }
        & > .conversation-view--status { color: $warning; text-style: italic; }
        & > .conversation-view--reasoning { color: $text-muted; text-style: italic; }
        & > .conversation-view--error { color: $error; }
        & > .conversation-view--warning { color: $warning; }
        & > .conversation-view--info { color: $text-muted; }
        & > .conversation-view--highlight { background: $boost; }
    }
    """

    def __init__(
        self, *, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._entries: list[Entry] = []
        self._rows: list[list[Line]] = []  # per entry, at self._width; a gap row is not included
        self._starts: list[int] = []  # first row of each entry (after the gap row above it)
        self._total = 0
        self._width = 0
        self._dirty: set[int] = set()
        self._styles = EntryStyles()
        self._styles_stale = True  # re-read from CSS at the next layout
        self._highlight_style = Style()
        self._highlighted: int | None = None
        self._timer: Timer | None = None
        self._base_style: Style | None = None  # the widget's own style, under every row
        self._strips: dict[tuple[int, bool], tuple[Line, Strip]] = {}  # id(row) -> its strip
        self._strips_key: tuple[int, Style] | None = None  # (width, base style) of _strips
        self._painting: tuple[int, int, Style] | None = None  # _paint_state() during a paint
        self.frames = 0
        """How many times dirty entries were laid out (at most one per frame)."""
        self.layout_seconds = 0.0
        """Wall time spent laying out dirty entries."""

    # -- public API ---------------------------------------------------------------------------

    @property
    def entries(self) -> Sequence[Entry]:
        """The entries, oldest first."""
        return tuple(self._entries)

    def add_user(self, text: str) -> UserEntry:
        """Show a prompt the user sent (plain text)."""
        return self._add(UserEntry(text))

    def add_assistant(self, model_label: str, status: ReplyStatus = "streaming") -> AssistantEntry:
        """Start a reply from `model_label`; feed it with `append` and end it with `finish`."""
        return self._add(AssistantEntry(model_label, status))

    def add_notice(self, text: str, kind: NoticeKind = "info") -> NoticeEntry:
        """Show an error, warning or info line."""
        return self._add(NoticeEntry(text, kind))

    def append(self, entry: AssistantEntry, text: str) -> None:
        """Add streamed reply text. Cheap: the reply is laid out at most once per frame."""
        entry.body.append(text)
        self._mark_dirty(entry)

    def append_reasoning(self, entry: AssistantEntry, text: str) -> None:
        """Add streamed reasoning text, shown dim above the answer."""
        if entry.reasoning is None:
            entry.reasoning = StreamingPlain()
        entry.reasoning.append(text)
        self._mark_dirty(entry)

    def set_status(self, entry: AssistantEntry, status: ReplyStatus) -> None:
        """Change the status label in a reply's header."""
        entry.status = status
        self._mark_dirty(entry)

    def finish(self, entry: AssistantEntry, status: ReplyStatus | None = None) -> None:
        """End a reply: its text is final and it is laid out now rather than next frame.

        The status becomes `status` if given, else "complete" unless `set_status` set another.
        """
        entry.body.finish()
        if status is not None:
            entry.status = status
        elif entry.status == "streaming":
            entry.status = "complete"
        self._mark_dirty(entry)
        self._flush()

    def set_text(self, entry: UserEntry | NoticeEntry, text: str) -> None:
        """Replace the text of a user or notice entry."""
        entry.text = text
        self._mark_dirty(entry)

    def remove_entry(self, entry: Entry) -> None:
        """Take an entry out of the log."""
        index = self._index_of(entry)
        del self._entries[index], self._rows[index], self._starts[index]
        entry.index = -1
        for later, other in enumerate(self._entries[index:], index):
            other.index = later
        self._dirty = {i - (i > index) for i in self._dirty if i != index}
        if self._highlighted is not None and self._highlighted >= index:
            self._highlighted = None if self._highlighted == index else self._highlighted - 1
        self._restack(index)

    def clear(self) -> None:
        """Remove every entry."""
        for entry in self._entries:
            entry.index = -1
        self._entries.clear()
        self._rows.clear()
        self._starts.clear()
        self._dirty.clear()
        self._highlighted = None
        self._restack(0)

    def highlight(self, index: int | None) -> None:
        """Mark one entry (e.g. a selection cursor), or none."""
        self._highlighted = index
        self.refresh()

    @property
    def highlighted(self) -> int | None:
        """Index of the highlighted entry, if any."""
        return self._highlighted

    def scroll_to_entry(self, index: int, *, animate: bool = False) -> None:
        """Scroll so that entry `index` starts at the top of the view (as far as possible)."""
        self._flush()
        self.scroll_to(y=self._starts[index] - (index > 0), animate=animate)

    def entry_at(self, y: int) -> int | None:
        """Index of the entry drawn on row `y` of the view, if any."""
        row = round(self.scroll_y) + y
        if not self._entries or row < 0 or row >= self._total:
            return None
        return bisect_right(self._starts, row) - 1

    # -- layout -------------------------------------------------------------------------------

    def _add(self, entry: _E) -> _E:
        entry.index = len(self._entries)
        self._entries.append(entry)
        self._rows.append([])
        self._starts.append(self._total + (entry.index > 0))
        self._mark_dirty(entry)
        return entry

    def _index_of(self, entry: Entry) -> int:
        index = entry.index
        if not 0 <= index < len(self._entries) or self._entries[index] is not entry:
            raise ValueError("entry is not in this view")
        return index

    def _mark_dirty(self, entry: Entry) -> None:
        self._dirty.add(self._index_of(entry))
        if self._timer is not None:
            self._timer.resume()

    def on_mount(self) -> None:
        self._timer = self.set_interval(FRAME_SECONDS, self._flush, pause=not self._dirty)
        self.anchor()

    def on_resize(self, event: Resize) -> None:
        self._flush()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles_stale = True
        self._base_style = None
        if self._timer is not None:
            self._timer.resume()

    def _entry_styles(self) -> EntryStyles:
        """Styles from CSS; when they changed (e.g. a new theme) every entry is laid out again."""
        if self._styles_stale:
            self._styles_stale = False
            style = self.get_component_rich_style
            self._highlight_style = style("conversation-view--highlight", partial=True)
            self._strips.clear()
            styles = EntryStyles(
                user=style("conversation-view--user", partial=True),
                assistant=style("conversation-view--assistant", partial=True),
                model=style("conversation-view--model", partial=True),
                status=style("conversation-view--status", partial=True),
                reasoning=style("conversation-view--reasoning", partial=True),
                error=style("conversation-view--error", partial=True),
                warning=style("conversation-view--warning", partial=True),
                info=style("conversation-view--info", partial=True),
            )
            if styles != self._styles:
                self._styles = styles
                self._dirty.update(range(len(self._entries)))
        return self._styles

    def _flush(self) -> None:
        """Lay out dirty entries (all of them after a width change) and repaint what changed."""
        width = self.scrollable_content_region.width
        if width <= 0 or not self.is_mounted:
            return
        if width != self._width:
            self._width = width
            self._dirty.update(range(len(self._entries)))
        styles = self._entry_styles()
        if not self._dirty:
            if self._timer is not None:
                self._timer.pause()
            return
        began = perf_counter()
        first = min(self._dirty)
        for index in self._dirty:
            self._rows[index] = self._entries[index].render(width, styles)
        self._dirty.clear()
        self._restack(first)
        self.frames += 1
        self.layout_seconds += perf_counter() - began

    def _restack(self, first: int) -> None:
        """Recompute entry start rows from entry `first` on, the virtual size, and repaint."""
        starts, rows = self._starts, self._rows
        for index in range(first, len(starts)):
            starts[index] = (starts[index - 1] + len(rows[index - 1]) + 1) if index else 0
        self._total = starts[-1] + len(rows[-1]) if starts else 0
        top = (starts[first] - 1) if first < len(starts) else self._total
        self.virtual_size = Size(self._width, self._total)
        visible_top = round(self.scroll_y)
        self.refresh(Region(0, max(0, top - visible_top), self.size.width, self.size.height))

    # -- drawing ------------------------------------------------------------------------------

    def render_lines(self, crop: Region) -> list[Strip]:
        self._painting = self._paint_state()  # the same for every row of this paint
        try:
            return super().render_lines(crop)
        finally:
            self._painting = None

    def _paint_state(self) -> tuple[int, int, Style]:
        """(width, first visible row, base style) for drawing rows."""
        if self._base_style is None:
            self._base_style = self.rich_style
        width = self.scrollable_content_region.width
        if self._strips_key != (width, self._base_style):
            self._strips_key = (width, self._base_style)
            self._strips.clear()
        return width, round(self.scroll_y), self._base_style

    def render_line(self, y: int) -> Strip:
        width, top, base = self._painting or self._paint_state()
        row = top + y
        line: Line = []
        index = -1
        if 0 <= row < self._total:
            index = bisect_right(self._starts, row) - 1
            local = row - self._starts[index]
            rows = self._rows[index]
            if 0 <= local < len(rows):
                line = rows[local]
        highlighted = index == self._highlighted
        # Rows of finished blocks are the same list objects frame after frame: their strips are
        # reused (building a Strip is not free); only the rows of a reply's open tail are new.
        key = (id(line), highlighted)
        cached = self._strips.get(key)
        if cached is not None and cached[0] is line:
            return cached[1]
        strip = Strip(line)
        if highlighted:
            strip = strip.apply_style(self._highlight_style)
        strip = strip.crop_extend(0, width, base).apply_style(base)
        if len(self._strips) > _STRIPS_KEPT:
            self._strips.clear()
        self._strips[key] = (line, strip)
        return strip
