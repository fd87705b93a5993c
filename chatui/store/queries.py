"""The SQL behind TranscriptStore: row lookups, list summaries, id prefixes and bulk inserts."""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from chatui.core import AlreadyImported, AmbiguousId, NotFound, StoreError
from chatui.store.ids import ID_LENGTH, is_valid_prefix, normalize_prefix
from chatui.store.records import (
    MESSAGE_COLUMNS,
    ConversationRecord,
    ConversationSummary,
    MessageRecord,
    Transcript,
)

PREVIEW_CHARS = 100

_MESSAGE_SELECT = "SELECT " + ", ".join(MESSAGE_COLUMNS) + " FROM messages"
_MESSAGE_INSERT = (
    f"INSERT INTO messages ({', '.join(MESSAGE_COLUMNS)})"
    f" VALUES ({', '.join(':' + name for name in MESSAGE_COLUMNS)})"
)

_SUMMARIES = """
    SELECT c.id, c.title, c.created_at, c.updated_at,
        (SELECT count(*) FROM messages AS m WHERE m.conversation_id = c.id) AS message_count,
        (SELECT substr(m.content, 1, 1000) FROM messages AS m
            WHERE m.conversation_id = c.id AND m.role = 'user'
            ORDER BY m.created_at, m.id LIMIT 1) AS first_user
    FROM conversations AS c
    ORDER BY c.updated_at DESC, c.id DESC
    LIMIT ? OFFSET ?
"""

_MODELS = """
    SELECT conversation_id, provider || '/' || model AS name, min(created_at) AS first_used
    FROM messages
    WHERE conversation_id IN ({marks}) AND role = 'assistant' AND provider IS NOT NULL
    GROUP BY conversation_id, provider, model
    ORDER BY first_used
"""


def conversation(conn: sqlite3.Connection, conversation_id: str) -> ConversationRecord:
    row = conn.execute(
        "SELECT id, title, system_prompt, settings, created_at, updated_at"
        " FROM conversations WHERE id = ?",
        (conversation_id,),
    ).fetchone()
    if row is None:
        raise NotFound(f"there is no conversation {conversation_id}")
    return ConversationRecord.from_row(row)


def message(conn: sqlite3.Connection, message_id: str) -> MessageRecord:
    row = conn.execute(_MESSAGE_SELECT + " WHERE id = ?", (message_id,)).fetchone()
    if row is None:
        raise NotFound(f"there is no message {message_id}")
    return MessageRecord.from_row(row)


def transcript(conn: sqlite3.Connection, conversation_id: str) -> Transcript:
    record = conversation(conn, conversation_id)
    # In the order they were stored: parents first, the branch to open on last (an imported
    # message keeps its own time, which may be earlier than its parent's).
    rows = conn.execute(
        _MESSAGE_SELECT + " WHERE conversation_id = ? ORDER BY seq", (conversation_id,)
    ).fetchall()
    return Transcript(record, tuple(MessageRecord.from_row(row) for row in rows))


# The newest message and its ancestors, newest first, at most :limit of them.
_BRANCH_TAIL = f"""
    WITH RECURSIVE branch (id, parent_id, depth) AS (
        SELECT id, parent_id, 0 FROM messages
        WHERE seq = (SELECT max(seq) FROM messages WHERE conversation_id = :conversation)
        UNION ALL
        SELECT m.id, m.parent_id, depth + 1
        FROM messages AS m JOIN branch ON m.id = branch.parent_id WHERE depth + 1 < :limit
    )
    SELECT {", ".join("m." + column for column in MESSAGE_COLUMNS)}
    FROM branch JOIN messages AS m USING (id) ORDER BY depth DESC
"""

# The newest :limit messages of a conversation saved without any parent link (an import).
_NEWEST_UNLINKED = (
    _MESSAGE_SELECT
    + """ WHERE conversation_id = :conversation AND NOT EXISTS (
        SELECT 1 FROM messages WHERE conversation_id = :conversation AND parent_id IS NOT NULL
    ) ORDER BY seq DESC LIMIT :limit"""
)


