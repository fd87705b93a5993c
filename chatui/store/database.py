"""Opening the SQLite file safely: permissions, corruption set-aside, version checks, retries."""

from __future__ import annotations

import os
import random
import sqlite3
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from chatui.core import StoreError
from chatui.paths import data_dir
from chatui.store.schema import LATEST_VERSION, migrate, schema_version

T = TypeVar("T")

DB_NAME = "chatui.db"
SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5000
RETRY_SECONDS = 10.0

# Primary SQLite result codes (sqlite3.Error.sqlite_errorcode & 0xFF).
_BUSY, _LOCKED, _READONLY, _IOERR, _CORRUPT, _FULL, _CANTOPEN, _NOTADB = 5, 6, 8, 10, 11, 13, 14, 26


def default_path() -> Path:
    """Where the transcript database lives: `chatui.db` in the data directory."""
    return data_dir() / DB_NAME


def error_code(exc: BaseException) -> int:
    """The primary SQLite result code of an sqlite3 exception (0 when unknown)."""
    code = getattr(exc, "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else 0


def is_corruption(exc: BaseException) -> bool:
    """True for 'file is not a database' and 'database disk image is malformed'."""
    if not isinstance(exc, sqlite3.DatabaseError):
        return False
    text = str(exc).lower()
    return error_code(exc) in (_CORRUPT, _NOTADB) or "malformed" in text or "not a database" in text


def is_busy(exc: BaseException) -> bool:
    """True when another connection holds a lock we need."""
    return isinstance(exc, sqlite3.OperationalError) and error_code(exc) in (_BUSY, _LOCKED)


def describe(exc: BaseException, path: Path) -> str:
    """A user-facing reason for an sqlite3 exception on the database at `path`."""
    code = error_code(exc)
    if code == _READONLY:
        return f"the database {path} is read-only"
    if code == _FULL:
        return f"the disk holding {path} is full"
    if code in (_BUSY, _LOCKED):
        return f"the database {path} is locked by another program"
    if is_corruption(exc):
        return f"the database {path} is damaged; restart chatui to set it aside and start afresh"
    if code == _IOERR:
        return f"a disk error occurred on {path}"
    if code == _CANTOPEN:
        return f"cannot open {path} (check that the file and its folder are readable and writable)"
    return f"{exc} ({path})"


def retry_busy(operation: Callable[[], T], seconds: float = RETRY_SECONDS) -> T:
    """Run `operation`, retrying with jittered backoff while the database is busy."""
    deadline = time.monotonic() + seconds
    delay = 0.005
    while True:
        try:
            return operation()
        except sqlite3.OperationalError as exc:
            if not is_busy(exc) or time.monotonic() >= deadline:
                raise
        time.sleep(delay * (0.5 + random.random()))
        delay = min(delay * 2, 0.25)


def in_transaction(conn: sqlite3.Connection, body: Callable[[sqlite3.Connection], T]) -> T:
    """Run `body` inside BEGIN IMMEDIATE ... COMMIT, rolling back on any error."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        result = body(conn)
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return result


def _ensure_dir(directory: Path) -> None:
    if directory.is_dir():
        return
    try:
        directory.mkdir(parents=True, mode=0o700)
        directory.chmod(0o700)  # mkdir's mode is filtered by the umask
    except FileExistsError:
        if not directory.is_dir():
            raise StoreError(f"{directory} exists but is not a folder") from None
    except OSError as exc:
        raise StoreError(f"cannot create the data folder {directory}: {exc.strerror}") from exc


def _read_header(path: Path) -> bytes | None:
    """The file's first 100 bytes, or None when it does not exist."""
    try:
        with open(path, "rb") as handle:
            return handle.read(100)
    except FileNotFoundError:
        return None
    except PermissionError as exc:
        raise StoreError(f"cannot read the database {path}: permission denied") from exc
    except IsADirectoryError as exc:
        raise StoreError(f"{path} is a folder, not a database file") from exc
    except OSError as exc:
        raise StoreError(f"cannot read the database {path}: {exc.strerror}") from exc


def _check_version_read_only(path: Path) -> bool:
    """Refuse a database from a newer chatui without writing to it; False if it is corrupt."""
    uri = "file:" + urllib.parse.quote(str(path)) + "?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error as exc:
        raise StoreError(f"cannot open the database {path}: {exc}") from exc
    try:
        version = schema_version(conn)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError as exc:
        if is_corruption(exc):
            return False
        if is_busy(exc) or error_code(exc) == _CANTOPEN:
            return True  # can't tell read-only; the normal open below will decide
        raise StoreError(f"cannot read the database {path}: {exc}") from exc
    finally:
        conn.close()
    if version > LATEST_VERSION:
        raise StoreError(
            f"the database {path} was created by a newer version of chatui (schema version "
            f"{version}, this version understands up to {LATEST_VERSION}); upgrade chatui to "
            "open it. The file was left untouched."
        )
    return True


def move_aside(path: Path) -> Path:
    """Rename a damaged database (and its -wal/-shm files) to `<name>.corrupt-<timestamp>`."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    counter = 1
    while target.exists():
        counter += 1
        target = path.with_name(f"{path.name}.corrupt-{stamp}-{counter}")
    try:
        os.rename(path, target)
        for suffix in ("-wal", "-shm"):
            sidecar = path.with_name(path.name + suffix)
            if sidecar.exists():
                os.rename(sidecar, target.with_name(target.name + suffix))
    except OSError as exc:
        raise StoreError(
            f"the database {path} is damaged and could not be moved aside ({exc.strerror}); "
            "move it away yourself to start with a fresh one"
        ) from exc
    return target


def _create_private_file(path: Path) -> None:
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass
    except OSError as exc:
        raise StoreError(f"cannot create the database {path}: {exc.strerror}") from exc


def tighten_permissions(path: Path) -> None:
    """Make the database and its -wal/-shm files private to the user (0600) where possible."""
    for candidate in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        try:
            if candidate.stat().st_mode & 0o077:
                candidate.chmod(0o600)
        except OSError:
            pass


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(
        str(path),
        timeout=BUSY_TIMEOUT_MS / 1000,
        isolation_level=None,
        check_same_thread=False,
    )
    try:
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS:d}")
        conn.execute("PRAGMA foreign_keys = ON")
        try:
            retry_busy(lambda: conn.execute("PRAGMA journal_mode = WAL").fetchone())
        except sqlite3.OperationalError as exc:
            if error_code(exc) != _READONLY:
                raise  # a read-only database still opens, for reading; writes will say so
        conn.execute("PRAGMA synchronous = NORMAL")
        if schema_version(conn) < LATEST_VERSION:
            retry_busy(lambda: migrate(conn))
    except BaseException:
        conn.close()
        raise
    return conn


def open_database(path: Path) -> tuple[sqlite3.Connection, Path | None]:
    """Open (creating or upgrading) the database; return it and where a damaged one was moved."""
    _ensure_dir(path.parent)
    recovered_from: Path | None = None
    header = _read_header(path)
    if header:
        damaged = len(header) < 100 or not header.startswith(SQLITE_MAGIC)
        if damaged or not _check_version_read_only(path):
            recovered_from = move_aside(path)
    for attempt in range(2):
        _create_private_file(path)
        try:
            conn = _connect(path)
        except sqlite3.Error as exc:
            if is_corruption(exc) and attempt == 0:
                recovered_from = move_aside(path)
                continue
            raise StoreError(f"cannot open the database: {describe(exc, path)}") from exc
        tighten_permissions(path)
        return conn, recovered_from
    raise AssertionError("unreachable")  # pragma: no cover
