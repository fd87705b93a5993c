"""`chatui ask` on a conversation too long for the model: send the newest messages that fit,
compact the earlier ones first, or send nothing; said on stderr."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import replace

from chatui.core import Attachment, ChatError, ContextOverflow, Role
from chatui.services.context.compact import compact_session
from chatui.services.context.fitting import Conversation, Overflow
from chatui.services.session.chat import ChatSession
from chatui.services.session.events import ReplyStarted

#: seconds the model's server may take to say its window (its probe ends sooner: 3 x 2 s)
FETCH_TIMEOUT = 10.0


def say(text: str) -> None:
    print(f"chatui: {text}", file=sys.stderr)


def plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def policy_for(chosen: str | None, session: ChatSession) -> Overflow:
    """`--on-overflow`, else the conversation's own policy, else the config's; "ask" (nothing
    can be asked here) is "window"."""
    if chosen:
        return Overflow(chosen)
    return Overflow.WINDOW if session.on_overflow is Overflow.ASK else session.on_overflow


async def fetch_window(session: ChatSession) -> None:
    """A conversation continued on a model whose window nobody has said yet: ask its server
    (llama-server's `/props`, ...) as the TUI does when a model is picked, so the history
    is fitted before it is sent rather than after a rejection. Nothing is learned when the
    server can't say, fails or is late."""
    if not session.turns or session.fitting.capabilities(session.model).context is not None:
        return
    with suppress(ChatError, TimeoutError):
        provider = session.pool.get(session.model.provider)
        await asyncio.wait_for(provider.fetch_capabilities([session.model.model]), FETCH_TIMEOUT)


async def first_sent(
    session: ChatSession, policy: Overflow, prompt: str, attachments: Sequence[Attachment]
) -> int | None:
    """The index of the first turn sent with the prompt (0: all of them, as when the window
    is unknown); None when nothing is to be sent (said on stderr)."""
    budget = session.fitting.budget(session.conversation, prompt, attachments)
    # near the limit, the server counts where it can
    budget = await session.fitting.corrected(session.conversation, budget, prompt, attachments)
    if budget.fits:
        return 0
    total = len(session.turns) + 1
    if policy is Overflow.FAIL:
        say(
            f"the conversation ({plural(total, 'message')}, about {budget.used:,} tokens with the "
            f"question) does not fit {session.model}'s window of {budget.window or 0:,} tokens: "
            "not sent (--on-overflow window sends the newest messages that fit)"
        )
        return None
    if policy is Overflow.COMPACT and await compacted(session, prompt, attachments):
        if session.fitting.budget(session.conversation, prompt, attachments).fits:
            return 0
        total = len(session.turns) + 1
    return window_start(session, session.conversation, prompt, attachments, total)


async def compacted(session: ChatSession, prompt: str, attachments: Sequence[Attachment]) -> bool:
    """Compact the session's conversation (the summary goes into the history, not to stdout);
    False (said) when it failed."""
    before = len(session.turns)
    try:
        async for event in compact_session(session, prompt, attachments):
            if isinstance(event, ReplyStarted):
                say(f"compacting: {event.turn.model_label} summarises the earlier messages")
    except ChatError as exc:
        say(f"compacting failed ({exc}): sending the newest messages that fit instead")
        return False
    kept = len(session.turns) - 1
    say(f"compacted: {before - kept:,} earlier messages summarised, {kept:,} kept")
    return True


def window_start(
    session: ChatSession,
    chat: Conversation,
    prompt: str,
    attachments: Sequence[Attachment],
    total: int,
    why: str = "",
) -> int | None:
    """The first of the newest turns of `chat` that fit with the prompt, said on stderr with
    how many of the `total` messages go; None (said) when not even the question fits."""
    start = session.fitting.newest_that_fit(chat, prompt, attachments)
    budget = session.fitting.budget(chat, prompt, attachments)
    window = f"{session.model}'s window is {budget.window or budget.limit or 0:,} tokens"
    if start is None:
        say(f"{why}{window}: not even the question fits, nothing was sent")
        return None
    say(f"{why}sent the last {total - start} of {plural(total, 'message')}: {window}")
    return start


def retry_start(session: ChatSession, error: ContextOverflow) -> int | None:
    """After the server rejected the request as too long (its window learned when it named
    one): the first of the newest turns that fit, to ask again with; None when none do."""
    chat = session.conversation
    if chat.turns and chat.turns[-1].role is Role.ASSISTANT:
        chat = replace(chat, turns=chat.turns[:-1])  # the failed reply is not sent again
    if session.fitting.budget(chat).window is None:
        say(f"{error}")  # nothing says how much would fit
        return None
    why = f"{session.model} rejected the request as too long; "
    return window_start(session, chat, "", (), len(chat.turns), why)
