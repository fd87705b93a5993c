"""ChatGPT and Claude exports read into transcripts: branches, hidden nodes, times, models."""

from __future__ import annotations

import io
import json
import re
import sqlite3
import zipfile
from pathlib import Path
from typing import Any

import pytest

from chatui.core import StoreError
from chatui.exchange.importers import ParsedExport, detect, parse_export, read_export
from chatui.services.session.branches import build_tree
from chatui.store import Transcript, TranscriptStore, queries
from chatui.store.ids import id_time

EXPORTS = Path(__file__).parent / "exports"
T = 1700000000.0


def load(name: str) -> Any:
    return json.loads((EXPORTS / name).read_text(encoding="utf-8"))


def chatgpt() -> ParsedExport:
    return parse_export(load("chatgpt-conversations.json"), "chatgpt")


def claude() -> ParsedExport:
    return parse_export(load("claude-conversations.json"), "claude")


def by_title(parsed: ParsedExport, title: str) -> Transcript:
    (found,) = [t for t in parsed.transcripts if t.conversation.title == title]
    return found


def shown_branch(transcript: Transcript) -> list[str]:
    """The contents the app shows when it opens the conversation."""
    _, branch = build_tree(transcript.messages)
    return [turn.content for turn in branch]


def test_detect_formats() -> None:
    assert detect(load("chatgpt-conversations.json"), "f") == "chatgpt"
    assert detect(load("claude-conversations.json"), "f") == "claude"
    assert detect({"format": "chatui-transcript"}, "f") == "chatui"
    assert detect({"mapping": {}}, "f") == "chatgpt"  # one conversation on its own
    with pytest.raises(StoreError, match="holds no conversations"):
        detect([], "f.json")
    with pytest.raises(StoreError, match=r'not a chatui, ChatGPT or Claude export.*"mapping"'):
        detect([1, 2, {"messages": []}], "f.json")
    with pytest.raises(StoreError, match="not a chatui, ChatGPT or Claude export"):
        detect("text", "f.json")


def test_chatgpt_counts_and_problems() -> None:
    parsed = chatgpt()
    assert len(parsed.transcripts) == 3 and parsed.empty == 1
    assert parsed.problems == ("conversation 3 ('Broken one'): message m-bad has no author",)


def test_chatgpt_tree_keeps_every_branch_and_opens_on_the_exports_current_one() -> None:
    trip = by_title(chatgpt(), "Trip plan ✈️ Kyōto")
    conv = trip.conversation
    assert conv.settings == {"imported_from": "chatgpt:c1-trip"}
    assert (conv.created_at, conv.updated_at) == (T, T + 100)
    assert abs(id_time(conv.id) - T) < 0.001  # the id sorts by the original start
    contents = {m.content: m for m in trip.messages}
    # hidden system message and custom-instructions context are gone; thoughts and the
    # "Thought for 4 seconds" recap are not messages
    assert len(trip.messages) == 7
    assert not any("like trains" in m.content or "Thought for" in m.content for m in trip.messages)
    u1 = contents["Plan a trip to Kyōto 🚄"]
    edit = contents["Plan a trip to Tokyo instead"]
    assert u1.parent_id is None and edit.parent_id is None  # re-linked past the hidden nodes
    first = contents["Day 1: Fushimi Inari. Day 2: Arashiyama."]  # text parts joined
    regenerated = contents["Regenerated: start at Kinkaku-ji."]
    assert first.parent_id == regenerated.parent_id == u1.id
    assert (first.provider, first.model, regenerated.model) == ("openai", "gpt-4o", "gpt-4o-mini")
    answer = contents["Ōsaka works as a day trip: eat takoyaki in Dōtonbori."]
    assert answer.model == "o3"
    assert answer.reasoning == "Weighing day trips\n\nOsaka is 15 minutes by shinkansen."
    assert answer.parent_id == contents["What about Ōsaka?"].id
    assert contents["What about Ōsaka?"].parent_id == first.id
    assert (u1.provider, u1.model) == (None, None)
    # The newest message (the edit's reply, T+80) is on another branch: the export's current
    # node keeps its time and is stored last, so that its branch is the one the app opens.
    assert answer.created_at == T + 50 and trip.messages[-1] is answer
    assert shown_branch(trip) == [
        "Plan a trip to Kyōto 🚄",
        "Day 1: Fushimi Inari. Day 2: Arashiyama.",
        "What about Ōsaka?",
        "Ōsaka works as a day trip: eat takoyaki in Dōtonbori.",
    ]
    ids = [m.id for m in trip.messages]
    assert all(ids.index(m.parent_id) < ids.index(m.id) for m in trip.messages if m.parent_id)


def test_chatgpt_tool_calls_merge_into_one_reply_and_parts_become_placeholders() -> None:
    numbers = by_title(chatgpt(), "Numbers")
    assert [(m.role, m.content) for m in numbers.messages] == [
        ("user", "[image]\n\nHow many dots are in this picture?\n\n[file: notes.pdf]"),
        ("assistant", "Let me count them with code.\n\nThere are **42** dots."),
        ("user", "```python\nx = 1\n```"),  # no time: its parent's; the empty reply is gone
    ]
    reply = numbers.messages[1]
    assert (reply.provider, reply.model) == ("openai", "chatgpt")  # no slug, no default
    assert reply.updated_at == T + 1030
    assert numbers.messages[2].created_at == T + 1030
    assert numbers.messages[2].parent_id == reply.id


