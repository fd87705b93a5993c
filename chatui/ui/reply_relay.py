"""Following one reply on the chat screen: the worker that relays session events as messages,
and what each message does to the view and the status bar."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import aclosing
from typing import TYPE_CHECKING

from textual.timer import Timer
from textual.worker import Worker, WorkerState

from chatui.core import InternalError, ReasoningDelta, TextDelta
from chatui.errorlog import internal_error
from chatui.services import chat
from chatui.services.rescue import SavedAsNew
from chatui.services.turns import Turn
from chatui.ui import messages as ui
from chatui.ui.relay import TextBatcher
from chatui.ui.render_entries import AssistantEntry, NoticeKind

if TYPE_CHECKING:
    from chatui.ui.chat_screen import ChatScreen

STATUS_HZ = 4
EMPTY_REPLY = "The model sent an empty reply — press ctrl+r to retry, or ctrl+o for another model."
SAVED_AS_NEW = (
    "This conversation was deleted elsewhere (another window or `chatui history delete`);"
    " it is saved again, with everything shown here, as a new conversation."
)


def turn_notices(turn: Turn, max_tokens: int | None = None) -> list[tuple[str, NoticeKind]]:
    """The notices shown under a reply: why it is empty, cut short, or failed (they belong to
    the reply, so they come and go with it when the branch on screen changes)."""
    notices: list[tuple[str, NoticeKind]] = []
    if turn.empty:
        notices.append((EMPTY_REPLY, "warning"))
    if turn.cut_short:
        limit = max_tokens or "max"
        notices.append((f"The reply reached the {limit}-token limit (max_tokens).", "info"))
    if turn.error:
        notices.append((turn.error, "error"))
    return notices


class ReplyRelay:
    """One reply: its worker, its entry in the view and the status timer while it streams.

    The screen's `on_reply_*` handlers call the relay named in the message. When the screen
    leaves the reply's conversation it `detach`es the relay: the reply stops (and is saved as
    stopped) and the messages still on their way change nothing."""

    def __init__(self, screen: ChatScreen) -> None:
        self.screen = screen
        self.entry: AssistantEntry | None = None  # the view's entry of this reply
        self.status_timer: Timer | None = None
        self.worker: Worker[None] | None = None
        self.attached = True

    def start(self, events: AsyncGenerator[chat.SessionEvent, None]) -> None:
        """Stream the reply in a worker; `stop` (Esc) cancels it."""
        self.worker = self.screen.run_worker(self.run(events), group="reply", exit_on_error=False)

    @property
    def running(self) -> bool:
        """The reply streams, or is being saved after it was stopped."""
        return self.worker is not None and not self.worker.is_finished

    @property
    def stopping(self) -> bool:
        """Stopped (Esc), and still being saved."""
        return self.running and self.worker is not None and self.worker.is_cancelled

    def stop(self) -> None:
        """Cancel the reply (once: a second cancel would cut short saving it as stopped)."""
        if self.worker is not None and self.running and not self.worker.is_cancelled:
            self.worker.cancel()

    def detach(self) -> Worker[None] | None:
        """The screen leaves this reply's conversation: stop it, show nothing more of it.
        Returns the worker if it still has to finish (saving the reply)."""
        self.stop()
        self.attached = False
        self.entry = None
        self.stop_timer()
        return self.worker if self.running else None

    async def run(self, events: AsyncGenerator[chat.SessionEvent, None]) -> None:
        """Relay the session's events to the screen as messages (runs in the reply worker)."""
        post = self.screen.post_message
        text = TextBatcher(lambda piece: post(ui.ReplyText(self, piece)))
        thinking = TextBatcher(lambda piece: post(ui.ReplyReasoning(self, piece)))
        async with aclosing(events) as stream:
            try:
                async for event in stream:
                    if isinstance(event, TextDelta):
                        text.add(event.text)
                    elif isinstance(event, ReasoningDelta):
                        thinking.add(event.text)
                    else:
                        thinking.flush()
                        text.flush()
                        self.relay(event)
            finally:  # stopped or failed: what arrived is still shown
                thinking.flush()
                text.flush()

    def relay(self, event: chat.SessionEvent) -> None:
        """Post a message for a session event other than streamed text."""
        if isinstance(event, chat.ReplyStarted):
            self.screen.post_message(ui.ReplyStarted(self, event.turn))
        elif isinstance(event, chat.ReplyEnded):
            self.screen.post_message(ui.ReplyEnded(self, event.turn, event.error))
        elif isinstance(event, chat.NotSaved):
            self.screen.post_message(ui.SaveFailed(self, event.error))
        elif isinstance(event, SavedAsNew):
            self.screen.post_message(ui.SavedAsNew(self, event.conversation_id))

    def started(self, turn: Turn) -> None:
        if not self.attached:
            return
        screen = self.screen
        self.entry = screen.view.add_assistant(turn.model_label + screen.branch_label(turn))
        screen.entry_for[turn] = self.entry
        self.status_timer = screen.set_interval(1 / STATUS_HZ, self.refresh_status)
        self.refresh_status()

    def text(self, text: str) -> None:
        if self.entry is not None:
            self.screen.view.append(self.entry, text)

    def reasoning(self, text: str) -> None:
        if self.entry is not None:
            self.screen.view.append_reasoning(self.entry, text)

    def ended(self, message: ui.ReplyEnded) -> None:
        if not self.attached:
            return
        view, session = self.screen.view, self.screen.session
        self.end(message.turn.status)
        limit = session.options.max_tokens if session else None
        for text, kind in turn_notices(message.turn, limit):
            if kind == "error" and message.error is not None and message.error.retryable:
                text += " — press ctrl+r to retry"
            view.add_notice(text, kind)

    def save_failed(self, message: ui.SaveFailed) -> None:
        error = message.error
        bug = isinstance(error, InternalError)  # said as such (its traceback is logged)
        if bug:
            text = str(error)
        else:
            text = f"Not saved: {error.message}. The conversation continues unsaved."
        if self.attached:
            self.screen.view.add_notice(text, "error" if bug else "warning")
        else:  # its conversation is no longer on screen, but this must not go unsaid
            self.screen.notify(text, severity="error" if bug else "warning")

    def saved_as_new(self) -> None:
        if self.attached:
            self.screen.view.add_notice(SAVED_AS_NEW, "warning")
        else:
            self.screen.notify(SAVED_AS_NEW, severity="warning")

    def end(self, status: str) -> None:
        view, session = self.screen.view, self.screen.session
        if self.entry is not None:
            if status != "complete":
                view.set_status(self.entry, status)
            view.finish(self.entry)
            self.entry = None
        self.stop_timer()
        if session is not None and session.stats is not None:
            self.screen.status.add_totals(session.stats)
        self.refresh_status()

    def stop_timer(self) -> None:
        if self.status_timer is not None:
            self.status_timer.stop()
            self.status_timer = None

    def refresh_status(self) -> None:
        screen = self.screen
        stats = screen.session.stats if screen.session else None
        screen.status.show(model=str(screen.model) if screen.model else None, stats=stats)

    def worker_changed(self, event: Worker.StateChanged) -> None:
        if event.worker is not self.worker or not self.attached:
            return
        if event.state == WorkerState.CANCELLED:
            self.end("stopped")
        elif event.state == WorkerState.ERROR:  # a bug, not a provider fault: show, don't die
            self.end("error")
            error = internal_error(event.worker.error or RuntimeError(), "showing the reply")
            error.noting_saved("what arrived is shown; the saved copy may end earlier")
            self.screen.view.add_notice(str(error), "error")
