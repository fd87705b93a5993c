"""Damaged, read-only, full and too-new data files, simulated the same way on every machine."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from chatui.store import TranscriptStore
from tests import transcripts


def fill_disk(store: TranscriptStore) -> None:
    """The disk holding `store` is full from now on: the file may not grow by a single page
    (SQLite then fails writes with SQLITE_FULL, as on a full disk)."""
    conn = store._connection()
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages}")


def full_disk_after_open() -> None:
    """For `run_chatui(setup=...)`: every store this process opens sits on a full disk."""
    opened = TranscriptStore.open.__func__  # type: ignore[attr-defined]

    def open_full(cls: type[TranscriptStore], path: Path | None = None) -> TranscriptStore:
        store: TranscriptStore = opened(cls, path)
        fill_disk(store)
        return store

    TranscriptStore.open = classmethod(open_full)  # type: ignore[method-assign, assignment]


@contextmanager
def read_only(*paths: Path) -> Iterator[None]:
    """Make files and folders unwritable: by mode, or for root (who ignores modes) immutable
    with `chattr +i`. Undone on exit."""
    as_root = os.geteuid() == 0
    modes = {path: stat.S_IMODE(path.stat().st_mode) for path in paths}
    if as_root:
        subprocess.run(["chattr", "+i", *map(str, paths)], check=True, capture_output=True)
    else:
        for path in paths:
            path.chmod(modes[path] & ~0o222)
    try:
        yield
    finally:
        if as_root:
            subprocess.run(["chattr", "-i", *map(str, paths)], check=True, capture_output=True)
        for path, mode in modes.items():
            path.chmod(mode)


def from_newer_version(db: Path) -> None:
    """Mark the database as written by a future chatui (schema version 99)."""
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA user_version = 99")
    conn.close()


def seed_earlier(db: Path) -> tuple[str, bytes]:
    """A database holding one earlier conversation; returns its id and the file's bytes."""
    earlier = transcripts.seed("Earlier", [("Remember this", "Remembered.")], model="m", db=db)
    return earlier, db.read_bytes()
