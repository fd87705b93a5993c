"""Imported messages keep their own times and order (issue 22, points 1 and 5)."""

from __future__ import annotations

from chatui.exchange.importers import parse_export
from chatui.services.session.branches import build_tree
from chatui.store import Transcript, TranscriptStore
from tests.store.export_shapes import (
    T,
    chatgpt_conversation,
    chatgpt_message,
    claude_conversation,
    claude_message,
)


def only(data: object, kind: str) -> Transcript:
    parsed = parse_export(data, kind)
    assert parsed.problems == ()
    (transcript,) = parsed.transcripts
    return transcript


def opened_branch(transcript: Transcript) -> list[str]:
    _, branch = build_tree(transcript.messages)
    return [turn.content for turn in branch]


def test_claude_messages_out_of_time_order_are_chained_by_time_and_never_merged() -> None:
    # claude-to-sqlite's artifacts.json: no parent links, the last question listed first, and
    # each question shares its reply's time.
    messages = [
        claude_message("h3", "human", "Add a dark mode", "2024-10-17T03:37:51Z"),
        claude_message("h1", "human", "Build a pricing calculator", "2024-10-17T03:28:55Z"),
        claude_message("a1", "assistant", "Here is the calculator.", "2024-10-17T03:28:55Z"),
        claude_message("h2", "human", "Add Gemini prices", "2024-10-17T03:30:35Z"),
        claude_message("a2", "assistant", "Gemini added.", "2024-10-17T03:30:35Z"),
        claude_message("a3", "assistant", "Dark mode added.", "2024-10-17T03:37:51Z"),
        claude_message("a4", "assistant", "And a toggle for it.", "2024-10-17T03:39:00Z"),
    ]
    transcript = only([claude_conversation("k-art", messages)], "claude")
    assert [(m.role, m.content) for m in transcript.messages] == [
        ("user", "Build a pricing calculator"),
        ("assistant", "Here is the calculator."),
        ("user", "Add Gemini prices"),
        ("assistant", "Gemini added."),
        ("user", "Add a dark mode"),
        ("assistant", "Dark mode added."),
        ("assistant", "And a toggle for it."),  # two replies in a row stay two
    ]
    assert [m.created_at for m in transcript.messages] == [
        1729135735.0, 1729135735.0, 1729135835.0, 1729135835.0,
        1729136271.0, 1729136271.0, 1729136340.0,
    ]  # fmt: skip
    ids = [m.id for m in transcript.messages]
    assert [m.parent_id for m in transcript.messages] == [None, *ids[:-1]]


def test_chatgpt_times_are_kept_even_when_they_go_backwards(store: TranscriptStore) -> None:
    # "Branch in new chat": copied messages two days older than their conversation; a reply
    # whose thoughts were saved after it; a regenerated reply; a reply dated before its question.
    day = 86400.0
    thoughts = {"content_type": "thoughts", "thoughts": [{"summary": "S", "content": "C"}]}
    nodes = [
        ("root", None, None),
        ("u1", "root", chatgpt_message("user", "Copied question", created=T - 2 * day)),
        ("a1", "u1", chatgpt_message("assistant", "Copied answer", created=T - 2 * day + 5)),
        ("u2", "a1", chatgpt_message("user", "New question", created=T + 10)),
        ("th", "u2", chatgpt_message("assistant", created=T + 40, content=thoughts)),
        ("a2", "th", chatgpt_message("assistant", "Thought-out answer", created=T + 20)),
        ("u3", "a2", chatgpt_message("user", "Late question", created=T + 100)),
        ("a3", "u3", chatgpt_message("assistant", "Early answer", created=T + 90)),
        ("a2b", "u2", chatgpt_message("assistant", "Regenerated answer", created=T + 200)),
    ]
    conversation = chatgpt_conversation("c-times", nodes, current="a3")
    transcript = only([conversation], "chatgpt")
    by_text = {m.content: m for m in transcript.messages}
    assert {text: m.created_at for text, m in by_text.items()} == {
        "Copied question": T - 2 * day,
        "Copied answer": T - 2 * day + 5,
        "New question": T + 10,
        "Thought-out answer": T + 20,
        "Late question": T + 100,
        "Early answer": T + 90,
        "Regenerated answer": T + 200,
    }
    assert by_text["Thought-out answer"].reasoning == "S\n\nC"
    assert transcript.conversation.created_at == T - 2 * day  # the earliest time, not later
    ids = [m.id for m in transcript.messages]
    assert all(ids.index(m.parent_id) < ids.index(m.id) for m in transcript.messages if m.parent_id)
    # It opens on the export's current branch although another reply is newer, and reads
    # back from the store in the same order.
    expected = ["Copied question", "Copied answer", "New question", "Thought-out answer"]
    assert opened_branch(transcript) == [*expected, "Late question", "Early answer"]
    store.import_transcripts([transcript])
    assert store.get_conversation(transcript.conversation.id) == transcript
