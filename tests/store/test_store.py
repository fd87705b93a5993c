"""TranscriptStore behaviour: conversations, messages, streaming, recovery, listing, ids."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time

import pytest

from chatui.core import StoreError
from chatui.store import TranscriptStore
from tests.store.conftest import fts_integrity


def _chat(store: TranscriptStore, title: str = "Chat", question: str = "Hi?") -> str:
    conversation = store.create_conversation(title, system_prompt="Be brief.")
    user = store.add_message(conversation.id, "user", question)
    reply = store.add_message(
        conversation.id,
        "assistant",
        "",
        parent_id=user.id,
        provider="openai",
        model="gpt-4o",
        status="streaming",
    )
    store.finish_message(reply.id, "Hello!", input_tokens=3, output_tokens=2)
    return conversation.id


def test_conversation_round_trip(store: TranscriptStore) -> None:
    created = store.create_conversation("Title", "System", {"temperature": 0.2, "model": "x/y"})
    loaded = store.get_conversation(created.id).conversation
    assert loaded == created
    assert loaded.settings == {"temperature": 0.2, "model": "x/y"}
    updated = store.update_conversation(created.id, system_prompt="New", settings={"a": 1})
    assert (updated.system_prompt, updated.settings, updated.title) == ("New", {"a": 1}, "Title")


def test_messages_are_committed_immediately_and_visible_to_another_connection(
    store: TranscriptStore,
) -> None:
    conversation = store.create_conversation()
    message = store.add_message(conversation.id, "user", "question one")
    with TranscriptStore.open(store.path) as other:
        assert other.get_conversation(conversation.id).messages == (message,)


def test_streaming_then_finish(store: TranscriptStore) -> None:
    conversation = store.create_conversation()
    user = store.add_message(conversation.id, "user", "Explain")
    reply = store.add_message(
        conversation.id,
        "assistant",
        "",
        parent_id=user.id,
        provider="anthropic",
        model="claude",
        status="streaming",
    )
    assert reply.writer_pid == os.getpid()
    store.update_streaming(reply.id, "Part", "thinking")
    flushed = store.get_message(reply.id)
    assert (flushed.content, flushed.reasoning, flushed.status) == ("Part", "thinking", "streaming")
    assert flushed.updated_at >= reply.updated_at
    done = store.finish_message(
        reply.id, "Part two", "thinking more", "stopped", None, 10, 20, 0.0125, 0.31, 2.5
    )
    assert done.status == "stopped"
    assert (done.input_tokens, done.output_tokens, done.cost, done.ttft, done.duration) == (
        10,
        20,
        0.0125,
        0.31,
        2.5,
    )
    assert store.get_message(reply.id) == done
    assert done.parent_id == user.id
    with pytest.raises(StoreError, match="not streaming"):
        store.update_streaming(reply.id, "late flush")
    fts_integrity(store._connection())


def test_error_status_keeps_error_text(store: TranscriptStore) -> None:
    conversation = store.create_conversation()
    reply = store.add_message(
        conversation.id, "assistant", "", provider="openai", model="gpt-4o", status="streaming"
    )
    done = store.finish_message(reply.id, "Partial", status="error", error="Rate limited: 429")
    assert (done.status, done.error, done.content) == ("error", "Rate limited: 429", "Partial")


def test_add_message_validation(store: TranscriptStore) -> None:
    conversation = store.create_conversation()
    with pytest.raises(ValueError, match="role"):
        store.add_message(conversation.id, "robot", "x")
    with pytest.raises(ValueError, match="status"):
        store.add_message(conversation.id, "user", "x", status="done")
    with pytest.raises(ValueError, match="provider and model"):
        store.add_message(conversation.id, "assistant", "x")
    with pytest.raises(StoreError, match="no conversation"):
        store.add_message("01NOPE", "user", "x")
    with pytest.raises(StoreError, match="no parent message"):
        store.add_message(conversation.id, "user", "x", parent_id="01NOPE")
    other = store.create_conversation()
    foreign = store.add_message(other.id, "user", "elsewhere")
    with pytest.raises(StoreError, match="another conversation"):
        store.add_message(conversation.id, "user", "x", parent_id=foreign.id)
    with pytest.raises(ValueError):
        store.finish_message(foreign.id, "x", status="streaming")
    assert store.get_conversation(conversation.id).messages == ()


def test_updated_at_bumps_on_new_messages_and_orders_the_list(store: TranscriptStore) -> None:
    first = store.create_conversation("first")
    second = store.create_conversation("second")
    assert [s.id for s in store.list_conversations()] == [second.id, first.id]
    assert store.last_conversation_id() == second.id
    time.sleep(0.002)
    message = store.add_message(first.id, "user", "bump")
    assert store.get_conversation(first.id).conversation.updated_at == message.created_at
    assert [s.id for s in store.list_conversations()] == [first.id, second.id]
    assert store.last_conversation_id() == first.id


def test_messages_ordered_by_created_at_then_id(store: TranscriptStore) -> None:
    conversation = store.create_conversation()
    added = [store.add_message(conversation.id, "user", f"m{i}") for i in range(30)]
    assert store.get_conversation(conversation.id).messages == tuple(added)


def test_list_summaries(store: TranscriptStore) -> None:
    assert store.list_conversations() == []
    assert store.last_conversation_id() is None
    conversation = store.create_conversation("Trip")
    store.add_message(conversation.id, "system", "You are a guide")
    store.add_message(conversation.id, "user", "Plan a trip\nto   Lisbon " + "please " * 30)
    store.add_message(conversation.id, "assistant", "Sure", provider="openai", model="gpt-4o")
    store.add_message(conversation.id, "user", "And Porto?")
    store.add_message(conversation.id, "assistant", "Yes", provider="anthropic", model="claude")
    store.add_message(conversation.id, "assistant", "Again", provider="openai", model="gpt-4o")
    [summary] = store.list_conversations()
    assert summary.title == "Trip"
    assert summary.message_count == 6
    assert summary.preview.startswith("Plan a trip to Lisbon please please")
    assert "\n" not in summary.preview and len(summary.preview) <= 100
    assert summary.preview.endswith("…")
    assert summary.models == ("openai/gpt-4o", "anthropic/claude")
    assert store.count_conversations() == 1


def test_list_pagination(store: TranscriptStore) -> None:
    ids = [store.create_conversation(f"c{i}").id for i in range(7)]
    pages = [store.list_conversations(limit=3, offset=offset) for offset in (0, 3, 6)]
    assert [s.id for page in pages for s in page] == ids[::-1]


def test_resolve_id_by_unique_prefix(store: TranscriptStore) -> None:
    a = store.create_conversation("a")
    b = store.create_conversation("b")  # same millisecond likely: long shared prefix
    assert store.resolve_id(a.id) == a.id
    assert store.resolve_id(a.id.lower()) == a.id
    shared = next(i for i, (x, y) in enumerate(zip(a.id, b.id, strict=True)) if x != y)
    assert store.resolve_id(b.id[: shared + 1]) == b.id
    with pytest.raises(StoreError, match="matches several conversations"):
        store.resolve_id(a.id[:shared])
    with pytest.raises(StoreError, match="no conversation id starts with"):
        store.resolve_id("ZZZZ")
    with pytest.raises(StoreError, match="not a conversation id"):
        store.resolve_id("hello!")
    with pytest.raises(StoreError, match="not a conversation id"):
        store.resolve_id("")
    short = store.short_ids([a.id, b.id])
    for full, prefix in short.items():
        assert len(prefix) >= 8
        assert store.resolve_id(prefix) == full


def test_rename_and_delete_cascade(store: TranscriptStore) -> None:
    keep = _chat(store, "keep")
    gone = _chat(store, "gone")
    store.rename(gone, "renamed")
    assert store.get_conversation(gone).conversation.title == "renamed"
    store.delete(gone)
    with pytest.raises(StoreError, match="no conversation"):
        store.get_conversation(gone)
    with pytest.raises(StoreError, match="no conversation"):
        store.delete(gone)
    conn = store._connection()
    assert conn.execute("SELECT count(*) FROM messages").fetchone()[0] == 2
    assert [s.id for s in store.list_conversations()] == [keep]
    fts_integrity(conn)


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_recover_interrupted_marks_dead_writers_only(store: TranscriptStore) -> None:
    conversation = store.create_conversation()
    ours = store.add_message(
        conversation.id, "assistant", "", provider="p", model="m", status="streaming"
    )
    orphan = store.add_message(
        conversation.id, "assistant", "", provider="p", model="m", status="streaming"
    )
    stale = store.add_message(
        conversation.id, "assistant", "", provider="p", model="m", status="streaming"
    )
    store.update_streaming(ours.id, "live text")
    store.update_streaming(orphan.id, "flushed before the crash")
    conn = store._connection()
    conn.execute("UPDATE messages SET writer_pid = ? WHERE id = ?", (_dead_pid(), orphan.id))
    conn.execute(
        "UPDATE messages SET updated_at = ? WHERE id = ?", (time.time() - 601, stale.id)
    )  # live pid (ours) but untouched for over 10 minutes
    assert store.recover_interrupted() == 2
    assert store.get_message(ours.id).status == "streaming"
    recovered = store.get_message(orphan.id)
    assert (recovered.status, recovered.content) == ("interrupted", "flushed before the crash")
    assert store.get_message(stale.id).status == "interrupted"
    assert [hit.message_id for hit in store.search("crash")] == [orphan.id]
    assert store.recover_interrupted() == 0
    # A writer that was only slow (marked stale) resumes; the message streams again.
    store.update_streaming(stale.id, "still going")
    assert store.get_message(stale.id).status == "streaming"


def test_recover_leaves_another_live_process_alone(store: TranscriptStore) -> None:
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        conversation = store.create_conversation()
        reply = store.add_message(
            conversation.id, "assistant", "", provider="p", model="m", status="streaming"
        )
        store._connection().execute(
            "UPDATE messages SET writer_pid = ? WHERE id = ?", (other.pid, reply.id)
        )
        assert store.recover_interrupted() == 0
        assert store.get_message(reply.id).status == "streaming"
    finally:
        other.kill()
        other.wait()
    assert store.recover_interrupted() == 1


def test_store_can_be_used_from_a_worker_thread(store: TranscriptStore) -> None:
    conversation = store.create_conversation("threads")
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            reply = store.add_message(
                conversation.id, "assistant", "", provider="p", model="m", status="streaming"
            )
            store.update_streaming(reply.id, "from the worker")
            store.finish_message(reply.id, "from the worker thread")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    assert errors == []
    [message] = store.get_conversation(conversation.id).messages
    assert message.content == "from the worker thread"
