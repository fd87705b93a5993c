"""Saving an open conversation again, as a new one, when it was deleted elsewhere while open."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from chatui.core import MessageStatus, StoreError
from chatui.services.session.branches import MessageTree
from chatui.services.session.turns import Turn
from chatui.store.ids import new_id
from chatui.store.records import ConversationRecord, MessageRecord, Transcript

if TYPE_CHECKING:
    from chatui.services.session.chat import ChatSession


@dataclass(frozen=True, slots=True)
class SavedAsNew:
    """A session event: the conversation was deleted elsewhere while open, so everything in it
    was saved again as the new conversation `conversation_id`."""

    conversation_id: str


async def save_again_if_deleted(session: ChatSession) -> bool:
    """After a failed write: if the session's conversation is gone from the store (deleted by
    `chatui history delete` or another window while it was open here), store every turn the
    session holds as a new conversation, where it goes on saving. True when that happened;
    otherwise the failure stays as it was, to be reported as "Not saved"."""
    recorder, store, failure = session.recorder, session.store, session.recorder.failure
    if store is None or not isinstance(failure, StoreError) or session.conversation_id is None:
        return False
    recorder.failure = None
    if await recorder.call(store.has_conversation, session.conversation_id) is not False:
        recorder.failure = recorder.failure or failure  # another problem, or the check failed
        return False
    transcript, ids = copy_of(session.tree, session.title, session.system, session.saved_settings)
    if await recorder.call(store.add_transcript, transcript) is None:
        return False
    for turn, message_id in ids.items():
        turn.id = message_id
    session.conversation_id = transcript.conversation.id
    return True


def copy_of(
    tree: MessageTree, title: str, system: str, settings: dict[str, Any]
) -> tuple[Transcript, dict[Turn, str]]:
    """Every turn of `tree` as a new conversation under fresh ids (oldest first), and the new id
    of each turn. Turns keep their order, so the branch shown is the one that opens next."""
    turns = _parents_first(tree)
    turns.sort(key=lambda turn: (turn.id is None, turn.id or ""))  # ids grow with time
    now = time.time()
    conversation = ConversationRecord(new_id(), title, system, dict(settings), now, now)
    ids = {turn: new_id() for turn in turns}
    messages = tuple(
        _record(turn, ids, conversation.id, now + index * 1e-6) for index, turn in enumerate(turns)
    )
    return Transcript(conversation, messages), ids


def _parents_first(tree: MessageTree) -> list[Turn]:
    ordered = list(tree.children.get(None, []))
    for turn in ordered:  # grows while it is read: breadth first
        ordered.extend(tree.children.get(turn, []))
    return ordered


def _record(turn: Turn, ids: dict[Turn, str], conversation_id: str, when: float) -> MessageRecord:
    usage = turn.usage
    return MessageRecord(
        id=ids[turn],
        conversation_id=conversation_id,
        parent_id=ids[turn.parent] if turn.parent is not None else None,
        role=turn.role.value,
        content=turn.content,
        reasoning=turn.reasoning,
        provider=turn.provider,
        model=turn.model,
        status=str(
            MessageStatus.INTERRUPTED if turn.status == MessageStatus.STREAMING else turn.status
        ),
        error=turn.error,
        input_tokens=usage.input_tokens if usage else None,
        output_tokens=usage.output_tokens if usage else None,
        cost=turn.cost,
        ttft=None,
        duration=None,
        created_at=when,
        updated_at=when,
        writer_pid=os.getpid(),
        attachments=turn.attachments,
    )
