"""TranscriptStore: conversations and messages in SQLite, one short transaction per write."""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

from chatui.core import Attachment, MessageStatus, NotFound, Role, StoreError
from chatui.store import queries
from chatui.store.database import default_path, describe, in_transaction, open_database, retry_busy
from chatui.store.ids import new_id
from chatui.store.imports import ImportOutcome, insert_new_imports
from chatui.store.records import (
    ROLES,
    STATUSES,
    ConversationRecord,
    ConversationSummary,
    MessageRecord,
    SearchHit,
    Transcript,
)
from chatui.store.search import search as search_fts

T = TypeVar("T")

#: A 'streaming' message untouched for this long is interrupted even if its writer pid is alive.
STALE_STREAM_SECONDS = 600.0


class TranscriptStore:
    """The chat history. Use from one thread at a time (calls are serialised by a lock)."""

    def __init__(self, conn: sqlite3.Connection, path: Path, recovered_from: Path | None) -> None:
        self._conn: sqlite3.Connection | None = conn
        self._lock = threading.RLock()
        self.path = path
        #: Where a damaged database was moved on open, so the UI can tell the user; else None.
        self.recovered_from = recovered_from

    @classmethod
    def open(cls, path: Path | None = None) -> TranscriptStore:
        """Open (creating or upgrading) the store; default `chatui.db` in the data directory."""
        target = Path(path) if path is not None else default_path()
        conn, recovered_from = open_database(target)
        return cls(conn, target, recovered_from)

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def __enter__(self) -> TranscriptStore:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            raise StoreError("the transcript store is closed")
        return self._conn

    def _write(self, what: str, body: Callable[[sqlite3.Connection], T]) -> T:
        """Run `body` in its own committed transaction; failures say `what` was not saved."""
        with self._lock:
            conn = self._connection()
            try:
                return retry_busy(lambda: in_transaction(conn, body))
            except sqlite3.Error as exc:
                raise StoreError(f"{what} was not saved: {describe(exc, self.path)}") from exc

    def _read(self, what: str, body: Callable[[sqlite3.Connection], T]) -> T:
        with self._lock:
            conn = self._connection()
            try:
                return retry_busy(lambda: body(conn))
            except sqlite3.Error as exc:
                raise StoreError(f"could not {what}: {describe(exc, self.path)}") from exc

    def create_conversation(
        self, title: str = "", system_prompt: str = "", settings: Mapping[str, Any] | None = None
    ) -> ConversationRecord:
        now = time.time()
        record = ConversationRecord(new_id(), title, system_prompt, dict(settings or {}), now, now)
        self._write("the new conversation", lambda c: queries.insert_conversation(c, record))
        return record

    def update_conversation(
        self,
        conversation_id: str,
        *,
        title: str | None = None,
        system_prompt: str | None = None,
        settings: Mapping[str, Any] | None = None,
    ) -> ConversationRecord:
        """Change the given fields of a conversation (updated_at is left alone)."""
        changes: dict[str, Any] = {}
        if title is not None:
            changes["title"] = title
        if system_prompt is not None:
            changes["system_prompt"] = system_prompt
        if settings is not None:
            changes["settings"] = json.dumps(dict(settings))

        def body(conn: sqlite3.Connection) -> ConversationRecord:
            queries.update_conversation(conn, conversation_id, changes)
            return queries.conversation(conn, conversation_id)

        return self._write("the conversation change", body)

    def rename(self, conversation_id: str, title: str) -> None:
        self.update_conversation(conversation_id, title=title)

    def delete(self, conversation_id: str) -> None:
        """Delete a conversation and all its messages."""

        def body(conn: sqlite3.Connection) -> None:
            if conn.execute("DELETE FROM conversations WHERE id = ?", (conversation_id,)).rowcount:
                return
            raise NotFound(f"there is no conversation {conversation_id}")

        self._write("the deletion", body)

    def has_conversation(self, conversation_id: str) -> bool:
        def body(conn: sqlite3.Connection) -> bool:
            sql = "SELECT 1 FROM conversations WHERE id = ?"
            return conn.execute(sql, (conversation_id,)).fetchone() is not None

        return self._read("look up the conversation", body)

    def get_conversation(self, conversation_id: str) -> Transcript:
        """The conversation and its messages ordered by (created_at, id)."""
        return self._read("load the conversation", lambda c: queries.transcript(c, conversation_id))

    def get_conversation_tail(self, conversation_id: str, limit: int) -> tuple[Transcript, bool]:
        """The newest `limit` messages of the branch the conversation opens on (oldest first),
        and whether they are all its messages."""
        return self._read(
            "load the conversation", lambda c: queries.transcript_tail(c, conversation_id, limit)
        )

    def list_conversations(self, limit: int = 50, offset: int = 0) -> list[ConversationSummary]:
        """Conversation summaries, most recently updated first."""
        return self._read("list conversations", lambda c: queries.summaries(c, limit, offset))

    def count_conversations(self) -> int:
        return self._read("count conversations", queries.count_conversations)

    def last_conversation_id(self) -> str | None:
        """The most recently updated conversation, or None when there are none."""
        page = self._read("list conversations", lambda c: queries.summaries(c, 1, 0))
        return page[0].id if page else None

    def resolve_id(self, prefix: str) -> str:
        """The full id of the one conversation whose id starts with `prefix` (case-insensitive)."""
        return self._read("look up the conversation", lambda c: queries.resolve_id(c, prefix))

    def short_ids(self, ids: list[str], min_length: int = 8) -> dict[str, str]:
        """For each id, its shortest prefix (at least `min_length`) no other conversation shares."""
        return self._read("list conversations", lambda c: queries.short_ids(c, ids, min_length))

    def search(self, query: str, limit: int = 50) -> list[SearchHit]:
        """Ranked full-text hits in message content and titles; any typed text is safe."""
        return self._read("search the history", lambda c: search_fts(c, query, limit))

    def add_message(
        self,
        conversation_id: str,
        role: str,
        content: str,
        *,
        parent_id: str | None = None,
        provider: str | None = None,
        model: str | None = None,
        status: str = MessageStatus.COMPLETE,
        reasoning: str = "",
        error: str | None = None,
        input_tokens: int | None = None,
        output_tokens: int | None = None,
        cost: float | None = None,
        ttft: float | None = None,
        duration: float | None = None,
        attachments: Sequence[Attachment] = (),
        window_start: str | None = None,
        stop_reason: str | None = None,
    ) -> MessageRecord:
        """Store a message, committed before returning, and bump the conversation's updated_at.
        `window_start`: a reply's first message sent, when not all of its branch was;
        `stop_reason`: why a finished reply ended."""
        role, status = str(role), str(status)
        if role not in ROLES:
            raise ValueError(f"role must be one of {ROLES}, not {role!r}")
        if status not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES}, not {status!r}")
        if role == Role.ASSISTANT and not (provider and model):
            raise ValueError("an assistant message must record its provider and model")
        now = time.time()
        record = MessageRecord(
            new_id(), conversation_id, parent_id, role, content, reasoning, provider, model,
            status, error, input_tokens, output_tokens, cost, ttft, duration, now, now,
            os.getpid(), tuple(attachments), window_start, stop_reason,
        )  # fmt: skip

        def body(conn: sqlite3.Connection) -> None:
            queries.check_can_add(conn, conversation_id, parent_id)
            queries.insert_messages(conn, [record])
            conn.execute(
                "UPDATE conversations SET updated_at = max(updated_at, ?) WHERE id = ?",
                (now, conversation_id),
            )

        self._write("the message", body)
        return record

    def update_streaming(self, message_id: str, content: str, reasoning: str = "") -> None:
        """Flush a reply still streaming: one UPDATE, no full-text indexing (about 0.05 ms).

        A reply marked 'interrupted' as stale while its writer was merely slow streams again.
        """

        def body(conn: sqlite3.Connection) -> None:
            cursor = conn.execute(
                "UPDATE messages SET content = ?, reasoning = ?, updated_at = ?,"
                " status = 'streaming' WHERE id = ? AND status IN ('streaming', 'interrupted')",
                (content, reasoning, time.time(), message_id),
            )
            if not cursor.rowcount:
                raise StoreError(f"the reply was not saved: message {message_id} is not streaming")

        self._write("the reply so far", body)

    def finish_message(
        self,
        message_id: str,
        content: str,
        reasoning: str = "",
        status: str = MessageStatus.COMPLETE,
        error: str | None = None,
        input_tokens: int | None = None,
        output_tokens: int | None = None,
        cost: float | None = None,
        ttft: float | None = None,
        duration: float | None = None,
        stop_reason: str | None = None,
    ) -> MessageRecord:
        """Store a reply's final text, status, usage and stop reason; it becomes searchable."""
        status = str(status)
        if status not in STATUSES or status == MessageStatus.STREAMING:
            raise ValueError(f"a finished message's status cannot be {status!r}")
        values = (content, reasoning, status, error, input_tokens, output_tokens, cost, ttft,
                  duration, stop_reason, time.time(), message_id)  # fmt: skip

        def body(conn: sqlite3.Connection) -> MessageRecord:
            cursor = conn.execute(
                "UPDATE messages SET content = ?, reasoning = ?, status = ?, error = ?,"
                " input_tokens = ?, output_tokens = ?, cost = ?, ttft = ?, duration = ?,"
                " stop_reason = ?, updated_at = ? WHERE id = ?",
                values,
            )
            if not cursor.rowcount:
                raise StoreError(f"the reply was not saved: there is no message {message_id}")
            return queries.message(conn, message_id)

        return self._write("the reply", body)

    def get_message(self, message_id: str) -> MessageRecord:
        return self._read("load the message", lambda c: queries.message(c, message_id))

    def recover_interrupted(self, stale_after: float = STALE_STREAM_SECONDS) -> int:
        """Mark replies left 'streaming' by a dead process (or untouched too long) 'interrupted'.

        A reply whose writer process is alive and which was flushed recently is left alone, so a
        second chatui window never interrupts the first one's stream. Returns how many changed.
        """

        return self._write(
            "recovery of interrupted replies", lambda c: queries.interrupt_orphans(c, stale_after)
        )

    def add_transcript(
        self, transcript: Transcript, what: str = "the conversation"
    ) -> ConversationRecord:
        """Store a whole conversation as given (ids, times), all or nothing."""
        self._write(what, lambda c: queries.insert_transcript(c, transcript))
        return transcript.conversation

    def import_transcripts(
        self,
        transcripts: Sequence[Transcript],
        progress: Callable[[int, int], None] | None = None,
    ) -> ImportOutcome:
        """Store, all or nothing, each transcript whose settings' `imported_from` is new, and
        the new messages of those imported before; `progress` hears (done, total)."""
        return self._write("the imports", lambda c: insert_new_imports(c, transcripts, progress))
