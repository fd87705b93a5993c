"""Before a message goes: whether it fits the model's window, and when it doesn't, the choice
(send what fits, compact, another model) and what follows it. A server that rejects a request
as too long (the estimate was wrong, or the window unknown) leads to the same choice."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from chatui.core import Attachment, ContextOverflow, ModelRef, Role
from chatui.services.context.budget import Budget
from chatui.services.context.compact import compact_and_send, compactor, keep_from
from chatui.services.context.exact import near_limit
from chatui.services.context.fitting import Overflow
from chatui.ui.context.overflow_choice import PICK, OverflowChoice, Situation

if TYPE_CHECKING:
    from chatui.services.session.chat import ChatSession
    from chatui.ui.chat.screen import ChatScreen


class SendCheck:
    """The chat screen's side of fitting: it sends, or asks first."""

    def __init__(self, screen: ChatScreen) -> None:
        self.screen = screen

    @property
    def session(self) -> ChatSession:
        session = self.screen.session
        assert session is not None
        return session

    def submit(self, text: str) -> None:
        """Send `text` (with the files attached) when it fits, or the conversation sends what
        fits; else ask, the prompt and its files kept until the choice. An estimate near the
        limit is counted by the model's server first, where it can count (in a worker)."""
        files = tuple(self.screen.attachments.files)
        session = self.session
        budget = session.fitting.budget(session.conversation, text, files)
        if near_limit(budget):
            self.screen.run_worker(
                self._counted(text, files, budget), group="send-check", exclusive=True
            )
            return
        self._decide(text, files, budget.fits)

    async def _counted(self, text: str, files: tuple[Attachment, ...], budget: Budget) -> None:
        counted = await self.session.fitting.corrected(
            self.session.conversation, budget, text, files
        )
        if self.screen.prompt.text == text:  # (else it was edited meanwhile: Enter again)
            self._decide(text, files, counted.fits)

    def _decide(self, text: str, files: tuple[Attachment, ...], fits: bool) -> None:
        session = self.session
        start = 0 if fits else None
        if start is None and session.on_overflow is Overflow.WINDOW:
            start = session.fitting.newest_that_fit(session.conversation, text, files)
        if start is not None:
            self._send_prompt(text, start)
        else:
            self._ask(text, retry=False)

    def _send_prompt(self, text: str, start: int) -> None:
        self.screen.prompt.remember(text, sent=True)
        self.screen.prompt.clear()
        self.screen.send(text, start)

    def rejected(self, error: ContextOverflow) -> None:
        """The server said the last request was too long: the same choice, for asking again."""
        self._ask("", retry=True)  # (the error is on the failed reply, in the log)

    def _ask(self, text: str, *, retry: bool) -> None:
        session = self.session
        files = () if retry else tuple(self.screen.attachments.files)
        chat = session.conversation
        if retry and chat.turns and chat.turns[-1].role is Role.ASSISTANT:
            chat = replace(chat, turns=chat.turns[:-1])  # asked again, the failed reply goes
        budget = session.fitting.budget(chat, text, files)
        start = session.fitting.newest_that_fit(chat, text, files)
        total = len(chat.turns) + (0 if retry else 1)
        fitting = None if start is None else total - start
        keep = keep_from(session, text, files)
        by = compactor(session, keep) if keep else None
        situation = Situation(session.model, budget, fitting, total, by[0] if by else None)

        def chosen(choice: str | None) -> None:
            if choice == Overflow.WINDOW and start is not None:
                session.on_overflow = Overflow.WINDOW  # and from now on in this conversation
                self._go(text, start, retry)
            elif choice == Overflow.COMPACT and keep and by:
                self._compact(text, keep, by, retry)
            elif choice == PICK:
                self.screen.models.pick(need=budget.used, then=lambda _: self._again(text, retry))

        self.screen.app.push_screen(OverflowChoice(situation), chosen)

    def _again(self, text: str, retry: bool) -> None:
        """After another model was picked: check again (it may not fit that one either)."""
        start = self.session.start_for(text, () if retry else self.screen.attachments.files)
        if start is None:
            self._ask(text, retry=retry)
        else:
            self._go(text, start, retry)

    def _compact(self, text: str, keep: int, by: tuple[ModelRef, int], retry: bool) -> None:
        """Summarise the turns before `keep`, then send (or ask again) on the new branch."""
        if retry:
            self.screen.run_reply(compact_and_send(self.session, None, (), keep, by))
            return
        self.screen.prompt.remember(text, sent=True)
        self.screen.prompt.clear()
        files = self.screen.attacher.take()
        self.screen.run_reply(compact_and_send(self.session, text, files, keep, by))

    def _go(self, text: str, start: int, retry: bool) -> None:
        if retry:
            self.screen.run_reply(self.session.retry(start), redraw=True)
        else:
            self._send_prompt(text, start)
