"""Fixtures for the transcript store tests: a private data dir and an open store."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from chatui.store import TranscriptStore


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """CHATUI_DATA_DIR pointed at a directory that does not exist yet."""
    directory = tmp_path / "data"
    monkeypatch.setenv("CHATUI_DATA_DIR", str(directory))
    return directory


@pytest.fixture
def store(data_dir: Path) -> Iterator[TranscriptStore]:
    with TranscriptStore.open() as opened:
        yield opened


def fts_integrity(conn: sqlite3.Connection) -> None:
    """Raise sqlite3.DatabaseError unless both FTS indexes match their content exactly."""
    for table in ("messages_fts", "conversations_fts"):
        conn.execute(f"INSERT INTO {table} ({table}, rank) VALUES ('integrity-check', 1)")
