"""Exporting a conversation from a screen into the working directory, with a notification."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.screen import Screen

from chatui.core import ChatError
from chatui.services.exports import export_conversation
from chatui.store import TranscriptStore


def export_here(
    node: Screen[Any], store: TranscriptStore | None, conversation_id: str | None, kind: str
) -> None:
    """Write the conversation as `kind` ("md" or "json") here; say where, or what went wrong."""
    if conversation_id is None or store is None:
        node.notify("Nothing to export: this conversation is not saved.")
        return
    try:
        path = export_conversation(store, conversation_id, kind, Path.cwd())
    except (ChatError, OSError) as exc:
        node.notify(f"Export failed: {exc}", severity="error")
        return
    node.notify(f"Saved to {path}", timeout=8)
