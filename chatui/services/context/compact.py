"""Compacting: the earlier part of a conversation summarised by a model, streamed like a reply,
and a new branch made of the summary, the turns kept, and the question. The original turns stay
in the tree (alt+left on the summary goes back to them), in search and in exports."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Sequence
from contextlib import aclosing
from dataclasses import replace
from typing import TYPE_CHECKING

from chatui.core import (
    Attachment,
    ChatError,
    ChatMessage,
    ChatRequest,
    GenerationOptions,
    MessageStatus,
    ModelRef,
    Role,
    TextDelta,
)
from chatui.providers import available_providers
from chatui.services.context.fitting import Conversation
from chatui.services.context.plan import window_start
from chatui.services.session.events import Compacted, ReplyEnded, ReplyStarted, SessionEvent
from chatui.services.session.turns import Turn, history, instructions

if TYPE_CHECKING:
    from chatui.services.session.chat import ChatSession

SUMMARY_MAX_TOKENS = 1024
SUMMARY_PREFIX = "Summary of the earlier conversation, written by {model}:\n\n"
INSTRUCTION = (
    "Summarise the conversation so far for the assistant who will continue it: the facts, "
    "decisions, names, numbers, code and open questions that later turns may need, in at most "
    "300 words. Write only the summary."
)


def candidates(session: ChatSession) -> list[ModelRef]:
    """The model in use, then every model of the available providers it could hand over to."""
    config = session.pool.config
    found = [session.model]
    for provider in available_providers(config):
        names = [*provider.models, *session.pool.served_models(provider.name)]
        found += [ModelRef(provider.name, name) for name in dict.fromkeys(names)]
    return list(dict.fromkeys(found))


def summary_request(
    session: ChatSession, model: ModelRef, earlier: Sequence[Turn], tokens: int = SUMMARY_MAX_TOKENS
) -> ChatRequest:
    """What `model` is asked: the earlier turns, then the instruction, with little room."""
    messages = (*history(list(earlier)), ChatMessage(Role.USER, INSTRUCTION))
    system = instructions(session.system, list(earlier))
    options = GenerationOptions(max_tokens=tokens)
    return ChatRequest(model.model, messages, system, options)


def compactor(session: ChatSession, keep_from: int) -> tuple[ModelRef, int] | None:
    """Who summarises the turns before `keep_from`, and from which turn it reads: the model in
    use when it can read them all, else the model with the biggest known window that can;
    when none can, the one that reads the most of them (the newest)."""
    earlier = session.turns[:keep_from]
    best: tuple[ModelRef, int] | None = None
    for model in candidates(session):
        fitting, caps = session.fitting, session.pool.capabilities(model)
        if caps.context is None:
            continue
        chat = Conversation(earlier, session.system, model, GenerationOptions(SUMMARY_MAX_TOKENS))
        limit = fitting.budget(chat, INSTRUCTION).limit
        system = instructions(session.system, list(earlier))
        start = None if limit is None else window_start(
            earlier, system, limit, fitting.counts(model), INSTRUCTION,
            scale=fitting.calibration(model).apply,
        )  # fmt: skip
        if start == 0 and model == session.model:
            return model, 0
        if start is not None and (best is None or start < best[1]):
            best = (model, start)
    return best


def keep_from(
    session: ChatSession, draft: str = "", attachments: Sequence[Attachment] = ()
) -> int | None:
    """The first of the newest turns that fit the model with the draft and a summary before
    them (None: not even the draft does, or the window is unknown)."""
    chat = session.conversation
    if draft == "" and chat.turns and chat.turns[-1].role is Role.ASSISTANT:
        chat = replace(chat, turns=chat.turns[:-1])  # asking again: the failed reply goes
    limit = session.fitting.budget(chat, draft, attachments).limit
    if limit is None:
        return None
    counts = session.fitting.counts(session.model)
    room = limit - summary_tokens(limit)
    scale = session.fitting.calibration(session.model).apply
    # an earlier summary (a system message of the branch) is summarised again: not counted
    start = window_start(chat.turns, session.system, room, counts, draft, attachments, scale)
    return start if start else None  # 0: nothing to summarise


def summary_tokens(limit: int) -> int:
    """The summary's room: at most SUMMARY_MAX_TOKENS, and a third of what the prompt may
    take (a 2k window keeps the rest for the turns kept and the question)."""
    return min(SUMMARY_MAX_TOKENS, limit // 3)


async def compact(
    session: ChatSession, keep: int, by: tuple[ModelRef, int], *, asking_again: bool = False
) -> AsyncGenerator[SessionEvent, None]:
    """Summarise the turns before `keep` with `by` (a model, the first turn it reads),
    streamed as a reply (its start, text and end); then the new branch (the summary, copies
    of the turns kept: without a failed last reply when `asking_again`) is the conversation's.
    A failed or stopped summary changes nothing."""
    model, reads_from = by
    earlier, kept = session.turns[reads_from:keep], session.turns[keep:]
    if asking_again and kept and kept[-1].role is Role.ASSISTANT:
        kept = kept[:-1]  # the failed reply is not carried over
    summary = Turn(Role.SYSTEM, "", provider=model.provider, model=model.model)
    yield ReplyStarted(summary)
    pieces: list[str] = []
    try:
        provider = session.pool.get(model.provider)
        limit = session.fitting.budget(session.conversation).limit
        tokens = summary_tokens(limit) if limit else SUMMARY_MAX_TOKENS
        request = summary_request(session, model, earlier, tokens)
        async with aclosing(provider.stream(request)) as events:
            async for event in events:
                if isinstance(event, TextDelta):
                    pieces.append(event.text)
                    yield event
    except ChatError as error:
        summary.status, summary.error = MessageStatus.ERROR, str(error)
        yield ReplyEnded(summary, error)
        return
    summary.content = SUMMARY_PREFIX.format(model=model) + "".join(pieces).strip()
    await _new_branch(session, summary, kept)
    yield ReplyEnded(summary)


async def compact_and_send(
    session: ChatSession,
    prompt: str | None,
    attachments: Sequence[Attachment],
    keep: int,
    by: tuple[ModelRef, int],
) -> AsyncGenerator[SessionEvent, None]:
    """`compact`, then `prompt` sent on the new branch (None: the last question asked
    again); nothing is sent when the summary failed or was stopped."""
    done = False
    async for event in compact(session, keep, by, asking_again=prompt is None):
        done = isinstance(event, ReplyEnded) and event.error is None
        yield event
    if not done:
        return
    answer = session.retry() if prompt is None else session.send(prompt, attachments)
    yield Compacted()  # the question is on the new branch already: drawn with it
    async for step in answer:
        yield step


async def compact_session(
    session: ChatSession, prompt: str, attachments: Sequence[Attachment] = ()
) -> AsyncGenerator[SessionEvent, None]:
    """Compact the session's conversation so that `prompt` fits after the summary (for the
    command line, which then sends it); raises the ChatError that stopped it."""
    keep = keep_from(session, prompt, attachments)
    by = compactor(session, keep) if keep else None
    if not keep or by is None:
        raise ChatError("no model with a known window can read enough of it to summarise")
    async for event in compact(session, keep, by):
        if isinstance(event, ReplyEnded) and event.error is not None:
            raise event.error
        yield event


async def _new_branch(session: ChatSession, summary: Turn, kept: Sequence[Turn]) -> None:
    """The summary as a first turn beside the conversation's first, then the turns kept,
    copied after it (without their token counts: those counted another prompt); saved."""
    branch: list[Turn] = []
    parent: Turn | None = None
    for turn in [summary, *kept]:
        copy = summary if turn is summary else replace(turn, id=None, usage=None, cost=None)
        copy.parent, copy.window = parent, None
        session.tree.add(copy)
        branch.append(copy)
        store, conversation = session.store, session.conversation_id
        if store is not None and conversation is not None:
            record = await session.recorder.call(
                store.add_message, conversation, copy.role.value, copy.content,
                parent_id=parent.id if parent else None, provider=copy.provider,
                model=copy.model, status=copy.status, reasoning=copy.reasoning,
                error=copy.error, attachments=copy.attachments,
            )  # fmt: skip
            copy.id = record.id if record else None
        parent = copy
    session.turns = branch