def test_chatgpt_without_title_or_times() -> None:
    untitled = by_title(chatgpt(), "")
    user, reply = untitled.messages
    assert user.content == "Say 日本語 and \x1b[31mred\x1b[0m"  # stored as written
    assert (reply.model, reply.parent_id) == ("gpt-4", user.id)
    assert untitled.conversation.created_at == user.created_at == reply.created_at


def test_claude_linear_with_thinking_files_and_text_fallback() -> None:
    parsed = claude()
    assert parsed.empty == 1
    assert parsed.problems == (
        "conversation 3 ('Oops'): message o2 has no sender",
        "conversation 4 ('Bad date'): created_at is not a date: 'yesterday'",
    )
    rust = by_title(parsed, "Rust lifetimes ✨")
    assert rust.conversation.settings == {"imported_from": "claude:k1-linear"}
    assert rust.conversation.created_at == 1714557600.0  # 2024-05-01T10:00:00Z
    assert [(m.role, m.content) for m in rust.messages] == [
        ("user", "Why does the borrow checker complain?\n\n[file: main.rs]"),
        (
            "assistant",
            "You return a reference to a local variable — it dies at the end of the function."
            "\n\n[tool use: artifacts]",
        ),
        ("user", "Thanks! Ça marche."),
        ("assistant", "De rien ! 🎉"),
    ]
    thinking = rust.messages[1]
    assert thinking.reasoning == "The user likely returns a reference to a local."
    assert (thinking.provider, thinking.model) == ("anthropic", "claude")
    assert [m.parent_id for m in rust.messages[1:]] == [m.id for m in rust.messages[:-1]]
    assert rust.messages[3].created_at == 1714557662.0  # no zone: UTC


def test_claude_parent_links_make_branches_and_the_newest_opens() -> None:
    haiku = by_title(claude(), "Haiku")
    roots = [m for m in haiku.messages if m.parent_id is None]
    assert [m.content for m in roots] == ["Write a haiku about tea", "Write a haiku about coffee"]
    assert len(haiku.messages) == 4  # the empty reply is left out
    assert shown_branch(haiku) == ["Write a haiku about coffee", "Dark roast, morning light"]


@pytest.mark.parametrize(
    ("conversation", "problem"),
    [
        ({"title": "x", "id": "a"}, "has no message mapping"),
        ({"title": "x", "mapping": {}}, "has no id"),
        ({"id": "a", "mapping": {"n": []}}, "node n is not an object"),
        ({"id": "a", "mapping": {"n": {"message": {"author": {"role": "user"}}}}}, "no content"),
        ({"id": "a", "create_time": "monday", "mapping": {}}, "create_time is not a number"),
        (
            {
                "id": "a",
                "mapping": {
                    "n": {
                        "message": {
                            "author": {"role": "user"},
                            "content": {"content_type": "text", "parts": "hi"},
                        }
                    }
                },
            },
            "message n has content parts that are not a list",
        ),
        (
            {
                "id": "a",
                "mapping": {
                    "p": {"parent": "q", "message": None},
                    "q": {"parent": "p", "message": None},
                },
            },
            "is its own ancestor",
        ),
        ("just text", "is not an object"),
    ],
)
def test_chatgpt_broken_conversations_say_what_and_where(conversation: Any, problem: str) -> None:
    good = load("chatgpt-conversations.json")[0]
    parsed = parse_export([good, conversation], "chatgpt")
    assert len(parsed.transcripts) == 1
    (line,) = parsed.problems
    assert line.startswith("conversation 2") and problem in line


def test_read_export_from_zip_and_bad_files() -> None:
    raw = (EXPORTS / "claude-conversations.json").read_bytes()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("users.json", "[]")
        archive.writestr("export/conversations.json", raw)
    assert read_export(buffer.getvalue(), "x.zip") == json.loads(raw)
    empty = io.BytesIO()
    with zipfile.ZipFile(empty, "w") as archive:
        archive.writestr("chat.html", "<html>")
    with pytest.raises(
        StoreError, match=re.escape("x.zip is a zip archive without conversations.json")
    ):
        read_export(empty.getvalue(), "x.zip")
    with pytest.raises(StoreError, match=re.escape("x.zip is not a readable zip archive")):
        read_export(b"PK\x03\x04" + b"\x00" * 40, "x.zip")
    with pytest.raises(StoreError, match=re.escape("f.json is not a JSON export")):
        read_export(b"\xff\xfe\x00garbage", "f.json")
    with pytest.raises(StoreError, match=re.escape("f.json is not a JSON export")):
        read_export(b"[" * 100_000, "f.json")


def test_store_imports_once_all_or_nothing_and_searchable(
    store: TranscriptStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    parsed = chatgpt()
    first = store.import_transcripts(parsed.transcripts)
    assert len(first.stored) == 3 and first.skipped == []
    again = store.import_transcripts(chatgpt().transcripts)
    assert again.stored == [] and len(again.skipped) == 3
    assert store.count_conversations() == 3
    hits = store.search("kyoto")  # accents ignored, title and message both indexed
    assert {hit.message_id is None for hit in hits} == {True, False}
    trip = by_title(parsed, "Trip plan ✈️ Kyōto")
    assert store.get_conversation(trip.conversation.id) == trip
    calls = 0
    original = queries.insert_transcript

    def failing(conn: sqlite3.Connection, transcript: Transcript) -> None:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise sqlite3.OperationalError("disk I/O error")
        original(conn, transcript)

    monkeypatch.setattr(queries, "insert_transcript", failing)
    with pytest.raises(StoreError, match="not saved"):
        store.import_transcripts(claude().transcripts)
    assert calls == 2 and store.count_conversations() == 3  # the first one was rolled back
