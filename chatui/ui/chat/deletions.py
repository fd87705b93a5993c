"""Undoing a deletion from any screen, and what the chat does when its conversation is deleted."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.screen import Screen

from chatui.core import StoreError
from chatui.core.text import inert
from chatui.services.trash import Deleted

if TYPE_CHECKING:
    from chatui.ui.app import ChatApp
    from chatui.ui.chat.screen import ChatScreen

UNDO_HINT = "Undo: ctrl+z in the history, or “Undo delete” in the palette (ctrl+p)."


def quoted_title(title: str) -> str:
    return f"“{inert(' '.join(title.split())) or '(untitled)'}”"


def undo_delete(screen: Screen[Any], app: ChatApp) -> Deleted | None:
    """Store the last conversation deleted in the app again, telling the user on `screen`."""
    if app.store is None or not app.trash.items:
        screen.notify("Nothing to undo.")
        return None
    try:
        restored = app.trash.undo(app.store)
    except StoreError as exc:
        screen.notify(f"Not restored: {exc}", severity="error")
        return None
    if restored is not None:
        screen.notify(f"Restored {quoted_title(restored.title)}.")
    return restored


class OpenConversationDeletion:
    """The chat screen's side: deleting the open conversation turns the chat into a new one
    (the draft stays, nothing sent later is lost); undoing it shows the conversation again."""

    def __init__(self, screen: ChatScreen) -> None:
        self.screen = screen
        self.deleted_id: str | None = None  # the open conversation, deleted and not yet back

    def deleted(self, conversation_id: str, title: str) -> None:
        """The history deleted `conversation_id`; act if it is the open one."""
        screen, session = self.screen, self.screen.session
        if session is None or session.conversation_id != conversation_id:
            return
        session.detach()  # a reply still streaming is not saved into a copy of it
        screen.action_new_chat()
        self.deleted_id = conversation_id
        text = f"{quoted_title(title)} was deleted, so this is a new chat. {UNDO_HINT}"
        screen.view.add_notice(text, "warning")

    def undo(self) -> None:
        """The palette's "Undo delete"."""
        if undo_delete(self.screen, self.screen.app) is not None:
            self.reopen_if_restored()

    def reopen_if_restored(self) -> None:
        """Show the open conversation again once its deletion is undone, unless the new chat
        has been used since (then it is in the history, as any other)."""
        session, conversation_id = self.screen.session, self.deleted_id
        if conversation_id is None or session is None or session.turns:
            return
        if all(item.conversation_id != conversation_id for item in self.screen.app.trash.items):
            self.deleted_id = None
            self.screen.resume(conversation_id)
