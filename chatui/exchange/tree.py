"""An exported message tree turned into a Transcript: hidden nodes re-linked, times, the branch."""

from __future__ import annotations

import heapq
import math
import time
from dataclasses import dataclass, field
from typing import Any, TypeVar

from chatui.core import MessageStatus
from chatui.store.ids import id_at, id_for
from chatui.store.records import ConversationRecord, MessageRecord, Transcript

_T = TypeVar("_T")


def text_or(value: Any, default: _T) -> str | _T:
    """`value` if an export gave a non-empty string there, else `default`."""
    return value if isinstance(value, str) and value else default


class BrokenConversation(Exception):
    """One conversation of an export cannot be read; the text says what is wrong and where."""


@dataclass(slots=True)
class SourceMessage:
    """A node of an exported conversation, already read from its format.

    `role` None means it is not shown: its children are linked to the nearest shown ancestor,
    and its `reasoning` (e.g. ChatGPT's "thoughts") goes to the next assistant reply below it.
    """

    key: str
    parent: str | None
    role: str | None
    content: str = ""
    reasoning: str = ""
    model: str | None = None
    created_at: float | None = None


@dataclass(slots=True)
class SourceConversation:
    """An exported conversation: where it came from, its times and its message tree."""

    source_id: str  # stored as settings["imported_from"], e.g. "chatgpt:<id>"
    title: str
    provider: str
    default_model: str
    created_at: float | None
    updated_at: float | None
    messages: list[SourceMessage]
    current: str | None = None  # the node the export shows; None: the newest message
    #: ChatGPT: assistant messages in one chain (text, tool calls and their output, thoughts,
    #: generated images, canvas documents) are the parts of one reply. Claude: every message
    #: is a reply of its own.
    joins_reply_parts: bool = False


@dataclass(eq=False, slots=True)
class _Draft:
    id: str
    parent: _Draft | None
    role: str
    content: str
    reasoning: str
    model: str | None
    created_at: float
    updated_at: float
    children: list[_Draft] = field(default_factory=list)


def _join(*texts: str) -> str:
    return "\n\n".join(text for text in texts if text.strip())


def _start_time(source: SourceConversation) -> float:
    """The earliest time the export gives (messages copied by "Branch in new chat" predate
    their conversation), or now when it gives none."""
    known = [m.created_at for m in source.messages if m.created_at is not None]
    if source.created_at is not None:
        known.append(source.created_at)
    return min(known) if known else time.time()


def _children(source: SourceConversation) -> dict[str | None, list[SourceMessage]]:
    by_key: dict[str, SourceMessage] = {}
    for message in source.messages:
        if message.key in by_key:
            raise BrokenConversation(f"two messages have the id {message.key}")
        by_key[message.key] = message
    children: dict[str | None, list[SourceMessage]] = {}
    for message in source.messages:
        parent = message.parent if message.parent in by_key else None
        children.setdefault(parent, []).append(message)
    for kids in children.values():  # stable: siblings without a time keep the file's order
        kids.sort(key=lambda m: -math.inf if m.created_at is None else m.created_at)
    return children


