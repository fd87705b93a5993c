"""A conversation against its model's window: the budget of the next request, the newest
turns that fit, the request as sent (its reply's room clamped to the window), and what a
server's rejection taught about the window."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import partial

from chatui.core import (
    Attachment,
    Capabilities,
    ChatError,
    ChatMessage,
    ChatRequest,
    ContextOverflow,
    GenerationOptions,
    ModelRef,
    Role,
    Source,
)
from chatui.core.attachments import with_attachments
from chatui.services.context.budget import Budget, TurnCounts, measure, reply_reserve
from chatui.services.context.estimate import Calibration, Profile, profile_for, text_tokens
from chatui.services.context.exact import CountCache, counted, near_limit
from chatui.services.context.plan import window_start
from chatui.services.pool import ProviderPool
from chatui.services.session.turns import Turn, history, instructions


class Overflow(StrEnum):
    """What a send that won't fit does: ask the user, or send the newest turns that fit
    (`window`), or summarise the earlier part first (`compact`); `fail` (ask on the command
    line) says so and sends nothing."""

    ASK = "ask"
    WINDOW = "window"
    COMPACT = "compact"
    FAIL = "fail"


@dataclass(frozen=True, slots=True)
class Conversation:
    """What a request is made of: the branch's turns, the system prompt, the model, options."""

    turns: Sequence[Turn]
    system: str
    model: ModelRef
    options: GenerationOptions


class Fitting:
    """Counts and fits conversations for the models of a pool (estimates are kept per turn
    and per tokenizer family, so a keystroke re-counts only the draft)."""

    def __init__(self, pool: ProviderPool) -> None:
        self.pool = pool
        self._counts: dict[Profile, TurnCounts] = {}
        self.calibrations: dict[ModelRef, Calibration] = {}
        self.exact_counts = CountCache()  # the servers' counts of requests, by request

    def capabilities(self, model: ModelRef) -> Capabilities:
        return self.pool.capabilities(model)

    def counts(self, model: ModelRef) -> TurnCounts:
        provider = self.pool.config.providers.get(model.provider)
        kind = provider.kind if provider is not None else ""
        profile = profile_for(kind, model.model)
        if profile not in self._counts:
            self._counts[profile] = TurnCounts(partial(text_tokens, profile=profile))
        return self._counts[profile]

    def budget(
        self,
        chat: Conversation,
        draft: str = "",
        attachments: Sequence[Attachment] = (),
        start: int = 0,
    ) -> Budget:
        """The next request's budget: the turns from `start` on, then the draft."""
        caps = self.capabilities(chat.model)
        counts, scale = self.counts(chat.model), self.calibration(chat.model).apply
        system = self.system(chat, counts)
        turns = chat.turns[start:]
        return measure(
            turns, system, chat.model, caps, chat.options, counts, draft, attachments, scale
        )

    @staticmethod
    def system(chat: Conversation, counts: TurnCounts) -> str:
        """The system prompt sent: the conversation's and the branch's system messages."""
        turns = chat.turns
        return counts.keep("system", turns, chat.system, lambda: instructions(chat.system, turns))

    def calibration(self, model: ModelRef) -> Calibration:
        return self.calibrations.setdefault(model, Calibration())

    def calibrate(self, chat: Conversation, start: int, prompt_tokens: int) -> None:
        """A reply's usage came: the server's count of the request sent (the turns from
        `start` on, the reply excluded) corrects the model's later estimates."""
        self.calibration(chat.model).update(prompt_tokens, self._raw_estimate(chat, start))

    def _raw_estimate(
        self,
        chat: Conversation,
        start: int,
        draft: str = "",
        attachments: Sequence[Attachment] = (),
    ) -> int:
        """The estimate of the request's whole prompt, uncorrected (no calibration, no
        margin, no server's count): what a real count is compared with."""
        caps, counts = self.capabilities(chat.model), self.counts(chat.model)
        system, turns = self.system(chat, counts), chat.turns[start:]
        guess = measure(
            turns, system, chat.model, caps, chat.options, counts, draft, attachments, exact=False
        )
        return guess.used

    async def corrected(
        self,
        chat: Conversation,
        budget: Budget,
        draft: str = "",
        attachments: Sequence[Attachment] = (),
        start: int = 0,
    ) -> Budget:
        """`budget` (of the turns from `start` on, then the draft) counted by the model's
        server when its estimate is within 15% of the limit and the server can count
        (`estimated=False` then); else `budget` as it is. A new count also calibrates the
        model's later estimates. Awaits the server (2 s at most a request): call it from a
        task, never in a keystroke's handler."""
        if not near_limit(budget):
            return budget
        request = self.sendable(chat, draft, attachments, start)
        count, fresh = await counted(self.pool, chat.model, request, self.exact_counts)
        if count is None:
            return budget
        if fresh:
            raw = self._raw_estimate(chat, start, draft, attachments)
            self.calibration(chat.model).update(count, raw)
        return replace(budget, used=count, estimated=False)

    async def counted_budget(
        self,
        chat: Conversation,
        draft: str = "",
        attachments: Sequence[Attachment] = (),
        start: int = 0,
    ) -> Budget:
        """`budget(...)`, then `corrected`: exact where it matters and the server can count."""
        budget = self.budget(chat, draft, attachments, start)
        return await self.corrected(chat, budget, draft, attachments, start)

    def newest_that_fit(
        self, chat: Conversation, draft: str = "", attachments: Sequence[Attachment] = ()
    ) -> int | None:
        """The index of the first turn of the newest that fit with the draft (`len(turns)`:
        the draft alone); None when not even the draft (or the last question) fits, or the
        window is unknown."""
        budget = self.budget(chat, draft, attachments)
        if budget.limit is None:
            return None
        counts = self.counts(chat.model)
        system, scale = self.system(chat, counts), self.calibration(chat.model).apply
        return window_start(chat.turns, system, budget.limit, counts, draft, attachments, scale)

    def request(self, chat: Conversation, start: int = 0) -> ChatRequest:
        """The request for the turns from `start` on: the system prompt and the branch's system
        messages always go; the reply's room is clamped to the window."""
        caps = self.capabilities(chat.model)
        options = replace(chat.options, max_tokens=reply_reserve(chat.options, caps))
        system = instructions(chat.system, list(chat.turns))
        return ChatRequest(chat.model.model, history(list(chat.turns[start:])), system, options)

    def sendable(
        self,
        chat: Conversation,
        draft: str = "",
        attachments: Sequence[Attachment] = (),
        start: int = 0,
    ) -> ChatRequest:
        """`request(chat, start)` with the draft (and its files) as the newest user message:
        the request that sending it makes."""
        request = self.request(chat, start)
        text = with_attachments(draft, attachments)
        if not text:
            return request
        return replace(request, messages=(*request.messages, ChatMessage(Role.USER, text)))

    def learn(self, chat: Conversation, start: int, error: ContextOverflow) -> None:
        """A server rejected the request of `chat`'s turns from `start` on as too long: the
        window it named is used from now on, and the prompt's size it named corrects the
        model's estimates."""
        model = chat.model
        if error.prompt_tokens:
            self.calibrate(chat, start, error.prompt_tokens)
        if error.window:
            learned = Capabilities(context=error.window, source=Source.LEARNED)
            with suppress(ChatError):  # its provider can't be made: nothing to learn into
                self.pool.get(model.provider).learned[model.model] = learned
