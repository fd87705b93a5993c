"""Conversations deleted in the app, kept (as lossless exports) so any screen can undo them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chatui.exchange.chatui_json import parse_json, to_json
from chatui.store import TranscriptStore


@dataclass(frozen=True, slots=True)
class Deleted:
    """One deleted conversation: its id, title and everything needed to store it again."""

    conversation_id: str
    title: str
    export: dict[str, Any]


class Trash:
    """A stack of the conversations deleted since the app started; undo restores the newest.

    It lives as long as the app (not a screen): leaving the history screen keeps the undo.
    Store errors (StoreError) propagate and leave the stack unchanged.
    """

    def __init__(self) -> None:
        self.items: list[Deleted] = []

    def delete(self, store: TranscriptStore, conversation_id: str) -> Deleted:
        """Delete a conversation, keeping a complete copy for `undo`."""
        export = to_json(store.get_conversation(conversation_id))
        title = str(export.get("conversation", {}).get("title", ""))
        store.delete(conversation_id)
        item = Deleted(conversation_id, title, export)
        self.items.append(item)
        return item

    def undo(self, store: TranscriptStore) -> Deleted | None:
        """Store the newest deletion again (same ids and times); None when there is none."""
        if not self.items:
            return None
        store.add_transcript(parse_json(self.items[-1].export), "the imported conversation")
        return self.items.pop()
