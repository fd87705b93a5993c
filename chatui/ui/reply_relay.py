"""Following one reply on the chat screen: the worker that relays session events as messages,
and what each message does to the view and the status bar."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import aclosing
from typing import TYPE_CHECKING, Any

from textual.timer import Timer
from textual.worker import Worker, WorkerState

from chatui.core import ReasoningDelta, TextDelta
from chatui.services import chat
from chatui.services.rescue import SavedAsNew
from chatui.services.turns import Turn
from chatui.ui import messages as ui
from chatui.ui.relay import TextBatcher

if TYPE_CHECKING:
    from chatui.ui.chat_screen import ChatScreen

STATUS_HZ = 4
EMPTY_REPLY = "The model sent an empty reply — press ctrl+r to retry, or ctrl+o for another model."
SAVED_AS_NEW = (
    "This conversation was deleted elsewhere (another window or `chatui history delete`);"
    " it is saved again, with everything shown here, as a new conversation."
)


class ReplyRelay:
    """The streaming reply's entry and status timer; the screen's `on_reply_*` handlers call in."""

    def __init__(self, screen: ChatScreen) -> None:
        self.screen = screen
        self.entry: Any = None  # the view's entry of the reply streaming now
        self.status_timer: Timer | None = None

    async def run(self, events: AsyncGenerator[chat.SessionEvent, None]) -> None:
        """Relay the session's events to the screen as messages (runs in the reply worker)."""
        screen = self.screen
        if screen.session is not None:  # never import an SDK on the event loop
            await screen.warm(screen.session.model.provider)
        text = TextBatcher(lambda piece: screen.post_message(ui.ReplyText(piece)))
        thinking = TextBatcher(lambda piece: screen.post_message(ui.ReplyReasoning(piece)))
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
            self.screen.post_message(ui.ReplyStarted(event.turn))
        elif isinstance(event, chat.ReplyEnded):
            self.screen.post_message(ui.ReplyEnded(event.turn, event.error))
        elif isinstance(event, chat.NotSaved):
            self.screen.post_message(ui.SaveFailed(event.error))
        elif isinstance(event, SavedAsNew):
            self.screen.post_message(ui.SavedAsNew(event.conversation_id))

    def started(self, turn: Turn) -> None:
        screen = self.screen
        if screen.session is not None and turn.parent is not None:
            self.refresh_user_entry(turn.parent)
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
        view, session = self.screen.view, self.screen.session
        self.end(message.turn.status)
        if message.turn.empty:
            view.add_notice(EMPTY_REPLY, "warning")
        if message.turn.cut_short:
            limit = session.options.max_tokens if session else "max"
            view.add_notice(f"The reply reached the {limit}-token limit (max_tokens).")
        if message.error is not None:
            hint = " — press ctrl+r to retry" if message.error.retryable else ""
            view.add_notice(f"{message.error}{hint}", "error")

    def save_failed(self, message: ui.SaveFailed) -> None:
        text = f"Not saved: {message.error.message}. The conversation continues unsaved."
        self.screen.view.add_notice(text, "warning")

    def saved_as_new(self) -> None:
        self.screen.view.add_notice(SAVED_AS_NEW, "warning")

    def end(self, status: str) -> None:
        view, session = self.screen.view, self.screen.session
        if self.entry is not None:
            if status != "complete":
                view.set_status(self.entry, status)
            view.finish(self.entry)
            self.entry = None
        if self.status_timer is not None:
            self.status_timer.stop()
            self.status_timer = None
        if session is not None and session.stats is not None:
            self.screen.status.add_totals(session.stats)
        self.refresh_status()

    def refresh_status(self) -> None:
        screen = self.screen
        stats = screen.session.stats if screen.session else None
        screen.status.show(model=str(screen.model) if screen.model else None, stats=stats)

    def worker_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "reply":
            return
        if event.state == WorkerState.CANCELLED:
            self.end("stopped")
        elif event.state == WorkerState.ERROR:  # a bug, not a provider fault: show, don't die
            self.end("error")
            self.screen.view.add_notice(f"Internal error: {event.worker.error!r}", "error")

    def refresh_user_entry(self, turn: Turn) -> None:
        """Map a just-sent user turn to its entry (and show its branch label after an edit)."""
        screen = self.screen
        entries = [e for e in screen.view.entries if type(e).__name__ == "UserEntry"]
        if turn not in screen.entry_for and entries:
            screen.entry_for[turn] = entries[-1]
        label = screen.branch_label(turn)
        entry = screen.entry_for.get(turn)
        if label and entry is not None:
            screen.view.set_text(entry, turn.content + label)  # type: ignore[arg-type]
