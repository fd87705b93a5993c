"""ConversationView: a line-based scrolling log of messages that keeps up with streamed replies."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from time import perf_counter
from typing import ClassVar, TypeVar

from rich.style import Style
from textual.events import Resize
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from chatui.core import MessageStatus
from chatui.ui.conversation.entries import (
    AssistantEntry,
    Entry,
    EntryStyles,
    GapEntry,
    NoticeEntry,
    NoticeKind,
    UserEntry,
)
from chatui.ui.conversation.layout import EntryLayout
from chatui.ui.conversation.pacing import FramePacer
from chatui.ui.conversation.selection import PARTS, VIEW_CSS, SelectionLook, entry_styles
from chatui.ui.conversation.strips import RowStrips
from chatui.ui.conversation.thinking_block import ThinkingBlock

MARGIN_SECONDS = 0.004  # per frame, laying out pieces near the view but out of it
_E = TypeVar("_E", bound=Entry)


class ConversationView(ScrollView, can_focus=True):
    """Draws every entry from cached rows; no child widgets, so cost doesn't grow with history.

    Appending to a reply only marks it dirty; at most once per frame (paced by what frames cost)
    dirty entries in view are laid out again (for a streamed reply, only its open tail block is
    rendered anew) and the view follows the bottom unless the user scrolled away (`anchor()`).
    Entries out of view (a loaded history, everything after a resize) are laid out only when
    the view comes near them: opening a long conversation costs what its last screen costs.
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {f"conversation-view--{part}" for part in PARTS}

    DEFAULT_CSS = VIEW_CSS

    def __init__(
        self, *, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._layout = EntryLayout()
        self._styles = EntryStyles()
        self._styles_stale = True  # re-read from CSS at the next layout
        self._selection: SelectionLook | None = None  # how the highlighted entry is drawn
        self._highlighted: int | None = None
        self._scheduled: set[bool] = set()  # layouts to come: True soon, False when paced
        self._following = True  # at the bottom, so new rows scroll into view
        self._base_style: Style | None = None  # the widget's own style, under every row
        self._strips = RowStrips()
        self._painting: tuple[int, int, Style] | None = None  # _paint_state() during a paint
        self.pacer = FramePacer()
        """How often entries are laid out, and what that costs."""
        self.thinking_open = False  # replies added from now on show their reasoning open

    @property
    def entries(self) -> Sequence[Entry]:
        """The entries, oldest first."""
        return tuple(self._layout.entries)

    @property
    def pending_layout(self) -> str | None:
        """ "view" while rows on screen wait to be laid out, "margin" while rows near it do."""
        return self._layout.needs_layout(self._view())

    @property
    def laid_out(self) -> bool:  # on screen and near it (further away counts estimates)
        return self.pending_layout is None

    @property
    def pieces_laid_out(self) -> int:  # entries, or sections of long ones, laid out so far
        return self._layout.pieces_laid_out

    def add_user(self, text: str, chips: tuple[str, ...] = ()) -> UserEntry:
        """Show a prompt the user sent (plain text), with chips for the files sent with it."""
        return self._add(UserEntry(text, chips))

    def add_system(self, text: str) -> UserEntry:
        """Show a saved conversation's system message (an instruction to the model)."""
        return self._add(UserEntry(text, speaker="system"))

    def add_assistant(
        self,
        model_label: str,
        status: MessageStatus = MessageStatus.STREAMING,
        text: str | None = None,
        reasoning: str = "",
    ) -> AssistantEntry:
        """Start a reply from `model_label`; feed it with `append` and end it with `finish`.
        Given its `text` (and `reasoning`), a finished reply (from the history), laid out
        only when seen."""
        entry = AssistantEntry(model_label, status, self.thinking_open, text)
        if reasoning:
            entry.reasoning = ThinkingBlock()
            entry.reasoning.append(reasoning)
        return self._add(entry)

    def add_notice(self, text: str, kind: NoticeKind = "info") -> NoticeEntry:
        """Show an error, warning or info line."""
        return self._add(NoticeEntry(text, kind))

    def add_gap(self, gap: GapEntry) -> GapEntry:
        """Stand in for messages shown later (see `show_gap`); only ever the first entry."""
        return self._add(gap)

    def append(self, entry: AssistantEntry, text: str) -> None:
        """Add streamed reply text. Cheap: the reply is laid out at most once per frame."""
        entry.append(text)
        self._mark_dirty(entry)

    def append_reasoning(self, entry: AssistantEntry, text: str) -> None:
        """Add streamed reasoning text, a collapsible block above the answer."""
        if entry.reasoning is None:
            entry.reasoning = ThinkingBlock()
        entry.reasoning.append(text)
        self._mark_dirty(entry)

    def set_status(self, entry: AssistantEntry, status: MessageStatus) -> None:
        """Change the status label in a reply's header."""
        entry.status = status
        self._mark_dirty(entry)

    def finish(self, entry: AssistantEntry, status: MessageStatus | None = None) -> None:
        """End a reply: its text is final; it is laid out at once, not at the paced frame.

        The status becomes `status` if given, else "complete" unless `set_status` set another.
        """
        entry.finish()
        if status is not None:
            entry.status = status
        elif entry.status == MessageStatus.STREAMING:
            entry.status = MessageStatus.COMPLETE
        self._mark_dirty(entry)
        self._schedule(urgent=True)

    def lay_out_now(self) -> None:
        """Lay out at the next frame, not at the paced one (e.g. entries just added)."""
        self._schedule(urgent=True)

    def set_thinking_open(self, entry: AssistantEntry, opened: bool) -> None:
        """Open or close a reply's reasoning block."""
        if entry.thinking_open != opened:
            entry.thinking_open = opened
            self._mark_dirty(entry)

    def remove_entry(self, entry: Entry) -> None:
        """Take an entry out of the log."""
        index = self._layout.remove(entry)
        if self._highlighted is not None and self._highlighted >= index:
            self._highlighted = None if self._highlighted == index else self._highlighted - 1
        self._changed(index)

    @contextmanager
    def adding_above(self, replacing: int = 0) -> Iterator[None]:
        """Entries added in this block go above those there already (the start of a long
        conversation, read after its end), in place of the first `replacing` of them; what is
        on screen stays still."""
        rows, top = self._layout.total, round(self.scroll_y)
        replaced = self._layout.start(replacing)  # in them, the view stays at the same row
        taken = self._layout.take(0)
        for entry, _ in taken[:replacing]:
            entry.index = -1
        try:
            yield
        finally:
            added = len(self._layout.entries) - replacing
            self._layout.put_back(taken[replacing:])
            if self._highlighted is not None:
                self._highlighted += added
            self._changed(0)
            if not self._following and top >= replaced:
                self.scroll_to(y=top + self._layout.total - rows, animate=False)

    def show_gap(self) -> None:
        """Show what the `GapEntry` at the top stands for (the view comes near it): a subclass
        that adds one does it, with `adding_above(replacing=1)`."""

    def clear(self) -> None:
        """Remove every entry; what comes next is followed."""
        self._layout.clear()
        self._highlighted = None
        self._changed(0)
        self.follow()

    def follow(self) -> None:
        """Scroll to the bottom and keep following new rows (until the user scrolls up)."""
        self._following = True
        if self.is_mounted:
            self.anchor()  # scrolling to an entry released it

    def highlight(self, index: int | None) -> None:
        """Mark one entry (e.g. a selection cursor), or none."""
        if index is not None and not 0 <= index < len(self._layout.entries):
            raise IndexError(index)
        self._highlighted = index
        self.refresh()

    @property
    def highlighted(self) -> int | None:  # the highlighted entry's index
        return self._highlighted

    def go(self, where: str) -> None:
        """Scroll to the "top", the "end" (and follow), or a page "up" or "down"."""
        page = self.scrollable_content_region.height
        if where == "top":
            self.scroll_home(animate=False)
        elif where == "end":
            self.follow()
        else:
            self.scroll_to(y=self.scroll_y + (page if where == "down" else -page), animate=False)

    def scroll_to_entry(self, index: int) -> None:
        """Scroll so that entry `index` starts at the top of the view (as far as possible)."""
        self._flush()  # entries just added count in the scrollable height
        self.scroll_to(y=self._layout.start(index), animate=False)
        self._flush()  # entries laid out above it keep it at the top

    def entry_at(self, y: int) -> int | None:
        """Index of the entry drawn on row `y` of the view, if any."""
        return self._layout.entry_at(round(self.scroll_y) + y)

    def _add(self, entry: _E) -> _E:
        self._layout.add(entry)
        self._schedule()
        return entry

    def _mark_dirty(self, entry: Entry) -> None:
        self._layout.mark_dirty(entry)
        self._schedule()

    def _schedule(self, urgent: bool = False) -> None:
        """Lay out at the next frame: once, and no sooner than the pace allows unless `urgent`."""
        if not self.is_mounted or True in self._scheduled or (self._scheduled and not urgent):
            return
        delay = 0.0 if urgent else self.pacer.next_frame - perf_counter()
        soon = delay <= 0.001
        self._scheduled.add(soon)
        if soon:
            self.call_later(self._on_frame, soon)
        else:
            self.set_timer(delay, lambda: self._on_frame(False), name="conversation-frame")

    def _on_frame(self, soon: bool) -> None:
        self._scheduled.discard(soon)
        self._flush()

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self._following = new_value >= self.max_scroll_y
        need = self._layout.needs_layout(self._view())
        if need is not None:  # rows coming into view (or near it) are not laid out yet
            self._schedule(urgent=need == "view")

    def on_mount(self) -> None:
        self.anchor()
        self._schedule()

    def on_resize(self, event: Resize) -> None:
        self._flush()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles_stale = True
        self._base_style = None
        self._schedule()

    def _entry_styles(self) -> EntryStyles:
        """Styles from CSS; when they changed (e.g. a new theme) every entry is laid out again."""
        if self._styles_stale:
            self._styles_stale = False
            self._selection = None
            self._strips.clear()
            styles = entry_styles(self.get_component_rich_style)
            if styles != self._styles:
                self._styles = styles
                self._layout.restyled()
        return self._styles

    def _flush(self) -> None:
        """Lay out dirty entries (all of them after a width change) and repaint what changed."""
        width = self.scrollable_content_region.width
        if width <= 0 or not self.is_mounted:
            return
        if self._layout.near_gap(self._view()):
            self.show_gap()
        began = perf_counter()
        view = self._view()
        first, new_top = self._layout.layout(width, self._entry_styles(), view, MARGIN_SECONDS)
        if first is not None:
            self._changed(first)
            if not view[2] and new_top != view[0]:  # rows above changed height: keep them still
                self.scroll_to(y=new_top, animate=False)
            self.pacer.laid_out(began, perf_counter() - began)
        if self._layout.needs_layout(self._view()) is not None:
            self._schedule()  # more to lay out, near the view

    def _view(self) -> tuple[int, int, bool]:
        """(top row, height, following the bottom), as the layout wants it."""
        return round(self.scroll_y), self.scrollable_content_region.height, self._following

    def _changed(self, first: int) -> None:
        """Rows from entry `first` on changed: new virtual size, repaint from there down."""
        self.virtual_size = Size(self._layout.width, self._layout.total)
        top = self._layout.start(first) - 1 - round(self.scroll_y)
        self.refresh(Region(0, max(0, top), self.size.width, self.size.height))

    # -- drawing ------------------------------------------------------------------------------

    def render_lines(self, crop: Region) -> list[Strip]:
        began = perf_counter()
        self._painting = self._paint_state()  # the same for every row of this paint
        try:
            return super().render_lines(crop)
        finally:
            self._painting = None
            self.pacer.painted(perf_counter() - began)

    def _paint_state(self) -> tuple[int, int, Style]:
        """(width, first visible row, base style) for drawing rows."""
        if self._base_style is None:
            self._base_style = self.rich_style
        return self.scrollable_content_region.width, round(self.scroll_y), self._base_style

    def _selection_look(self) -> SelectionLook:
        """The highlight's background blended over the view's (taken `partial`, a translucent
        colour would lose its alpha: light grey text on white)."""
        if self._selection is None:
            highlight = self.get_component_rich_style("conversation-view--highlight")
            base = self.rich_style
            assert highlight.bgcolor is not None and base.color is not None
            self._selection = SelectionLook(highlight.bgcolor, base.color, self.app.ansi_theme)
        return self._selection

    def render_line(self, y: int) -> Strip:
        width, top, base = self._painting or self._paint_state()
        index, row = self._layout.row(top + y)
        selected = row is not None and index == self._highlighted
        return self._strips.strip(row, width, base, self._selection_look() if selected else None)
