"""Attached files in the store: the v3 migration, round trips, JSON and Markdown exports."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from chatui.core import Attachment, StoreError
from chatui.exchange.chatui_json import export_json, import_json
from chatui.exchange.markdown import export_markdown
from chatui.services.exports import export_conversation
from chatui.store import LATEST_VERSION, TranscriptStore
from chatui.store.schema import migrate, schema_version
from tests.store.conftest import fts_integrity

NOTES = Attachment("docs/notes.md", "# Notes\n\nzebra crossing\n", 25)
CODE = Attachment("x.py", "s = '```'\n```nested```\n", 24)


def _make_v2_database(path: Path) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    assert migrate(conn, target=2) == 2
    conn.execute(
        "INSERT INTO conversations (id, title, created_at, updated_at)"
        " VALUES ('01AAAAAAAAAAAAAAAAAAAAAAAA', 'Old chat', 100.0, 200.0)"
    )
    conn.execute(
        "INSERT INTO messages (id, conversation_id, role, content, reasoning, status, created_at,"
        " updated_at) VALUES ('01AAAAAAAAAAAAAAAAAAAAAAB1', '01AAAAAAAAAAAAAAAAAAAAAAAA', 'user',"
        " 'what about walruses', 'hmm', 'complete', 101.0, 101.0)"
    )
    conn.close()


def test_upgrade_from_version_2_keeps_data_and_adds_attachments(data_dir: Path) -> None:
    data_dir.mkdir()
    path = data_dir / "chatui.db"
    _make_v2_database(path)
    with TranscriptStore.open(path) as store:
        conn = store._connection()
        assert LATEST_VERSION == 5 and schema_version(conn) == 5
        (old,) = store.get_conversation("01AAAAAAAAAAAAAAAAAAAAAAAA").messages
        assert (old.content, old.reasoning, old.attachments) == ("what about walruses", "hmm", ())
        assert old.window_start is None  # v4: all of its branch was sent
        assert old.stop_reason is None  # v5: not known
        assert [hit.message_id for hit in store.search("walruses")] == [old.id]
        added = store.add_message(old.conversation_id, "user", "and this", attachments=[NOTES])
        assert store.get_message(added.id).attachments == (NOTES,)
        fts_integrity(conn)


def test_attachments_round_trip_and_are_not_searched(store: TranscriptStore) -> None:
    conversation = store.create_conversation("files")
    message = store.add_message(conversation.id, "user", "read these", attachments=[NOTES, CODE])
    assert message.attachments == (NOTES, CODE)
    (saved,) = store.get_conversation(conversation.id).messages
    assert saved.attachments == (NOTES, CODE)
    raw = store._connection().execute("SELECT attachments FROM messages").fetchone()[0]
    assert json.loads(raw)[0] == {"name": "docs/notes.md", "content": NOTES.content, "size": 25}
    # Search finds what the conversation view shows; attachment contents are not indexed.
    assert store.search("zebra") == []
    assert [hit.message_id for hit in store.search("read these")] == [message.id]


def test_damaged_attachments_column_reads_as_none(store: TranscriptStore) -> None:
    conversation = store.create_conversation()
    message = store.add_message(conversation.id, "user", "hi")
    store._connection().execute("UPDATE messages SET attachments = '{not json'")
    assert store.get_message(message.id).attachments == ()


def test_json_export_is_lossless_and_imports_back(store: TranscriptStore) -> None:
    conversation = store.create_conversation("files")
    store.add_message(conversation.id, "user", "read these", attachments=[NOTES, CODE])
    document = json.loads(json.dumps(export_json(store, conversation.id)))
    assert document["version"] == 2
    assert document["messages"][0]["attachments"] == [
        {"name": "docs/notes.md", "content": NOTES.content, "size": 25},
        {"name": "x.py", "content": CODE.content, "size": 24},
    ]
    copy = import_json(store, document, new_ids=True)
    (message,) = store.get_conversation(copy.id).messages
    assert message.attachments == (NOTES, CODE)


def test_older_export_without_attachments_imports(store: TranscriptStore) -> None:
    conversation = store.create_conversation("old")
    store.add_message(conversation.id, "user", "plain")
    document = export_json(store, conversation.id)
    document["version"] = 1
    for message in document["messages"]:
        del message["attachments"]
    copy = import_json(store, json.loads(json.dumps(document)), new_ids=True)
    assert [m.attachments for m in store.get_conversation(copy.id).messages] == [()]


@pytest.mark.parametrize("bad", [{"name": "a"}, "text", [{"name": 1, "content": "", "size": 0}]])
def test_export_with_bad_attachments_is_refused(store: TranscriptStore, bad: object) -> None:
    conversation = store.create_conversation("x")
    store.add_message(conversation.id, "user", "plain")
    document = export_json(store, conversation.id)
    document["messages"][0]["attachments"] = bad if isinstance(bad, list | str) else [bad]
    with pytest.raises(StoreError, match="attachments"):
        import_json(store, document, new_ids=True)


def test_markdown_export_shows_each_file_fenced_and_inert(
    store: TranscriptStore, tmp_path: Path
) -> None:
    conversation = store.create_conversation("files")
    hostile = Attachment("evil.txt", "\x1b[2Jgone\n", 9)
    store.add_message(conversation.id, "user", "read", attachments=[NOTES, CODE, hostile])
    markdown = export_markdown(store, conversation.id)
    assert "**Attached file: docs/notes.md** (25 B)\n\n```\n# Notes\n\nzebra crossing\n```" in (
        markdown
    )
    # The fence is longer than any backtick run inside, so the block cannot end early.
    assert "**Attached file: x.py** (24 B)\n\n````\ns = '```'\n```nested```\n````" in markdown
    written = export_conversation(store, conversation.id, "md", tmp_path).read_text()
    assert "\x1b" not in written and "^[[2Jgone" in written
