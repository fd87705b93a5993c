"""A saved conversation read to be continued: its tree built in a thread, then loaded."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from chatui.services.session.branches import MessageTree, build_tree
from chatui.services.session.turns import Turn
from chatui.store.records import Transcript

if TYPE_CHECKING:
    from chatui.services.history import History


@dataclass(frozen=True, slots=True)
class SavedConversation:
    """A saved conversation with its tree built: made in a thread (10,000 messages take a
    tenth of a second), then loaded into a session on the event loop."""

    transcript: Transcript
    tree: MessageTree
    turns: list[Turn]
    complete: bool = True  # False: only the newest turns of its branch

    @classmethod
    def of(cls, transcript: Transcript, complete: bool = True) -> SavedConversation:
        tree, turns = build_tree(transcript.messages)
        return cls(transcript, tree, turns, complete)


def read_saved(
    history: History, conversation_id: str, newest: int | None = None
) -> SavedConversation:
    """A saved conversation, or only the `newest` turns of its branch (see `complete`)."""
    if newest is None:
        return SavedConversation.of(history.transcript(conversation_id))
    return SavedConversation.of(*history.transcript_tail(conversation_id, newest))
