"""The database schema as ordered migrations, tracked with `PRAGMA user_version`."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence

Migration = Sequence[str] | Callable[[sqlite3.Connection], None]

# v1: the base tables. `seq` is a stable integer key (the rowid alias) that the external-content
# FTS tables added in v2 point at; `id` is the public, sortable id.
V1_BASE_TABLES: tuple[str, ...] = (
    """
    CREATE TABLE conversations (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        title TEXT NOT NULL DEFAULT '',
        system_prompt TEXT NOT NULL DEFAULT '',
        settings TEXT NOT NULL DEFAULT '{}',
        created_at REAL NOT NULL,
        updated_at REAL NOT NULL
    )
    """,
    "CREATE INDEX conversations_by_updated ON conversations (updated_at, id)",
    """
    CREATE TABLE messages (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
        parent_id TEXT REFERENCES messages (id) ON DELETE SET NULL,
        role TEXT NOT NULL CHECK (role IN ('system', 'user', 'assistant')),
        content TEXT NOT NULL DEFAULT '',
        provider TEXT,
        model TEXT,
        status TEXT NOT NULL DEFAULT 'complete'
            CHECK (status IN ('complete', 'streaming', 'stopped', 'error', 'interrupted')),
        error TEXT,
        input_tokens INTEGER,
        output_tokens INTEGER,
        cost REAL,
        ttft REAL,
        duration REAL,
        created_at REAL NOT NULL,
        updated_at REAL NOT NULL,
        writer_pid INTEGER
    )
    """,
    "CREATE INDEX messages_by_conversation ON messages (conversation_id, created_at, id)",
    "CREATE INDEX messages_by_parent ON messages (parent_id)",
    "CREATE INDEX messages_streaming ON messages (status) WHERE status = 'streaming'",
)

# v2: reasoning text, and full-text search over message content and conversation titles.
# Messages still streaming are kept out of the index (the FTS content is a view without them), so
# a streaming flush is one cheap UPDATE; they are indexed when they reach a final status.
V2_REASONING_AND_SEARCH: tuple[str, ...] = (
    "ALTER TABLE messages ADD COLUMN reasoning TEXT NOT NULL DEFAULT ''",
    """
    CREATE VIEW searchable_messages AS
    SELECT seq, content FROM messages WHERE status != 'streaming'
    """,
    """
    CREATE VIRTUAL TABLE messages_fts USING fts5 (
        content, content='searchable_messages', content_rowid='seq',
        tokenize='unicode61 remove_diacritics 2', prefix='2 3'
    )
    """,
    """
    CREATE VIRTUAL TABLE conversations_fts USING fts5 (
        title, content='conversations', content_rowid='seq',
        tokenize='unicode61 remove_diacritics 2', prefix='2 3'
    )
    """,
    """
    CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages
    WHEN new.status != 'streaming' BEGIN
        INSERT INTO messages_fts (rowid, content) VALUES (new.seq, new.content);
    END
    """,
    """
    CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages
    WHEN old.status != 'streaming' BEGIN
        INSERT INTO messages_fts (messages_fts, rowid, content)
        VALUES ('delete', old.seq, old.content);
    END
    """,
    """
    CREATE TRIGGER messages_fts_update AFTER UPDATE OF content, status ON messages
    WHEN old.status != 'streaming' OR new.status != 'streaming' BEGIN
        INSERT INTO messages_fts (messages_fts, rowid, content)
        SELECT 'delete', old.seq, old.content WHERE old.status != 'streaming';
        INSERT INTO messages_fts (rowid, content)
        SELECT new.seq, new.content WHERE new.status != 'streaming';
    END
    """,
    """
    CREATE TRIGGER conversations_fts_insert AFTER INSERT ON conversations BEGIN
        INSERT INTO conversations_fts (rowid, title) VALUES (new.seq, new.title);
    END
    """,
    """
    CREATE TRIGGER conversations_fts_delete AFTER DELETE ON conversations BEGIN
        INSERT INTO conversations_fts (conversations_fts, rowid, title)
        VALUES ('delete', old.seq, old.title);
    END
    """,
    """
    CREATE TRIGGER conversations_fts_update AFTER UPDATE OF title ON conversations BEGIN
        INSERT INTO conversations_fts (conversations_fts, rowid, title)
        VALUES ('delete', old.seq, old.title);
        INSERT INTO conversations_fts (rowid, title) VALUES (new.seq, new.title);
    END
    """,
    # Index what a version-1 database already holds.
    "INSERT INTO messages_fts (messages_fts) VALUES ('rebuild')",
    "INSERT INTO conversations_fts (conversations_fts) VALUES ('rebuild')",
)

# v3: text files attached to user messages, a JSON list of {name, content, size}. They are not
# added to the full-text index: a hit must point at text the conversation view shows (it shows
# attachments as chips, not their contents), and up to 1 MB a message would swell the index.
V3_ATTACHMENTS: tuple[str, ...] = (
    "ALTER TABLE messages ADD COLUMN attachments TEXT NOT NULL DEFAULT '[]'",
)

# v4: where a reply's model started reading: the id of the first message its request sent,
# when the conversation did not fit the model's window (NULL: all of its branch was sent).
V4_WINDOW_START: tuple[str, ...] = ("ALTER TABLE messages ADD COLUMN window_start TEXT",)

# v5: why a reply ended, in the provider's word ("stop", "length", "refusal", "content_filter",
# ...; NULL: not known, as for every reply saved before): its notices are shown again when the
# conversation is reopened.
V5_STOP_REASON: tuple[str, ...] = ("ALTER TABLE messages ADD COLUMN stop_reason TEXT",)

#: Migration N (1-based) brings a database from user_version N-1 to N. Append only; never edit
#: a released migration.
MIGRATIONS: tuple[Migration, ...] = (
    V1_BASE_TABLES,
    V2_REASONING_AND_SEARCH,
    V3_ATTACHMENTS,
    V4_WINDOW_START,
    V5_STOP_REASON,
)
LATEST_VERSION = len(MIGRATIONS)


def schema_version(conn: sqlite3.Connection) -> int:
    """The database's `user_version`."""
    row = conn.execute("PRAGMA user_version").fetchone()
    return int(row[0])


def apply_migration(conn: sqlite3.Connection, migration: Migration) -> None:
    """Run one migration's statements on `conn` (the caller holds the transaction)."""
    if callable(migration):
        migration(conn)
        return
    for statement in migration:
        conn.execute(statement)


def migrate(conn: sqlite3.Connection, target: int = LATEST_VERSION) -> int:
    """Apply pending migrations up to `target`, each in its own transaction; return the version.

    `conn` must be in autocommit mode (isolation_level=None). Safe against another process
    migrating at the same time: the version is re-read under the write lock.
    """
    while True:
        conn.execute("BEGIN IMMEDIATE")
        try:
            version = schema_version(conn)
            if version >= target:
                conn.execute("COMMIT")
                return version
            apply_migration(conn, MIGRATIONS[version])
            conn.execute(f"PRAGMA user_version = {version + 1:d}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
