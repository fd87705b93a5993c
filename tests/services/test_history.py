"""The history service: pages, search, ids, rename, delete and undo, export and import."""

from __future__ import annotations

import json
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from chatui.core import AmbiguousId, BadExport, NotFound, StoreError
from chatui.services.history import History, one_line, title_line
from chatui.store import TranscriptStore

CHATGPT = Path(__file__).parent.parent / "store" / "exports" / "chatgpt-conversations.json"


@pytest.fixture
def history(tmp_path: Path) -> Iterator[History]:
    with TranscriptStore.open(tmp_path / "chatui.db") as store:
        yield History(store)


def seed(history: History, title: str, *texts: str) -> str:
    store = history.store
    conversation = store.create_conversation(title)
    for text in texts:
        store.add_message(conversation.id, "user", text)
    return conversation.id


def test_one_line_rules() -> None:
    assert one_line(" a\n\tb \x1b[31m ") == " a b ^[[31m "  # ends kept: a piece of a line
    assert one_line("left\u202eright") == "left<U+202E>right"
    assert title_line("  \n ") == "(untitled)"
    assert title_line(" Trip\nplan ") == "Trip plan"


def test_pages_newest_first(history: History) -> None:
    ids = [seed(history, f"c{n}", "hello") for n in range(5)]
    assert [s.id for s in history.page(3)] == ids[::-1][:3]
    assert [s.id for s in history.page(3, 3)] == ids[::-1][3:]


def test_best_hits_one_per_conversation(history: History) -> None:
    many = seed(history, "zebra facts", "zebra one", "zebra two", "zebra three")
    other = seed(history, "horses", "a zebra too")
    hits = history.best_hits("zebra", 10)
    assert sorted(hit.conversation_id for hit in hits) == sorted([many, other])
    assert len(history.search("zebra", 10)) > len(hits)  # the screen sees every hit
    assert len(history.best_hits("zebra", 1)) == 1


def test_resolve_prefixes_with_clear_errors(history: History) -> None:
    first = seed(history, "a")
    second = seed(history, "b")
    assert history.resolve(first.lower()) == first
    assert history.resolve(history.short_ids([second])[second]) == second
    with pytest.raises(NotFound, match="is not a conversation id"):
        history.resolve("not-an-id!")
    with pytest.raises(NotFound, match="no conversation id starts with 'ZZZZ'"):
        history.resolve("ZZZZ")
    with pytest.raises(AmbiguousId, match="matches several conversations"):
        history.resolve(first[:1])


def test_rename_trims(history: History) -> None:
    conversation = seed(history, "old")
    history.rename(conversation, "  new title \n")
    assert history.transcript(conversation).conversation.title == "new title"


def test_delete_and_undo_restore_exactly(history: History) -> None:
    kept = seed(history, "kept", "x")
    gone = seed(history, "gone", "q", "r")
    before = history.export_text(gone, "json", reasoning=True)
    deleted = history.delete(gone)
    assert (deleted.conversation_id, deleted.title) == (gone, "gone")
    assert [s.id for s in history.page(10)] == [kept]
    assert history.deleted == [deleted]
    assert history.undo() == deleted
    assert history.export_text(gone, "json", reasoning=True) == before
    assert history.deleted == []
    assert history.undo() is None


def test_failed_delete_keeps_the_undo_stack(history: History) -> None:
    with pytest.raises(StoreError):
        history.delete("01J0000000000000000000000Z")
    assert history.deleted == []


def test_export_text_and_private_file(history: History, tmp_path: Path) -> None:
    conversation = seed(history, "Trip \x1b]0;evil\x07", "hello")
    markdown = history.export_text(conversation, "md")
    assert "\x1b" not in markdown and "hello" in markdown
    assert json.loads(history.export_text(conversation, "json"))["conversation"]["id"]
    target = tmp_path / "out.md"
    history.export_to(conversation, "md", str(target))
    assert target.read_text() == markdown
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    with pytest.raises(StoreError, match="cannot write"):
        history.export_to(conversation, "md", str(tmp_path / "missing" / "out.md"))
    path = history.export_into(conversation, "json", tmp_path)
    assert path.name.startswith("chatui-trip-0-evil") and path.suffix == ".json"


def test_import_chatui_export_and_refuse_duplicates(history: History) -> None:
    conversation = seed(history, "Round trip", "a", "b")
    raw = history.export_text(conversation, "json").encode()
    history.delete(conversation)
    report = history.store_import(history.read_import(raw, "file.json"))
    assert report.summary == f"Imported {conversation} (2 messages): Round trip"
    assert (report.listed, report.more, report.skipped) == ([], "", "")
    pending = history.read_import(raw, "file.json")
    with pytest.raises(StoreError, match=r"file\.json: conversation .* is already in"):
        history.store_import(pending)
    copy = history.store_import(pending, new_ids=True)
    assert copy.summary.startswith("Imported ") and conversation not in copy.summary


def test_import_chatgpt_reports_and_skips(history: History) -> None:
    pending = history.read_import(CHATGPT.read_bytes(), "chatgpt.json")
    assert pending.kind == "chatgpt"
    assert pending.problems == ("conversation 3 ('Broken one'): message m-bad has no author",)
    assert history.page(10) == []  # reading stores nothing
    report = history.store_import(pending)
    assert report.summary == "Imported 3 conversations (12 messages) from a ChatGPT export:"
    assert report.listed[0][1] == "Trip plan ✈️ Kyōto (7 messages)"
    assert {history.resolve(short) for short, _ in report.listed} == {
        s.id for s in history.page(10)
    }
    assert report.skipped == "Skipped 1 without messages, 1 that could not be read."
    again = history.store_import(history.read_import(CHATGPT.read_bytes(), "chatgpt.json"))
    assert again.summary == "Nothing new to import from this ChatGPT export."
    assert again.listed == []
    assert again.skipped.startswith("Skipped 3 already imported")


def test_import_rejects_what_is_not_an_export(history: History) -> None:
    with pytest.raises(BadExport, match=r"x\.json is not a JSON export"):
        history.read_import(b"{nope", "x.json")
    with pytest.raises(BadExport, match="holds no conversations"):
        history.read_import(b"[]", "x.json")
