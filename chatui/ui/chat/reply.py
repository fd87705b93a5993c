"""One reply's worker: it relays the session's events to the transcript as messages."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from contextlib import aclosing

from textual.widget import Widget
from textual.worker import Worker

from chatui.core import ReasoningDelta, TextDelta
from chatui.services.session import events as session
from chatui.services.session.rescue import SavedAsNew
from chatui.services.session.turns import Turn
from chatui.ui.chat import messages as ui
from chatui.ui.conversation.entries import NoticeKind
from chatui.ui.conversation.pacing import TextBatcher

EMPTY_REPLY = "The model sent an empty reply — press ctrl+r to retry, or ctrl+o for another model."
SAVED_AS_NEW = (
    "This conversation was deleted elsewhere (another window or `chatui history delete`);"
    " it is saved again, with everything shown here, as a new conversation."
)


def turn_notices(turn: Turn, max_tokens: int | None = None) -> list[tuple[str, NoticeKind]]:
    """The notices shown under a reply: why it is empty, refused, filtered, cut short, or failed
    (they belong to the reply, so they come and go with it when the branch on screen changes)."""
    notices: list[tuple[str, NoticeKind]] = []
    note = turn.stop_note
    if turn.empty and note is None:
        notices.append((EMPTY_REPLY, "warning"))
    if note is not None:
        notices.append((note, "warning"))
    if turn.cut_short:
        limit = max_tokens or "max"
        notices.append((f"The reply reached the {limit}-token limit (max_tokens).", "info"))
    if turn.error:
        notices.append((turn.error, "error"))
    return notices


class ReplyRelay:
    """One reply: its worker, which posts each thing that happens to the transcript (the
    widget that owns the reply's entry), naming this relay.

    Leaving the reply's conversation `detach`es the relay: the reply stops (and is saved as
    stopped) and the messages still on their way change nothing."""

    def __init__(self, transcript: Widget) -> None:
        self.transcript = transcript
        self.worker: Worker[None] | None = None
        self.attached = True

    def start(self, events: AsyncGenerator[session.SessionEvent, None]) -> None:
        """Stream the reply in a worker; `stop` (Esc) cancels it."""
        self.worker = self.transcript.run_worker(
            self.run(events), group="reply", exit_on_error=False
        )

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
        """The reply's conversation leaves the screen: stop the reply, show nothing more of it.
        Returns the worker if it still has to finish (saving the reply)."""
        self.stop()
        self.attached = False
        return self.worker if self.running else None

    async def run(self, events: AsyncGenerator[session.SessionEvent, None]) -> None:
        """Post the session's events to the transcript (runs in the reply worker)."""
        post = self.transcript.post_message
        text = TextBatcher(lambda piece: post(ui.ReplyText(self, piece)))
        thinking = TextBatcher(lambda piece: post(ui.ReplyReasoning(self, piece)))
        try:
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
                            message = self.message(event)
                            if message is not None:
                                post(message)
                finally:  # stopped or failed: what arrived is still shown
                    thinking.flush()
                    text.flush()
        except asyncio.CancelledError:  # saved as stopped by now (closing the stream did it)
            post(ui.ReplyStopped(self))
            raise
        except Exception as exc:  # a bug, not a provider fault: shown, not fatal
            post(ui.ReplyCrashed(self, exc))
            raise

    def message(self, event: session.SessionEvent) -> ui.ReplyMessage | None:
        """The message for a session event other than streamed text (None: not shown)."""
        if isinstance(event, session.ReplyStarted):
            return ui.ReplyStarted(self, event.turn)
        if isinstance(event, session.ReplyEnded):
            return ui.ReplyEnded(self, event.turn, event.error)
        if isinstance(event, session.NotSaved):
            return ui.SaveFailed(self, event.error)
        if isinstance(event, SavedAsNew):
            return ui.SavedAsNew(self, event.conversation_id)
        if isinstance(event, session.Compacted):
            return ui.BranchChanged(self)
        return None
