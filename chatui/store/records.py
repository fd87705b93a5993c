"""Typed records the transcript store returns: conversations, messages, summaries, search hits."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Any, Final

from chatui.core import MessageStatus, Role
from chatui.core.attachments import Attachment

ROLES: Final = tuple(role.value for role in (Role.SYSTEM, Role.USER, Role.ASSISTANT))
STATUSES: Final = tuple(status.value for status in MessageStatus)

#: Highlight markers around matched text in `SearchHit.snippet`.
MATCH_START: Final = "\x02"
MATCH_END: Final = "\x03"

CONVERSATION_COLUMNS: Final = (
    "id",
    "title",
    "system_prompt",
    "settings",
    "created_at",
    "updated_at",
)
MESSAGE_COLUMNS: Final = (
    "id",
    "conversation_id",
    "parent_id",
    "role",
    "content",
    "reasoning",
    "provider",
    "model",
    "status",
    "error",
    "input_tokens",
    "output_tokens",
    "cost",
    "ttft",
    "duration",
    "created_at",
    "updated_at",
    "writer_pid",
    "attachments",
    "window_start",
    "stop_reason",
)


@dataclass(frozen=True, slots=True)
class ConversationRecord:
    """One stored conversation (without its messages)."""

    id: str
    title: str
    system_prompt: str
    settings: dict[str, Any]
    created_at: float
    updated_at: float

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> ConversationRecord:
        settings = json.loads(row["settings"] or "{}")
        return cls(
            id=row["id"],
            title=row["title"],
            system_prompt=row["system_prompt"],
            settings=settings if isinstance(settings, dict) else {},
            created_at=row["created_at"],
            updated_at=row["updated_at"],
        )


@dataclass(frozen=True, slots=True)
class MessageRecord:
    """One stored message; assistant messages record the provider and model that wrote them."""

    id: str
    conversation_id: str
    parent_id: str | None
    role: str
    content: str
    reasoning: str
    provider: str | None
    model: str | None
    status: str
    error: str | None
    input_tokens: int | None
    output_tokens: int | None
    cost: float | None
    ttft: float | None
    duration: float | None
    created_at: float
    updated_at: float
    writer_pid: int | None
    attachments: tuple[Attachment, ...] = ()  # files sent with a user message
    window_start: str | None = None  # a reply's: the first message sent, when not all were
    stop_reason: str | None = None  # a finished reply's: why it ended, in the provider's word

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> MessageRecord:
        """A row selected as MESSAGE_COLUMNS, in their order (the fields' order too): read by
        position, since 10,000 messages are read when a long conversation opens."""
        *values, attachments, window_start, stop_reason = tuple(row)
        attached = attachments_from_json(attachments)
        return cls(*values, attached, window_start, stop_reason)  # type: ignore[call-arg]

    def row(self) -> dict[str, Any]:
        """The message's column values for an INSERT (attachments as JSON text)."""
        values = {name: getattr(self, name) for name in MESSAGE_COLUMNS}
        values["attachments"] = attachments_to_json(self.attachments)
        return values


assert tuple(field.name for field in fields(MessageRecord)) == MESSAGE_COLUMNS  # see from_row


def attachments_to_json(attachments: Sequence[Attachment]) -> str:
    """The `attachments` column: a JSON list of {name, content, size}."""
    return json.dumps(attachments_to_data(attachments), ensure_ascii=False)


def attachments_to_data(attachments: Sequence[Attachment]) -> list[dict[str, Any]]:
    return [{"name": a.name, "content": a.content, "size": a.size} for a in attachments]


def attachments_from_data(data: Any) -> tuple[Attachment, ...] | None:
    """Attachments from decoded JSON, or None unless it is a list of {name, content, size}."""
    if not isinstance(data, list):
        return None
    found: list[Attachment] = []
    for item in data:
        if not isinstance(item, dict):
            return None
        name, content, size = item.get("name"), item.get("content"), item.get("size")
        if not (isinstance(name, str) and isinstance(content, str)):
            return None
        if not isinstance(size, int) or isinstance(size, bool) or size < 0:
            return None
        found.append(Attachment(name, content, size))
    return tuple(found)


def attachments_from_json(text: str | None) -> tuple[Attachment, ...]:
    """The `attachments` column read back; a damaged value reads as none rather than failing."""
    if not text or text == "[]":  # most messages
        return ()
    try:
        data = json.loads(text or "[]")
    except ValueError:
        return ()
    return attachments_from_data(data) or ()


@dataclass(frozen=True, slots=True)
class Transcript:
    """A conversation with all its messages, oldest first."""

    conversation: ConversationRecord
    messages: tuple[MessageRecord, ...]


@dataclass(frozen=True, slots=True)
class ConversationSummary:
    """A row of the conversation list: counts, a one-line preview and the models used."""

    id: str
    title: str
    created_at: float
    updated_at: float
    message_count: int
    preview: str
    models: tuple[str, ...]  # "provider/model", in order of first use


@dataclass(frozen=True, slots=True)
class SearchHit:
    """A full-text match; `message_id` is None when the conversation title matched."""

    conversation_id: str
    title: str
    message_id: str | None
    role: str | None
    snippet: str  # matched text wrapped in MATCH_START ... MATCH_END
    score: float  # higher is better (negated bm25)

    def segments(self) -> list[tuple[str, bool]]:
        """The snippet as (text, is_match) pieces, markers removed, for the UI to style."""
        return split_marked(self.snippet)


def split_marked(text: str) -> list[tuple[str, bool]]:
    """Split text holding MATCH_START/MATCH_END markers into (text, is_match) pieces."""
    pieces: list[tuple[str, bool]] = []
    matching = False
    current: list[str] = []
    for char in text:
        if char in (MATCH_START, MATCH_END):
            if current:
                pieces.append(("".join(current), matching))
                current = []
            matching = char == MATCH_START
        else:
            current.append(char)
    if current:
        pieces.append(("".join(current), matching))
    return pieces
