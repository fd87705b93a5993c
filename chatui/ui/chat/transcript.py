"""The transcript: the conversation view of one session, with its entries, selection and replies."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import TYPE_CHECKING, Literal

from textual.worker import Worker

from chatui.core import InternalError, MessageStatus, Role
from chatui.errorlog import internal_error
from chatui.services.session.turns import Turn
from chatui.ui.chat import messages as ui
from chatui.ui.chat.attachment_bar import chip_labels
from chatui.ui.chat.reply import SAVED_AS_NEW, ReplyRelay, turn_notices
from chatui.ui.conversation.entries import AssistantEntry, Entry, GapEntry
from chatui.ui.conversation.view import ConversationView

Severity = Literal["warning", "error"]

if TYPE_CHECKING:
    from chatui.services.session.chat import ChatSession
    from chatui.services.session.events import SessionEvent


class Transcript(ConversationView):
    """Shows `session`'s turns and owns which entry shows which turn, the selected message, the
    branch labels and the entry of the reply streaming now.

    The reply worker posts its messages here; a detached reply's messages (its conversation
    left the screen) are stopped here and change nothing. The others bubble on to the screen,
    which keeps the status bar."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.session: ChatSession | None = None
        self.entry_for: dict[Turn, Entry] = {}
        self.selected: int | None = None  # an index in `session.turns` (None: the newest)
        self.reply: ReplyRelay | None = None  # the reply streaming now, or the last one
        self.live: AssistantEntry | None = None  # the entry the streaming reply appends to
        self.unshown = 0  # the first turns, not shown yet: a gap above the others stands in
        #: where the newest reply's model started reading (earlier turns were not sent), and it
        self.window_mark: tuple[Turn, str] | None = None

    def show_session(self, session: ChatSession) -> Worker[None] | None:
        """Show `session` from now on (empty until `redraw`). A reply streaming in the one
        shown before stops (it is saved as stopped) and nothing more of it is shown; returns
        its worker while it saves."""
        reply, self.reply = self.reply, None
        stopping = reply.detach() if reply is not None else None
        self.session, self.selected, self.live = session, None, None
        self.clear()
        self.entry_for.clear()
        self.unshown = 0
        return stopping

    @property
    def streaming(self) -> bool:
        """A reply streams (or, stopped, is still being saved): no other can start."""
        return self.reply is not None and self.reply.running

    def stream(self, events: AsyncGenerator[SessionEvent, None]) -> None:
        """Show the reply that `events` bring as it streams, following it to the bottom."""
        self.unselect()
        self.follow()
        self.reply = ReplyRelay(self)
        self.reply.start(events)

    def redraw(self) -> None:
        """Show the session's current branch from scratch."""
        self.clear()
        self.entry_for.clear()
        self.unshown = 0
        self.window_mark = window_mark(self.session.turns if self.session else [])
        for turn in self.session.turns if self.session else []:
            self.show_turn(turn)
        self.lay_out_now()

    def show_earlier(self, shown: list[tuple[str | None, tuple[int, int]]]) -> None:
        """The session now holds its whole branch, of which those shown were the newest turns
        (`shown`: their ids and branch positions then): the others take their place above
        them, shown when the view comes near. (Drawn again instead if the newest turns are
        not those, e.g. a branch label changed.)"""
        session = self.session
        if session is None:
            return
        turns = session.turns
        head = len(turns) - len(shown)
        newest = [(turn.id, session.branch_position(turn)) for turn in turns[max(head, 0) :]]
        if head < 0 or newest != shown or len(self.entry_for) != len(shown):
            self.redraw()
            return
        self.entry_for = dict(zip(turns[head:], self.entry_for.values(), strict=True))
        if head:
            texts = [turn.content for turn in turns[:head]]
            lines = sum(text.count("\n") for text in texts)
            with self.adding_above():
                self.add_gap(GapEntry(head, sum(map(len, texts)), lines))
            self.unshown = head
            if self.selected is not None:
                self.selected += head

    def show_gap(self) -> None:
        """Show the turns the gap above stands for, in its place."""
        unshown, self.unshown = self.unshown, 0
        if self.session is None or not unshown:
            return
        with self.adding_above(replacing=1):
            for turn in self.session.turns[:unshown]:
                self.show_turn(turn)

    def branch_label(self, turn: Turn) -> str:
        position, count = self.session.branch_position(turn) if self.session else (1, 1)
        return f"  [{position}/{count}]" if count > 1 else ""

    def max_tokens(self) -> int | None:
        return self.session.options.max_tokens if self.session else None

    def show_turn(self, turn: Turn) -> None:
        """Add `turn`, with the notices that belong to it."""
        if turn.role is Role.SYSTEM:
            self.entry_for[turn] = self.add_system(turn.content + self.branch_label(turn))
            return
        if turn.role is Role.USER:
            if self.window_mark is not None and turn is self.window_mark[0]:
                self.add_notice(f"Earlier messages were not sent to {self.window_mark[1]}", "info")
            label, chips = self.branch_label(turn), chip_labels(turn.attachments)
            self.entry_for[turn] = self.add_user(turn.content + label, chips)
            return
        label = turn.model_label + self.branch_label(turn)
        status = MessageStatus(turn.status)  # a saved reply is complete unless it says why not
        status = MessageStatus.COMPLETE if status == MessageStatus.STREAMING else status
        entry = self.add_assistant(label, status, turn.content, turn.reasoning)
        self.entry_for[turn] = entry
        for text, kind in turn_notices(turn, self.max_tokens()):
            self.add_notice(text, kind)

    # selection

    def entry_of(self, index: int) -> Entry | None:
        """The entry showing `session.turns[index]`, if it is shown (turns in the gap above
        are shown first)."""
        if index < self.unshown:
            self.show_gap()
        turn = self.session.turns[index] if self.session else None
        entry = self.entry_for.get(turn) if turn else None
        return entry if entry is not None and entry.index >= 0 else None

    def selected_turn(self) -> tuple[int, Turn] | None:
        """The selected turn, or the newest, with its index."""
        turns = self.session.turns if self.session else []
        if not turns:
            return None
        index = self.selected if self.selected is not None else len(turns) - 1
        return index, turns[index]

    def select(self, index: int) -> None:
        """Select `session.turns[index]`: highlight its entry and scroll it to the top."""
        self.selected = index
        entry = self.entry_of(index)
        if entry is not None:
            self.highlight(entry.index)
            self.scroll_to_entry(entry.index)

    def unselect(self) -> bool:
        if self.selected is None:
            return False
        self.selected = None
        self.highlight(None)
        return True

    # the streaming reply: each handler acts only for a reply still attached

    def _attached(self, message: ui.ReplyMessage) -> bool:
        if message.reply.attached:
            return True
        message.stop()  # its conversation is gone: nothing of it goes further
        return False

    def on_reply_started(self, message: ui.ReplyStarted) -> None:
        if self._attached(message):
            turn = message.turn  # a reply, or a summary (not in the tree until it is done)
            summary = turn.role is Role.SYSTEM
            label = turn.model_label + ("" if summary else self.branch_label(turn))
            self.live = self.add_assistant(f"summary by {label}" if summary else label)
            self.entry_for[message.turn] = self.live

    def on_reply_text(self, message: ui.ReplyText) -> None:
        message.stop()
        if message.reply.attached and self.live is not None:
            self.append(self.live, message.text)

    def on_reply_reasoning(self, message: ui.ReplyReasoning) -> None:
        message.stop()
        if message.reply.attached and self.live is not None:
            self.append_reasoning(self.live, message.text)

    def on_branch_changed(self, message: ui.BranchChanged) -> None:
        if self._attached(message):
            self.redraw()

    def on_reply_ended(self, message: ui.ReplyEnded) -> None:
        if not self._attached(message):
            return
        self.end_reply(message.turn.status)
        for text, kind in turn_notices(message.turn, self.max_tokens()):
            if kind == "error" and message.error is not None and message.error.retryable:
                text += " — press ctrl+r to retry"
            self.add_notice(text, kind)
        window = message.turn.window
        if window is not None and (self.window_mark is None or window is not self.window_mark[0]):
            self.redraw()  # the mark goes where the model's view starts

    def end_reply(self, status: MessageStatus) -> None:
        """The streaming reply ended with `status`: its entry is complete."""
        if self.live is not None:
            if status != MessageStatus.COMPLETE:
                self.set_status(self.live, status)
            self.finish(self.live)
            self.live = None

    def on_reply_stopped(self, message: ui.ReplyStopped) -> None:
        if self._attached(message):
            self.end_reply(MessageStatus.STOPPED)

    def on_reply_crashed(self, message: ui.ReplyCrashed) -> None:
        if self._attached(message):
            self.end_reply(MessageStatus.ERROR)
            error = internal_error(message.error, "showing the reply")
            error.noting_saved("what arrived is shown; the saved copy may end earlier")
            self.add_notice(str(error), "error")

    def on_save_failed(self, message: ui.SaveFailed) -> None:
        message.stop()
        error = message.error
        if isinstance(error, InternalError):  # a bug, said as such (its traceback is logged)
            self.tell(message.reply, str(error), "error")
        else:
            text = f"Not saved: {error.message}. The conversation continues unsaved."
            self.tell(message.reply, text)

    def on_saved_as_new(self, message: ui.SavedAsNew) -> None:
        message.stop()
        self.tell(message.reply, SAVED_AS_NEW)

    def tell(
        self, reply: ReplyRelay, text: str, kind: Literal["warning", "error"] = "warning"
    ) -> None:
        """A notice under the reply; if its conversation is gone, a toast: it must be said."""
        if reply.attached:
            self.add_notice(text, kind)
        else:
            self.notify(text, severity=kind)


def window_mark(turns: list[Turn]) -> tuple[Turn, str] | None:
    """The first turn the newest reply was sent (when not the first), and its model."""
    reply = next((turn for turn in reversed(turns) if turn.role is Role.ASSISTANT), None)
    if reply is None or reply.window is None:
        return None
    return reply.window, reply.model_label
