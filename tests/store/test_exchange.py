"""Export to Markdown and JSON, import back exactly, and API keys never reach disk."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from chatui.core import StoreError
from chatui.exchange.chatui_json import EXPORT_FORMAT, EXPORT_VERSION, export_json, import_json
from chatui.exchange.markdown import export_markdown
from chatui.store import TranscriptStore
from chatui.store.records import CONVERSATION_COLUMNS, MESSAGE_COLUMNS
from tests.store.conftest import fts_integrity


def _conversation(store: TranscriptStore) -> str:
    conversation = store.create_conversation(
        "Rust lifetimes", "You are terse.", {"model": "openai/gpt-4o", "temperature": 0.3}
    )
    user = store.add_message(conversation.id, "user", "What is 'a?\n\n```rust\nfn f<'a>() {}\n```")
    reply = store.add_message(
        conversation.id,
        "assistant",
        "",
        parent_id=user.id,
        provider="openai",
        model="gpt-4o",
        status="streaming",
    )
    store.update_streaming(reply.id, "A lifetime", "Consider the borrow checker")
    store.finish_message(
        reply.id,
        "A lifetime **parameter**.",
        "Consider the borrow checker",
        "complete",
        None,
        12,
        34,
        0.000123456789,
        0.123456789,
        1.987654321,
        stop_reason="refusal",
    )
    follow = store.add_message(conversation.id, "user", "More?", parent_id=reply.id)
    failed = store.add_message(
        conversation.id,
        "assistant",
        "Partial",
        parent_id=follow.id,
        provider="anthropic",
        model="claude-sonnet-4",
        status="streaming",
    )
    store.finish_message(failed.id, "Partial", status="error", error="Connection dropped")
    return conversation.id


def test_markdown_export(store: TranscriptStore) -> None:
    text = export_markdown(store, _conversation(store))
    lines = text.splitlines()
    assert lines[0] == "# Rust lifetimes"
    assert "## System prompt" in lines and "You are terse." in lines
    assert "## User" in lines
    assert "## Assistant (openai/gpt-4o)" in lines
    assert "## Assistant (anthropic/claude-sonnet-4)" in lines
    assert "```rust\nfn f<'a>() {}\n```" in text  # content as is
    assert "A lifetime **parameter**." in lines
    assert "Consider the borrow checker" not in text and "<details>" not in text
    assert "*[error: Connection dropped]*" in lines
    assert text.index("## User") < text.index("## Assistant (openai") < text.index("More?")
    assert "[complete" not in text


def test_markdown_export_with_reasoning(store: TranscriptStore) -> None:
    text = export_markdown(store, _conversation(store), reasoning=True)
    assert "<details><summary>Reasoning</summary>\n\nConsider the borrow checker\n" in text
    assert text.index("Consider the borrow checker") < text.index("A lifetime **parameter**.")


def test_json_export_without_reasoning_and_its_import(store: TranscriptStore) -> None:
    conversation_id = _conversation(store)
    data = export_json(store, conversation_id, reasoning=False)
    assert [m["reasoning"] for m in data["messages"]] == ["", "", "", ""]
    assert "Consider the borrow checker" not in json.dumps(data)
    imported = import_json(store, data, new_ids=True)
    assert all(m.reasoning == "" for m in store.get_conversation(imported.id).messages)
    for message in data["messages"]:  # a file without the key at all imports too
        del message["reasoning"]
    imported = import_json(store, data, new_ids=True)
    assert len(store.get_conversation(imported.id).messages) == 4


def test_json_export_has_every_column(store: TranscriptStore) -> None:
    data = export_json(store, _conversation(store))
    assert data["format"] == EXPORT_FORMAT and data["version"] == EXPORT_VERSION
    assert tuple(data["conversation"]) == CONVERSATION_COLUMNS
    assert len(data["messages"]) == 4
    for message in data["messages"]:
        assert tuple(message) == MESSAGE_COLUMNS
    reply = data["messages"][1]
    assert reply["cost"] == 0.000123456789 and reply["output_tokens"] == 34
    assert reply["reasoning"] == "Consider the borrow checker"
    assert reply["stop_reason"] == "refusal"
    conn = store._connection()
    db_columns = {row[1] for row in conn.execute("PRAGMA table_info(messages)")} - {"seq"}
    assert db_columns == set(MESSAGE_COLUMNS)  # nothing stored is left out of the export
    db_columns = {row[1] for row in conn.execute("PRAGMA table_info(conversations)")} - {"seq"}
    assert db_columns == set(CONVERSATION_COLUMNS)


def test_json_round_trip_is_exact(store: TranscriptStore, tmp_path: Path) -> None:
    conversation_id = _conversation(store)
    original = store.get_conversation(conversation_id)
    text = json.dumps(export_json(store, conversation_id))
    store.delete(conversation_id)
    with TranscriptStore.open(tmp_path / "other.db") as other:
        imported = import_json(other, json.loads(text))
        assert imported == original.conversation
        assert other.get_conversation(conversation_id) == original
        assert json.dumps(export_json(other, conversation_id)) == text
        assert [h.conversation_id for h in other.search("lifetime")] == [conversation_id] * 2
        fts_integrity(other._connection())
    import_json(store, json.loads(text))
    assert store.get_conversation(conversation_id) == original


def test_import_existing_id_is_refused_unless_new_ids(store: TranscriptStore) -> None:
    conversation_id = _conversation(store)
    original = store.get_conversation(conversation_id)
    data = export_json(store, conversation_id)
    with pytest.raises(StoreError, match=r"already in the history.*--new-ids"):
        import_json(store, data)
    copy_record = import_json(store, data, new_ids=True)
    assert copy_record.id != conversation_id
    copied = store.get_conversation(copy_record.id)
    assert [m.content for m in copied.messages] == [m.content for m in original.messages]
    assert [m.created_at for m in copied.messages] == [m.created_at for m in original.messages]
    new_ids = {m.id for m in copied.messages}
    assert not new_ids & {m.id for m in original.messages}
    assert copied.messages[1].parent_id == copied.messages[0].id  # parents remapped
    assert store.get_conversation(conversation_id) == original  # untouched
    assert store.count_conversations() == 2


def test_import_message_id_collision_is_refused(store: TranscriptStore) -> None:
    data = export_json(store, _conversation(store))
    data["conversation"]["id"] = "01ZZZZZZZZZZZZZZZZZZZZZZZZ"
    for message in data["messages"]:
        message["conversation_id"] = "01ZZZZZZZZZZZZZZZZZZZZZZZZ"
    with pytest.raises(StoreError, match=r"message .* is already in the history"):
        import_json(store, data)
    assert store.count_conversations() == 1


def test_import_out_of_order_messages(store: TranscriptStore) -> None:
    data = export_json(store, _conversation(store))
    store.delete(data["conversation"]["id"])
    data["messages"].reverse()  # children before parents
    import_json(store, data)
    assert len(store.get_conversation(data["conversation"]["id"]).messages) == 4


def _broken(data: dict[str, Any], change: str) -> dict[str, Any]:
    broken = copy.deepcopy(data)
    if change == "format":
        broken["format"] = "something-else"
    elif change == "version":
        broken["version"] = EXPORT_VERSION + 1
    elif change == "missing":
        del broken["messages"][0]["content"]
    elif change == "type":
        broken["messages"][0]["input_tokens"] = "12"
    elif change == "bool":
        broken["messages"][0]["input_tokens"] = True
    elif change == "role":
        broken["messages"][0]["role"] = "wizard"
    elif change == "parent":
        broken["messages"][1]["parent_id"] = "01MISSING"
    elif change == "foreign":
        broken["messages"][0]["conversation_id"] = "01OTHER"
    elif change == "duplicate":
        broken["messages"][1]["id"] = broken["messages"][0]["id"]
    elif change == "settings":
        broken["conversation"]["settings"] = []
    return broken


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("format", "not a chatui export"),
        ("version", "newer chatui"),
        ("missing", "has no 'content'"),
        ("type", "input_tokens has the wrong type"),
        ("bool", "input_tokens has the wrong type"),
        ("role", "unknown role"),
        ("parent", "parent that is not in the file"),
        ("foreign", "another conversation"),
        ("duplicate", "share an id"),
        ("settings", "settings has the wrong type"),
    ],
)
def test_invalid_imports_are_clear_errors(
    store: TranscriptStore, change: str, message: str
) -> None:
    data = export_json(store, _conversation(store))
    store.delete(data["conversation"]["id"])
    with pytest.raises(StoreError, match=message):
        import_json(store, _broken(data, change))
    assert store.count_conversations() == 0
    bad_exports: list[object] = [None, [], "text", {"format": EXPORT_FORMAT}]
    for bad in bad_exports:
        with pytest.raises(StoreError, match="not a chatui export"):
            import_json(store, bad)


def test_api_keys_never_reach_the_database_or_exports(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secrets = {
        "OPENAI_API_KEY": "sk-proj-SECRETopenai0123456789abcdef",
        "ANTHROPIC_API_KEY": "sk-ant-api03-SECRETanthropic0123456789",
        "CHATUI_API_KEY": "chatui-SECRET-compat-key-42",
    }
    for name, value in secrets.items():
        monkeypatch.setenv(name, value)
    with TranscriptStore.open() as store:
        store.recover_interrupted()
        conversation = store.create_conversation(
            "", "Be helpful", {"model": "openai/gpt-4o", "temperature": 0.7}
        )
        user = store.add_message(conversation.id, "user", "Summarise the news")
        reply = store.add_message(
            conversation.id,
            "assistant",
            "",
            parent_id=user.id,
            provider="openai",
            model="gpt-4o",
            status="streaming",
        )
        for step in range(1, 4):
            store.update_streaming(reply.id, "Headline " * step, "reasoning " * step)
        store.finish_message(reply.id, "Headline done", "reasoning", "complete", None, 5, 7, 0.01)
        store.rename(conversation.id, "News summary")
        markdown = export_markdown(store, conversation.id)
        exported = json.dumps(export_json(store, conversation.id))
        store.search("headline")
        store.list_conversations()
        files = {p.name: p.read_bytes() for p in data_dir.iterdir()}  # while WAL is live
    files.update({p.name + " (closed)": p.read_bytes() for p in data_dir.iterdir()})
    assert "chatui.db-wal" in files
    for value in secrets.values():
        for name, blob in files.items():
            assert value.encode() not in blob, name
            assert b"SECRET" not in blob, name
        assert value not in markdown and value not in exported
    assert "Headline done" in markdown
    assert any(b"Headline done" in blob for blob in files.values())  # the scan can see text
