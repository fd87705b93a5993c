"""Exporting a conversation from a screen into the working directory, with a notification."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from textual.screen import Screen

from chatui.core import ChatError
from chatui.services.history import History


def export_here(
    node: Screen[Any], history: History | None, conversation_id: str | None, kind: str
) -> None:
    """Write the conversation as `kind` ("md" or "json") here, in a worker thread (the keys
    stay live); say where, or what went wrong."""
    if conversation_id is None or history is None:
        node.notify("Nothing to export: this conversation is not saved.")
        return
    node.run_worker(_export(node, history, conversation_id, kind), exit_on_error=False)


async def _export(node: Screen[Any], history: History, conversation_id: str, kind: str) -> None:
    try:
        path = await asyncio.to_thread(history.export_into, conversation_id, kind, Path.cwd())
    except (ChatError, OSError) as exc:
        node.notify(f"Export failed: {exc}", severity="error")
        return
    node.notify(f"Saved to {path}", timeout=8)
