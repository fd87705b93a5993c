"""Writing a conversation to a Markdown or JSON file with a safe, readable name."""

from __future__ import annotations

import os
import re
from pathlib import Path

from chatui.core import StoreError
from chatui.exchange.chatui_json import json_text, to_json
from chatui.exchange.markdown import to_markdown
from chatui.store import TranscriptStore


def file_name(title: str, conversation_id: str, kind: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9]+", "-", title).strip("-").lower()[:40] or "conversation"
    return f"chatui-{slug}-{conversation_id[:8].lower()}.{kind}"


def export_text(
    store: TranscriptStore,
    conversation_id: str,
    kind: str,
    *,
    reasoning: bool = False,
    others_hint: str | None = None,
) -> str:
    """The conversation as inert `kind` ("md" or "json") text, the same into a file, a pipe or
    a terminal; the models' reasoning only if `reasoning`. Markdown given `others_hint` holds
    only the branch the conversation opens on, and says how to see the others."""
    transcript = store.get_conversation(conversation_id)
    if kind == "json":
        return json_text(to_json(transcript, reasoning=reasoning))
    return to_markdown(transcript, reasoning=reasoning, others_hint=others_hint)


def write_private(path: str, text: str) -> None:
    """Write `text` to `path` (replacing it), readable by the user only; StoreError if not."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with open(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as exc:
        raise StoreError(f"cannot write {path}: {exc.strerror}") from exc


def export_conversation(
    store: TranscriptStore,
    conversation_id: str,
    kind: str,
    directory: Path,
    *,
    reasoning: bool = False,
) -> Path:
    """Write the conversation as `kind` ("md" or "json") into `directory`; returns the path.

    An existing file is never overwritten: a number is added to the name instead. Both are
    inert (`cat` never acts on them), as `chatui history export` writes them: Markdown for
    reading, JSON the lossless copy, but for the models' reasoning (thinking), which either
    holds only if `reasoning`."""
    transcript = store.get_conversation(conversation_id)
    text = export_text(store, conversation_id, kind, reasoning=reasoning)
    name = file_name(transcript.conversation.title, conversation_id, kind)
    path = directory / name
    counter = 1
    while True:
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            break
        except FileExistsError:
            counter += 1
            path = directory / name.replace(f".{kind}", f"-{counter}.{kind}")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text + ("\n" if not text.endswith("\n") else ""))
    return path
