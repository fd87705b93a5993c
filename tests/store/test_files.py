"""The database file: private permissions, damaged files set aside, unreadable or full disks."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest

from chatui.core import StoreError
from chatui.store import TranscriptStore, database


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_default_path_honours_data_dir(data_dir: Path) -> None:
    with TranscriptStore.open() as store:
        assert store.path == data_dir / "chatui.db"
        assert store.recovered_from is None


def test_created_dir_is_0700_and_files_0600(data_dir: Path) -> None:
    with TranscriptStore.open() as store:
        conversation = store.create_conversation("secret")
        store.add_message(conversation.id, "user", "hello")
        assert _mode(data_dir) == 0o700
        files = sorted(p.name for p in data_dir.iterdir())
        assert files == ["chatui.db", "chatui.db-shm", "chatui.db-wal"]
        for name in files:
            assert _mode(data_dir / name) == 0o600, name


def test_existing_dir_mode_is_left_alone_but_loose_db_is_tightened(data_dir: Path) -> None:
    data_dir.mkdir(mode=0o755)
    os.chmod(data_dir, 0o755)
    path = data_dir / "chatui.db"
    TranscriptStore.open(path).close()
    os.chmod(path, 0o644)
    TranscriptStore.open(path).close()
    assert _mode(data_dir) == 0o755
    assert _mode(path) == 0o600


@pytest.mark.parametrize(
    "content",
    [b"this is not a database at all, just some text" * 10, b"short", b"\x00" * 4096],
)
def test_garbage_file_is_moved_aside_with_its_bytes(data_dir: Path, content: bytes) -> None:
    data_dir.mkdir()
    path = data_dir / "chatui.db"
    path.write_bytes(content)
    (data_dir / "chatui.db-wal").write_bytes(b"old wal")
    with TranscriptStore.open() as store:
        moved = store.recovered_from
        assert moved is not None
        assert moved.parent == data_dir
        assert moved.name.startswith("chatui.db.corrupt-")
        assert moved.read_bytes() == content
        assert Path(str(moved) + "-wal").read_bytes() == b"old wal"
        store.create_conversation("fresh start")
        assert [s.title for s in store.list_conversations()] == ["fresh start"]


def test_malformed_database_is_moved_aside(data_dir: Path) -> None:
    data_dir.mkdir()
    path = data_dir / "chatui.db"
    with TranscriptStore.open(path) as store:
        for index in range(200):
            store.create_conversation(f"conversation {index} " + "x" * 200)
    # Keep the valid header but overwrite the schema page and beyond with noise.
    raw = bytearray(path.read_bytes())
    raw[100:] = bytes((i * 37) % 251 for i in range(len(raw) - 100))
    path.write_bytes(bytes(raw))
    with TranscriptStore.open(path) as store:
        assert store.recovered_from is not None
        assert store.recovered_from.read_bytes() == bytes(raw)
        assert store.list_conversations() == []
    # Opening again finds the fresh database healthy: nothing more is moved.
    with TranscriptStore.open(path) as store:
        assert store.recovered_from is None


def test_two_corrupt_files_in_one_second_get_distinct_names(data_dir: Path) -> None:
    data_dir.mkdir()
    path = data_dir / "chatui.db"
    moved = []
    for content in (b"first garbage" * 20, b"second garbage" * 20):
        path.write_bytes(content)
        moved.append(database.move_aside(path))
    assert moved[0] != moved[1]
    assert moved[0].read_bytes() == b"first garbage" * 20
    assert moved[1].read_bytes() == b"second garbage" * 20


def test_failure_to_move_aside_names_the_file(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data_dir.mkdir()
    path = data_dir / "chatui.db"
    path.write_bytes(b"garbage" * 50)

    def refuse(src: object, dst: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "rename", refuse)
    with pytest.raises(StoreError, match="could not be moved aside") as caught:
        TranscriptStore.open(path)
    assert str(path) in str(caught.value)
    assert path.read_bytes() == b"garbage" * 50


def test_unreadable_database_simulated(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Opening the file fails with EACCES (simulated: CI runs as root, who reads anything)."""
    data_dir.mkdir()
    path = data_dir / "chatui.db"
    TranscriptStore.open(path).close()
    before = sorted((p.name, p.read_bytes()) for p in data_dir.iterdir())

    def denied(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(database, "open", denied, raising=False)
    with pytest.raises(StoreError, match="permission denied") as caught:
        TranscriptStore.open(path)
    assert str(caught.value).startswith("Storage problem: cannot read the database ")
    assert str(path) in str(caught.value)
    assert sorted((p.name, p.read_bytes()) for p in data_dir.iterdir()) == before


def test_data_dir_that_is_a_file_is_a_clear_error(data_dir: Path) -> None:
    data_dir.write_text("oops")
    with pytest.raises(StoreError, match="not a folder"):
        TranscriptStore.open()


def test_read_only_database_writes_say_not_saved(store: TranscriptStore) -> None:
    conversation = store.create_conversation("kept")
    store._connection().execute("PRAGMA query_only = 1")  # what a read-only file looks like
    with pytest.raises(StoreError, match=r"the message was not saved: .*read-only") as caught:
        store.add_message(conversation.id, "user", "lost")
    assert str(store.path) in str(caught.value)
    assert store.list_conversations()[0].message_count == 0  # reads still work


def test_full_disk_writes_say_not_saved(store: TranscriptStore) -> None:
    conversation = store.create_conversation("kept")
    conn = store._connection()
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages}")  # the disk is now full
    with pytest.raises(StoreError, match=r"was not saved: the disk holding .* is full"):
        store.add_message(conversation.id, "user", "y" * 100_000)
    assert store.get_conversation(conversation.id).messages == ()


def test_closed_store_raises_store_error(data_dir: Path) -> None:
    store = TranscriptStore.open()
    store.close()
    store.close()  # idempotent
    with pytest.raises(StoreError, match="closed"):
        store.list_conversations()


def test_read_only_file_opens_for_reading(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A database sqlite can only open read-only still lists; writes report not saved."""
    with TranscriptStore.open() as store:
        store.create_conversation("old chat")
    real_connect = sqlite3.connect

    def read_only_connect(target: str, *args: object, **kwargs: object) -> sqlite3.Connection:
        if not str(target).startswith("file:"):
            target = "file:" + str(target) + "?mode=ro"
            kwargs["uri"] = True
        return real_connect(target, *args, **kwargs)  # type: ignore[call-overload,no-any-return]

    monkeypatch.setattr(sqlite3, "connect", read_only_connect)
    with TranscriptStore.open() as store:
        assert [s.title for s in store.list_conversations()] == ["old chat"]
        with pytest.raises(StoreError, match=r"was not saved: .*read-only"):
            store.create_conversation("new")