def transcript_tail(
    conn: sqlite3.Connection, conversation_id: str, limit: int
) -> tuple[Transcript, bool]:
    """The newest `limit` messages of the branch a conversation opens on, oldest first (the
    newest `limit` stored, for one saved without parent links), and whether they are all its
    messages. Costs what `limit` messages cost, however long the conversation is."""
    record = conversation(conn, conversation_id)
    where = {"conversation": conversation_id, "limit": limit}
    messages = [MessageRecord.from_row(row) for row in conn.execute(_BRANCH_TAIL, where)]
    if len(messages) == 1 and messages[0].parent_id is None:  # a first message, or no links
        unlinked = conn.execute(_NEWEST_UNLINKED, where).fetchall()[::-1]
        messages = [MessageRecord.from_row(row) for row in unlinked] or messages
    sql = "SELECT count(*) FROM messages WHERE conversation_id = ?"
    count = conn.execute(sql, (conversation_id,)).fetchone()[0]
    return Transcript(record, tuple(messages)), len(messages) == count


def preview(text: str | None, width: int = PREVIEW_CHARS) -> str:
    """One line of at most `width` characters."""
    line = " ".join((text or "").split())
    return line if len(line) <= width else line[: width - 1].rstrip() + "…"


def all_rows(
    conn: sqlite3.Connection,
    sql: str,
    columns: Sequence[str],
    params: Sequence[object] | Mapping[str, object] = (),
) -> list[dict[str, Any]]:
    """The rows of `sql` (its `columns`, in order, as dicts) fetched as one JSON value: one
    step of SQLite instead of one per row. Read from a thread while the event loop draws, each
    step waits for the GIL (up to 5 ms): a 100-row page took 200-300 ms that way instead of
    15. (Reals come back with 15 significant digits: enough to show and rank, not to store.)"""
    fields = ", ".join(f"'{column}', \"{column}\"" for column in columns)
    # materialized: FTS5's snippet() works only in its own query, not flattened into this one;
    # its rows are read back in the order they were made
    aggregate = f"json_group_array(json_object({fields}))"
    wrapped = f"WITH r AS MATERIALIZED ({sql}) SELECT {aggregate} FROM r"
    text = conn.execute(wrapped, params).fetchone()[0]
    rows: list[dict[str, Any]] = json.loads(text or "[]")
    return rows


def summaries(conn: sqlite3.Connection, limit: int, offset: int) -> list[ConversationSummary]:
    columns = ("id", "title", "created_at", "updated_at", "message_count", "first_user")
    rows = all_rows(conn, _SUMMARIES, columns, (max(limit, 0), max(offset, 0)))
    models: dict[str, list[str]] = {row["id"]: [] for row in rows}
    if rows:
        marks = ", ".join("?" * len(rows))
        sql = _MODELS.format(marks=marks)
        for model_row in all_rows(conn, sql, ("conversation_id", "name"), [*models]):
            models[model_row["conversation_id"]].append(model_row["name"])
    return [
        ConversationSummary(
            id=row["id"],
            title=row["title"],
            created_at=row["created_at"],
            updated_at=row["updated_at"],
            message_count=row["message_count"],
            preview=preview(row["first_user"]),
            models=tuple(models[row["id"]]),
        )
        for row in rows
    ]


def count_conversations(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT count(*) FROM conversations").fetchone()[0])


def _prefix_range(prefix: str) -> tuple[str, str]:
    # Ids are upper-case Crockford base32, so every id with this prefix sorts below prefix + "~".
    return prefix, prefix + "~"


def resolve_id(conn: sqlite3.Connection, typed: str) -> str:
    prefix = normalize_prefix(typed)
    if not is_valid_prefix(prefix):
        raise NotFound(f"{typed!r} is not a conversation id (ids look like 01J2X3K4...)")
    rows = conn.execute(
        "SELECT id FROM conversations WHERE id >= ? AND id < ? ORDER BY id LIMIT 3",
        _prefix_range(prefix),
    ).fetchall()
    if not rows:
        raise NotFound(f"no conversation id starts with {typed!r}")
    if len(rows) > 1:
        shown = ", ".join(row["id"] for row in rows[:2]) + (", ..." if len(rows) > 2 else "")
        raise AmbiguousId(f"{typed!r} matches several conversations ({shown}); type more of the id")
    return str(rows[0]["id"])


def _common_prefix(a: str, b: str) -> int:
    count = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        count += 1
    return count


def short_ids(conn: sqlite3.Connection, ids: list[str], min_length: int) -> dict[str, str]:
    result: dict[str, str] = {}
    for full in ids:
        shared = 0
        for sql in (
            "SELECT id FROM conversations WHERE id < ? ORDER BY id DESC LIMIT 1",
            "SELECT id FROM conversations WHERE id > ? ORDER BY id LIMIT 1",
        ):
            row = conn.execute(sql, (full,)).fetchone()
            if row is not None:
                shared = max(shared, _common_prefix(full, row["id"]))
        result[full] = full[: min(ID_LENGTH, max(min_length, shared + 1))]
    return result


def check_can_add(conn: sqlite3.Connection, conversation_id: str, parent_id: str | None) -> None:
    """Raise StoreError unless the conversation (and parent message, if any) exist."""
    if conn.execute("SELECT 1 FROM conversations WHERE id = ?", (conversation_id,)).fetchone():
        if parent_id is None:
            return
        row = conn.execute(
            "SELECT conversation_id FROM messages WHERE id = ?", (parent_id,)
        ).fetchone()
        if row is None:
            raise StoreError(f"there is no parent message {parent_id}")
        if row["conversation_id"] != conversation_id:
            raise StoreError(f"message {parent_id} belongs to another conversation")
        return
    raise StoreError(f"there is no conversation {conversation_id}")


def insert_conversation(conn: sqlite3.Connection, record: ConversationRecord) -> None:
    conn.execute(
        "INSERT INTO conversations (id, title, system_prompt, settings, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (
            record.id,
            record.title,
            record.system_prompt,
            json.dumps(record.settings),
            record.created_at,
            record.updated_at,
        ),
    )