def _walk(source: SourceConversation) -> tuple[list[_Draft], dict[str, _Draft | None]]:
    """Shown messages, parents before children; and the shown message each node ended in.

    A message keeps its own time; one without a time takes its parent's."""
    children = _children(source)
    drafts: list[_Draft] = []
    resolved: dict[str, _Draft | None] = {}
    # (node, nearest shown ancestor, reasoning waiting for a reply, whether the way down from
    # that ancestor is a single chain, the parent's time)
    start = _start_time(source)
    # Ids sort by the message's time; an export without any time gives them none (not the
    # time of this import), so that importing it again finds the same ids.
    timeless = source.created_at is None and all(m.created_at is None for m in source.messages)
    stack: list[tuple[SourceMessage, _Draft | None, str, bool, float]] = [
        (message, None, "", False, start) for message in reversed(children.get(None, []))
    ]
    while stack:
        node, shown, pending, chain, parent_time = stack.pop()
        if node.key in resolved:
            continue
        kids = children.get(node.key, [])
        moment = parent_time if node.created_at is None else node.created_at
        target = shown
        if node.role is None:
            pending = _join(pending, node.reasoning)
            chain = chain and len(kids) == 1
        elif node.role == "assistant" and shown is not None and shown.role == "assistant" and chain:
            # Parts of one reply (text, tool calls, images, canvas), as the export shows it.
            shown.content = _join(shown.content, node.content)
            shown.reasoning = _join(shown.reasoning, pending, node.reasoning)
            shown.model = node.model or shown.model
            shown.updated_at = max(shown.updated_at, moment)
        else:
            reasoning = _join(pending, node.reasoning) if node.role == "assistant" else ""
            message_id = id_for(0.0 if timeless else moment, f"{source.source_id}/{node.key}")
            target = _Draft(
                message_id, shown, node.role, node.content, reasoning,
                node.model or source.default_model, moment, moment,
            )  # fmt: skip
            if shown is not None:
                shown.children.append(target)
            drafts.append(target)
        if node.role is not None:
            pending = ""
            chain = source.joins_reply_parts and node.role == "assistant" and len(kids) == 1
        resolved[node.key] = target
        stack.extend((kid, target, pending, chain, moment) for kid in reversed(kids))
    if len(resolved) < len(source.messages):
        looped = next(m.key for m in source.messages if m.key not in resolved)
        raise BrokenConversation(f"message {looped} is its own ancestor (a loop of parents)")
    return drafts, resolved


def _stored_order(drafts: list[_Draft], current: _Draft | None) -> list[_Draft]:
    """Parents before children, otherwise oldest first, and the branch to open on last.

    chatui opens a conversation on the branch of its last message: that is the leaf below
    `current` (its newest descendants), or without one the newest leaf. Times stay as given."""
    rank = {draft: index for index, draft in enumerate(drafts)}

    def age(draft: _Draft) -> tuple[float, int]:
        return draft.created_at, rank[draft]

    if current is None:
        current = max((d for d in drafts if not d.children), key=age)
    while current.children:
        current = max(current.children, key=age)
    ready = [(d.created_at, rank[d], d) for d in drafts if d.parent is None]
    heapq.heapify(ready)
    ordered: list[_Draft] = []
    while ready:
        draft = heapq.heappop(ready)[2]
        if draft is not current:
            ordered.append(draft)
        for child in draft.children:
            heapq.heappush(ready, (child.created_at, rank[child], child))
    return [*ordered, current]


def _record(draft: _Draft, conversation_id: str, provider: str) -> MessageRecord:
    reply = draft.role == "assistant"
    return MessageRecord(
        id=draft.id,
        conversation_id=conversation_id,
        parent_id=draft.parent.id if draft.parent else None,
        role=draft.role,
        content=draft.content,
        reasoning=draft.reasoning,
        provider=provider if reply else None,
        model=draft.model if reply else None,
        status=MessageStatus.COMPLETE,
        error=None,
        input_tokens=None,
        output_tokens=None,
        cost=None,
        ttft=None,
        duration=None,
        created_at=draft.created_at,
        updated_at=draft.updated_at,
        writer_pid=None,
    )


def build_transcript(source: SourceConversation) -> Transcript | None:
    """The conversation as the store keeps it; None when nothing is shown.

    Messages keep their times and are listed in the order the store keeps them in. Their ids
    are made from the export's own (`id_for`): a later export of the conversation names the
    same messages with the same ids, so that only what is new in it is imported."""
    drafts, resolved = _walk(source)
    if not drafts:
        return None
    current = resolved.get(source.current) if source.current is not None else None
    started = min(_start_time(source), min(d.created_at for d in drafts))
    # Ids carry the original start time: they sort by it and differ early, so prefixes stay short.
    conversation_id = id_at(started)
    messages = tuple(
        _record(draft, conversation_id, source.provider) for draft in _stored_order(drafts, current)
    )
    latest = max(m.updated_at for m in messages)
    conversation = ConversationRecord(
        conversation_id,
        source.title,
        "",
        {"imported_from": source.source_id},
        started,
        max(latest, source.updated_at or latest),
    )
    return Transcript(conversation, messages)
