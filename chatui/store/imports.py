"""Storing imported conversations once: new ones whole, grown ones by their new messages."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from chatui.store import queries
from chatui.store.records import Transcript


@dataclass(frozen=True, slots=True)
class ImportOutcome:
    """What an import stored: new conversations, the messages added to conversations imported
    before (each a Transcript of the stored conversation and only its new messages), the
    conversations skipped as already in the history, and those skipped because they were
    imported by an older chatui, whose message ids cannot be matched."""

    stored: list[Transcript]
    updated: list[Transcript]
    skipped: list[Transcript]
    unmatched: list[Transcript]


def imported_sources(conn: sqlite3.Connection) -> dict[str, str]:
    """The conversation imported from each `settings["imported_from"]` (e.g. "chatgpt:<id>")."""
    found: dict[str, str] = {}
    rows = conn.execute(
        "SELECT id, settings FROM conversations WHERE settings LIKE '%imported_from%'"
    )
    for row in rows:
        try:
            source = json.loads(row["settings"]).get("imported_from")
        except (ValueError, AttributeError):
            continue
        if isinstance(source, str):
            found.setdefault(source, row["id"])
    return found


def _new_part(
    conn: sqlite3.Connection, conversation_id: str, grown: Transcript
) -> Transcript | None:
    """The messages of `grown` that the stored conversation lacks, as part of it.

    Messages are matched by id (made from the export's own ids). None when it shares none:
    imported by an older chatui, under random ids, so nothing can be matched."""
    rows = conn.execute("SELECT id FROM messages WHERE conversation_id = ?", (conversation_id,))
    stored = {row["id"] for row in rows}
    new = [m for m in grown.messages if m.id not in stored]
    if len(new) == len(grown.messages):
        return None
    record = queries.conversation(conn, conversation_id)
    return Transcript(record, tuple(replace(m, conversation_id=conversation_id) for m in new))


def insert_new_imports(
    conn: sqlite3.Connection,
    transcripts: Sequence[Transcript],
    progress: Callable[[int, int], None] | None = None,
) -> ImportOutcome:
    """Insert each transcript whose `imported_from` is not stored yet; of one that is, insert
    the messages it does not have yet (in the given order: parents first, the branch to open
    on last); skip the rest. `progress` is told (done, total) as it goes."""
    seen = imported_sources(conn)
    outcome = ImportOutcome([], [], [], [])
    for done, transcript in enumerate(transcripts):
        if progress is not None:
            progress(done, len(transcripts))
        source = transcript.conversation.settings.get("imported_from")
        if source in seen:
            part = _new_part(conn, seen[source], transcript)
            if part is None or not part.messages:
                (outcome.unmatched if part is None else outcome.skipped).append(transcript)
                continue
            queries.insert_messages(conn, part.messages)
            latest = max(m.updated_at for m in part.messages)
            conn.execute(
                "UPDATE conversations SET updated_at = max(updated_at, ?) WHERE id = ?",
                (latest, part.conversation.id),
            )
            outcome.updated.append(part)
            continue
        if isinstance(source, str):
            seen[source] = transcript.conversation.id
        queries.insert_transcript(conn, transcript)
        outcome.stored.append(transcript)
    if progress is not None:
        progress(len(transcripts), len(transcripts))
    return outcome
