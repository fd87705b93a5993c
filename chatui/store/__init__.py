"""The transcript store: conversations and messages in SQLite, full-text search, imports once."""

from chatui.store.database import DB_NAME, default_path
from chatui.store.imports import ImportOutcome
from chatui.store.records import (
    MATCH_END,
    MATCH_START,
    ROLES,
    STATUSES,
    ConversationRecord,
    ConversationSummary,
    MessageRecord,
    SearchHit,
    Transcript,
    split_marked,
)
from chatui.store.schema import LATEST_VERSION
from chatui.store.store import STALE_STREAM_SECONDS, TranscriptStore

__all__ = [
    "DB_NAME",
    "LATEST_VERSION",
    "MATCH_END",
    "MATCH_START",
    "ROLES",
    "STALE_STREAM_SECONDS",
    "STATUSES",
    "ConversationRecord",
    "ConversationSummary",
    "ImportOutcome",
    "MessageRecord",
    "SearchHit",
    "Transcript",
    "TranscriptStore",
    "default_path",
    "split_marked",
]
