"""Undoing a deletion from any screen, and what the chat does when its conversation is deleted."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from textual.widget import Widget

from chatui.core import StoreError
from chatui.core.text import inert
from chatui.services.history import Deleted

if TYPE_CHECKING:
    from chatui.ui.app import ChatApp
    from chatui.ui.chat.transcript import Transcript

UNDO_HINT = "Undo: ctrl+z in the history, or “Undo delete” in the palette (ctrl+p)."


def quoted_title(title: str) -> str:
    return f"“{inert(' '.join(title.split())) or '(untitled)'}”"


async def undo_delete(screen: Widget, app: ChatApp) -> Deleted | None:
    """Store the last conversation deleted in the app again (in a thread, off the event loop),
    telling the user through `screen` (or any widget on it)."""
    history = app.history
    if history is None or not history.deleted:
        screen.notify("Nothing to undo.")
        return None
    try:
        restored = await asyncio.to_thread(history.undo)
    except StoreError as exc:
        screen.notify(f"Not restored: {exc}", severity="error")
        return None
    if restored is not None:
        screen.notify(f"Restored {quoted_title(restored.title)}.")
    return restored


class OpenConversationDeletion:
    """The chat screen's side: deleting the open conversation turns the chat into a new one
    (the draft stays, nothing sent later is lost); undoing it shows the conversation again."""

    def __init__(
        self,
        transcript: Transcript,
        new_chat: Callable[[], None],
        reopen: Callable[[str], None],
    ) -> None:
        """`new_chat` starts an empty conversation; `reopen(id)` shows a saved one."""
        self.transcript, self.new_chat, self.reopen = transcript, new_chat, reopen
        self.deleted_id: str | None = None  # the open conversation, deleted and not yet back

    def deleted(self, conversation_id: str, title: str) -> None:
        """The history deleted `conversation_id`; act if it is the open one."""
        session = self.transcript.session
        if session is None or session.conversation_id != conversation_id:
            return
        session.detach()  # a reply still streaming is not saved into a copy of it
        self.new_chat()
        self.deleted_id = conversation_id
        text = f"{quoted_title(title)} was deleted, so this is a new chat. {UNDO_HINT}"
        self.transcript.add_notice(text, "warning")

    def undo(self) -> None:
        """The palette's "Undo delete"."""
        self.transcript.run_worker(self._undo(), group="undo-delete", exit_on_error=False)

    async def _undo(self) -> None:
        if await undo_delete(self.transcript, cast("ChatApp", self.transcript.app)) is not None:
            self.reopen_if_restored()

    def reopen_if_restored(self) -> None:
        """Show the open conversation again once its deletion is undone, unless the new chat
        has been used since (then it is in the history, as any other)."""
        session, conversation_id = self.transcript.session, self.deleted_id
        if conversation_id is None or session is None or session.turns:
            return
        history = cast("ChatApp", self.transcript.app).history
        deleted = history.deleted if history is not None else []
        if all(item.conversation_id != conversation_id for item in deleted):
            self.deleted_id = None
            self.reopen(conversation_id)
