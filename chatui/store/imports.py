"""Storing imported conversations once: which export sources the history already holds."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

from chatui.store import queries
from chatui.store.records import Transcript


@dataclass(frozen=True, slots=True)
class ImportOutcome:
    """What an import stored, and what it skipped as already in the history."""

    stored: list[Transcript]
    skipped: list[Transcript]


def imported_sources(conn: sqlite3.Connection) -> set[str]:
    """Every `settings["imported_from"]` in the history (e.g. "chatgpt:<id>")."""
    found: set[str] = set()
    rows = conn.execute("SELECT settings FROM conversations WHERE settings LIKE '%imported_from%'")
    for row in rows:
        try:
            source = json.loads(row["settings"]).get("imported_from")
        except (ValueError, AttributeError):
            continue
        if isinstance(source, str):
            found.add(source)
    return found


def insert_new_imports(
    conn: sqlite3.Connection, transcripts: Iterable[Transcript]
) -> ImportOutcome:
    """Insert the transcripts whose `imported_from` is not stored yet (the rest are skipped)."""
    seen = imported_sources(conn)
    stored: list[Transcript] = []
    skipped: list[Transcript] = []
    for transcript in transcripts:
        source = transcript.conversation.settings.get("imported_from")
        if source in seen:
            skipped.append(transcript)
            continue
        if isinstance(source, str):
            seen.add(source)
        queries.insert_transcript(conn, transcript)
        stored.append(transcript)
    return ImportOutcome(stored, skipped)
