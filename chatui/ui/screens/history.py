"""The history browser: conversations newest first, full-text search as you type, and actions."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.style import Style
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Input
from textual.worker import WorkerCancelled, WorkerFailed

from chatui.core import StoreError
from chatui.services.history import ConversationSummary, SearchHit, one_line, title_line
from chatui.ui.chat.deletions import UNDO_HINT, quoted_title, undo_delete
from chatui.ui.exporting import export_here
from chatui.ui.footer import KeyFooter
from chatui.ui.keymap import ScreenKeys
from chatui.ui.screens.dialogs import Ask, Confirm
from chatui.ui.screens.row_list import Line, Row, RowList

if TYPE_CHECKING:
    from chatui.ui.app import ChatApp
    from chatui.ui.chat.screen import ChatScreen

PAGE = 40  # three screens of rows at 40 lines; more as the cursor nears the end
HITS = 25  # search results shown; more would only cost time per keystroke


@dataclass(frozen=True)
class Opened:
    """What the history screen returns: a conversation (and a message to show) or a new chat."""

    conversation_id: str | None
    message_id: str | None = None


def when(timestamp: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(timestamp))


# a row is bold throughout (as the Rich Text it used to be, bold from its title on)
BOLD, DIM, ITALIC, MATCH = (Style.parse(f"bold {s}") for s in ("", "dim", "italic", "reverse"))


def summary_row(summary: ConversationSummary) -> Row:
    details = [", ".join(summary.models) or "no replies", when(summary.updated_at)]
    details.append(f"{summary.message_count} message{'s' * (summary.message_count != 1)}")
    row: Row = (((title_line(summary.title), BOLD),), (("  " + " · ".join(details), DIM),))
    if summary.preview:
        row += ((("  " + one_line(summary.preview).strip(), ITALIC),),)
    return row


def hit_row(hit: SearchHit) -> Row:
    title: Line = ((title_line(hit.title), BOLD), (f"  {hit.role or 'title'}", DIM))
    snippet = [(one_line(text), MATCH if matched else BOLD) for text, matched in hit.segments()]
    return title, (("  ", DIM), *snippet)


class HistoryScreen(Screen[Opened | None]):
    """Type to search; Up/Down and Enter to open; F2 rename, ctrl+d delete, ctrl+z undo."""

    KEYS = ScreenKeys("History", 2, Input)

    BINDINGS = [
        Binding("enter", "open", "Open", id="history.open", priority=True),
        Binding("escape", "dismiss(None)", "Back", id="history.back"),
        Binding("down", "move(1)", "Next", show=False, id="history.down"),
        Binding("up", "move(-1)", "Previous", show=False, id="history.up"),
        Binding("pagedown", "move(10)", "Page down", show=False, id="history.page_down"),
        Binding("pageup", "move(-10)", "Page up", show=False, id="history.page_up"),
        Binding("f2", "rename", "Rename", id="history.rename"),
        Binding("ctrl+d", "delete", "Delete", id="history.delete", priority=True),
        Binding("ctrl+z", "undo", "Undo delete", id="history.undo", priority=True),
        Binding("ctrl+e", "export('md')", "Export .md", id="history.export_md", priority=True),
        Binding("ctrl+s", "export('json')", "Export .json", id="history.export_json"),
        Binding("ctrl+n", "new_chat", "New chat", id="history.new", priority=True),
    ]

    app: ChatApp

    def __init__(self, deleted: Callable[[str, str], None] | None = None) -> None:
        """`deleted(id, title)` is called after each conversation this screen deletes."""
        super().__init__()
        self.on_deleted = deleted
        self.rows: list[ConversationSummary | SearchHit] = []
        self.exhausted = False
        self.shown = False  # mounted: the screen is kept, and opens again at once
        self.stale = True  # the rows are from an earlier opening, until reloaded
        self.open_when_loaded = False  # Enter came while they were stale

    def compose(self) -> ComposeResult:
        yield Input(placeholder="Search conversations…", id="history-search")
        yield RowList(id="history-list")
        yield KeyFooter()

    @property
    def options(self) -> RowList:
        return self.query_one(RowList)

    def on_mount(self) -> None:
        self.shown = True
        self.query_one(Input).focus()
        self.reload("")
        self.call_after_refresh(gc.freeze)  # kept as long as the app: see ChatApp.on_mount

    def start_over(self) -> None:
        """About to be opened again (the screen is kept, so it shows at once): newest first,
        no search; the rows of the last opening answer no Enter until they are read again."""
        if not self.shown:
            return
        self.stale, self.open_when_loaded = True, False
        search = self.query_one(Input)
        search.focus()
        with search.prevent(Input.Changed):  # one reading, not two
            search.value = ""
        self.reload("")

    @on(Input.Changed, "#history-search")
    def _query_changed(self, event: Input.Changed) -> None:
        self.reload(event.value)

    @work(exclusive=True, group="history-query", exit_on_error=False)
    async def reload(self, query: str, keep: int | None = None) -> None:
        """Show the newest conversations, or the search hits for `query`."""
        await self.show(query, keep)

    async def refresh_rows(self) -> None:
        """Show the rows again after a change, the same row highlighted (unless a newer query
        replaces them first)."""
        worker = self.reload(self.query_one(Input).value, keep=self.options.highlighted)
        with contextlib.suppress(WorkerCancelled, WorkerFailed):
            await worker.wait()

    async def show(self, query: str, keep: int | None = None) -> None:
        history = self.app.history
        if history is None:
            self.show_rows([], "History is not available: the database could not be opened.")
            return
        rows: list[ConversationSummary | SearchHit]
        try:
            if query.strip():
                rows = [*await asyncio.to_thread(history.search, query, HITS)]
            else:
                rows = [*await asyncio.to_thread(history.page, PAGE, 0)]
        except StoreError as exc:
            self.show_rows([], str(exc))
            return
        self.exhausted = len(rows) < PAGE or bool(query.strip())
        self.show_rows(rows, "No matches." if query.strip() else "No saved conversations yet.")
        if keep is not None and self.rows:
            self.options.highlighted = min(keep, len(self.rows) - 1)
        self.stale = False
        if self.open_when_loaded:
            self.open_when_loaded = False
            self._open()

    def show_rows(self, rows: list[ConversationSummary | SearchHit], empty: str) -> None:
        self.rows = rows
        self.options.set_rows(
            [summary_row(r) if isinstance(r, ConversationSummary) else hit_row(r) for r in rows],
            notice=((empty, Style(dim=True)),),
        )

    @work(exclusive=True, group="history-more", exit_on_error=False)
    async def load_more(self) -> None:
        history = self.app.history
        if history is None or self.exhausted:
            return
        self.exhausted = True
        more = await asyncio.to_thread(history.page, PAGE, len(self.rows))
        self.exhausted = len(more) < PAGE
        self.rows.extend(more)
        self.options.add_rows([summary_row(r) for r in more])

    def current(self) -> ConversationSummary | SearchHit | None:
        index = self.options.highlighted
        return self.rows[index] if index is not None and index < len(self.rows) else None

    def current_id(self) -> str | None:
        row = self.current()
        if row is None:
            return None
        return row.id if isinstance(row, ConversationSummary) else row.conversation_id

    def action_move(self, step: int) -> None:
        options = self.options
        if not self.rows:
            return
        index = options.highlighted or 0
        options.highlighted = max(0, min(len(self.rows) - 1, index + step))
        if options.highlighted >= len(self.rows) - 5 and not self.query_one(Input).value:
            self.load_more()

    @on(Input.Submitted, "#history-search")
    def _open_highlighted(self) -> None:
        self._open()

    @on(RowList.Selected)
    def _open_selected(self) -> None:
        self._open()

    def _open(self) -> None:
        if self.app.screen is not self:  # a second Enter that arrived before it closed
            return
        if self.stale:  # the rows of the last opening: open once they are read again
            self.open_when_loaded = True
            return
        row = self.current()
        if isinstance(row, ConversationSummary):
            self.dismiss(Opened(row.id))
        elif isinstance(row, SearchHit):
            self.dismiss(Opened(row.conversation_id, row.message_id))

    def action_open(self) -> None:
        self._open()

    def action_new_chat(self) -> None:
        self.dismiss(Opened(None))

    def action_rename(self) -> None:
        conversation_id, row = self.current_id(), self.current()
        if conversation_id is None or row is None:
            return

        def renamed(title: str | None) -> None:
            if title is not None:
                self.run_worker(self._rename(conversation_id, title), exit_on_error=False)

        self.app.push_screen(Ask("Rename the conversation:", row.title), renamed)

    async def _rename(self, conversation_id: str, title: str) -> None:
        if (history := self.app.history) is None:
            return
        try:
            await asyncio.to_thread(history.rename, conversation_id, title)
        except StoreError as exc:
            self.notify(str(exc), severity="error")
        await self.refresh_rows()

    def action_delete(self) -> None:
        conversation_id, row = self.current_id(), self.current()
        if conversation_id is None or row is None or self.app.history is None:
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.run_worker(self._delete(conversation_id), exit_on_error=False)

        self.app.push_screen(Confirm(f"Delete {quoted_title(row.title)}?"), confirmed)

    async def _delete(self, conversation_id: str) -> None:
        if (history := self.app.history) is None:
            return
        try:
            deleted = await asyncio.to_thread(history.delete, conversation_id)
        except StoreError as exc:
            self.notify(str(exc), severity="error")
            return
        self.notify(f"Deleted {quoted_title(deleted.title)}. {UNDO_HINT}")
        await self.refresh_rows()
        if self.on_deleted is not None:
            self.on_deleted(conversation_id, deleted.title)

    @work(group="history-undo", exit_on_error=False)
    async def action_undo(self) -> None:
        if await undo_delete(self, self.app) is not None:
            await self.refresh_rows()

    def action_export(self, kind: str) -> None:
        if self.current_id() is not None:
            export_here(self, self.app.history, self.current_id(), kind)


def open_history(chat: ChatScreen) -> None:
    """Open the history over the chat screen (kept between openings: it opens again at once);
    the conversation chosen replaces the chat's, once a reply streaming there is saved."""
    app = chat.app

    async def opened(choice: Opened | None) -> None:
        if choice is None:
            chat.deletion.reopen_if_restored()
            return
        stopping = chat.new_session()
        if stopping is not None and choice.conversation_id is not None:
            with contextlib.suppress(WorkerCancelled, WorkerFailed):  # it may be the one opened:
                await stopping.wait()  # show its reply as saved
        if choice.conversation_id is not None:
            chat.resume(choice.conversation_id, choice.message_id)
        chat.prompt.focus()

    if not app.is_screen_installed("history"):
        app.install_screen(HistoryScreen(chat.deletion.deleted), "history")
    history = app.get_screen("history")
    assert isinstance(history, HistoryScreen)
    history.start_over()
    app.push_screen(history, opened)