def insert_messages(conn: sqlite3.Connection, records: Iterable[MessageRecord]) -> None:
    conn.executemany(_MESSAGE_INSERT, (record.row() for record in records))


def insert_transcript(conn: sqlite3.Connection, transcript: Transcript) -> None:
    """Insert a whole conversation as given (ids, times); StoreError if any id is taken."""
    record = transcript.conversation
    if conn.execute("SELECT 1 FROM conversations WHERE id = ?", (record.id,)).fetchone():
        raise AlreadyImported(
            f"conversation {record.id} is already in the history; delete it first, or import"
            " a copy under new ids (--new-ids)"
        )
    ids = [message.id for message in transcript.messages]
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ", ".join("?" * len(chunk))
        taken = conn.execute(f"SELECT id FROM messages WHERE id IN ({marks}) LIMIT 1", chunk)
        row = taken.fetchone()
        if row is not None:
            raise AlreadyImported(
                f"message {row['id']} is already in the history; import a copy under new ids"
                " (--new-ids)"
            )
    insert_conversation(conn, record)
    # Parents first, whatever the order in the file, so the parent_id foreign key holds.
    insert_messages(conn, _parents_first(transcript.messages))


def _parents_first(messages: tuple[MessageRecord, ...]) -> list[MessageRecord]:
    by_id = {message.id: message for message in messages}
    ordered: list[MessageRecord] = []
    placed: set[str] = set()
    for message in messages:
        chain: list[MessageRecord] = []
        seen: set[str] = set()
        current: MessageRecord | None = message
        while current is not None and current.id not in placed and current.id not in seen:
            chain.append(current)
            seen.add(current.id)
            current = by_id.get(current.parent_id or "")
        for item in reversed(chain):
            placed.add(item.id)
            ordered.append(item)
    return ordered


def update_conversation(
    conn: sqlite3.Connection, conversation_id: str, changes: dict[str, Any]
) -> None:
    """Set the given conversation columns (names come from code, never from users)."""
    if changes:
        assignments = ", ".join(f"{name} = :{name}" for name in changes)
        conn.execute(
            f"UPDATE conversations SET {assignments} WHERE id = :id",
            {**changes, "id": conversation_id},
        )


def _pid_alive(pid: int | None) -> bool:
    if not pid or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by another user
    except OSError:
        return False
    return True


def interrupt_orphans(conn: sqlite3.Connection, stale_after: float) -> int:
    """Mark streaming messages whose writer died, or untouched `stale_after` s, interrupted."""
    cutoff = time.time() - stale_after
    rows = conn.execute(
        "SELECT id, writer_pid, updated_at FROM messages WHERE status = 'streaming'"
    ).fetchall()
    orphans = [
        (row["id"],)
        for row in rows
        if row["updated_at"] < cutoff or not _pid_alive(row["writer_pid"])
    ]
    conn.executemany(
        "UPDATE messages SET status = 'interrupted' WHERE id = ? AND status = 'streaming'", orphans
    )
    return len(orphans)
