"""Migrations: fresh databases, upgrading a version-1 database in place, refusing newer ones."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from chatui.core import StoreError
from chatui.store import LATEST_VERSION, TranscriptStore
from chatui.store.schema import MIGRATIONS, migrate, schema_version
from tests.store.conftest import fts_integrity


def test_fresh_database_is_at_latest_version_with_wal_and_foreign_keys(
    store: TranscriptStore,
) -> None:
    conn = store._connection()
    assert LATEST_VERSION == len(MIGRATIONS) >= 2
    assert schema_version(conn) == LATEST_VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == 5000
    names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    assert {"conversations", "messages", "messages_fts", "conversations_fts"} <= names


def _make_v1_database(path: Path) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    assert migrate(conn, target=1) == 1
    conn.execute(
        "INSERT INTO conversations (id, title, created_at, updated_at)"
        " VALUES ('01AAAAAAAAAAAAAAAAAAAAAAAA', 'Penguin facts', 100.0, 200.0)"
    )
    rows = [
        (
            "01AAAAAAAAAAAAAAAAAAAAAAB1",
            "user",
            "Tell me about emperor penguins",
            None,
            None,
            "complete",
            101.0,
        ),
        (
            "01AAAAAAAAAAAAAAAAAAAAAAB2",
            "assistant",
            "Emperor penguins huddle in winter",
            "openai",
            "gpt-4o",
            "complete",
            102.0,
        ),
        (
            "01AAAAAAAAAAAAAAAAAAAAAAB3",
            "assistant",
            "Half a reply about krill",
            "openai",
            "gpt-4o",
            "streaming",
            103.0,
        ),
    ]
    conn.executemany(
        "INSERT INTO messages (id, conversation_id, role, content, provider, model, status,"
        " created_at, updated_at, writer_pid) VALUES (?, '01AAAAAAAAAAAAAAAAAAAAAAAA', ?, ?, ?, ?,"
        " ?, ?, ?, 999999999)",
        [(*row, row[-1]) for row in rows],
    )
    conn.close()


def test_upgrade_from_version_1_keeps_data_and_search_works(data_dir: Path) -> None:
    data_dir.mkdir()
    path = data_dir / "chatui.db"
    _make_v1_database(path)
    with TranscriptStore.open(path) as store:
        conn = store._connection()
        assert schema_version(conn) == LATEST_VERSION
        transcript = store.get_conversation("01AAAAAAAAAAAAAAAAAAAAAAAA")
        assert transcript.conversation.title == "Penguin facts"
        assert transcript.conversation.created_at == 100.0
        assert [m.content for m in transcript.messages] == [
            "Tell me about emperor penguins",
            "Emperor penguins huddle in winter",
            "Half a reply about krill",
        ]
        assert all(m.reasoning == "" for m in transcript.messages)
        assert transcript.messages[1].model == "gpt-4o"
        hits = store.search("emperor")
        assert {hit.message_id for hit in hits} == {
            "01AAAAAAAAAAAAAAAAAAAAAAB1",
            "01AAAAAAAAAAAAAAAAAAAAAAB2",
        }
        assert [hit.conversation_id for hit in store.search("penguin facts ")] == [
            "01AAAAAAAAAAAAAAAAAAAAAAAA"
        ]
        # The reply left streaming was not indexed; it is once recovery finalises it.
        assert store.search("krill") == []
        assert store.recover_interrupted() == 1
        assert [hit.message_id for hit in store.search("krill")] == ["01AAAAAAAAAAAAAAAAAAAAAAB3"]
        fts_integrity(conn)


def test_migration_is_atomic(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "x.db", isolation_level=None)
    migrate(conn, target=1)
    conn.execute("CREATE TABLE messages_fts (x)")  # makes migration 2 fail half-way
    with pytest.raises(sqlite3.OperationalError):
        migrate(conn)
    assert schema_version(conn) == 1
    columns = [row[1] for row in conn.execute("PRAGMA table_info(messages)")]
    assert "reasoning" not in columns  # the ALTER TABLE before the failure was rolled back


def test_newer_database_is_refused_and_left_byte_for_byte(data_dir: Path) -> None:
    data_dir.mkdir()
    path = data_dir / "chatui.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE future (x)")
    conn.execute("INSERT INTO future VALUES ('from chatui 9')")
    conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    listing = sorted(p.name for p in data_dir.iterdir())
    with pytest.raises(StoreError, match="newer version of chatui") as caught:
        TranscriptStore.open(path)
    assert str(path) in caught.value.message
    assert path.read_bytes() == before
    assert sorted(p.name for p in data_dir.iterdir()) == listing
