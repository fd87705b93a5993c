"""A later export adds what is new in conversations imported before (issue 22, point 6)."""

from __future__ import annotations

import argparse
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from chatui.cli import history as history_cmd
from chatui.exchange.importers import parse_export
from chatui.services.history import History
from chatui.services.session.branches import build_tree
from chatui.store import TranscriptStore
from chatui.store.ids import new_id
from tests.store.export_shapes import T, chatgpt_chain, chatgpt_message

TURNS = [("user", "Plan a week in Lisbon"), ("assistant", "Day 1: Alfama.")]
MORE = [("user", "And day 2?"), ("assistant", "Day 2: Belém.")]


def run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="chatui")
    history_cmd.register(parser.add_subparsers(dest="command"))
    return history_cmd.run(parser.parse_args(["history", *argv]))


def write(path: Path, conversations: list[dict[str, Any]]) -> str:
    path.write_text(json.dumps(conversations), encoding="utf-8")
    return str(path)


def grown() -> dict[str, Any]:
    """The Lisbon conversation later: two more messages, and a regenerated first reply."""
    conversation = chatgpt_chain("c-lisbon", [*TURNS, *MORE])
    regenerated = chatgpt_message("assistant", "Day 1: Sintra.", created=T + 500)
    conversation["mapping"]["n2b"] = {"id": "n2b", "message": regenerated, "parent": "n1"}
    conversation["mapping"]["n1"]["children"].append("n2b")
    conversation["current_node"] = "n4"
    return conversation


def test_a_grown_conversation_gets_its_new_messages_and_branches(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = write(tmp_path / "first.json", [chatgpt_chain("c-lisbon", TURNS)])
    assert run("import", first) == 0
    capsys.readouterr()
    other = chatgpt_chain("c-porto", [("user", "Porto?"), ("assistant", "Yes.")], start=T + 900)
    later = write(tmp_path / "later.json", [grown(), other])
    assert run("import", later) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == (
        "Imported 1 conversation (2 messages), 1 updated: 3 new messages, from a ChatGPT export:"
    )
    assert lines[1].endswith("  Test (2 messages)") and lines[2].endswith("  Test (3 new messages)")
    with TranscriptStore.open() as store:
        (lisbon,) = [s for s in store.list_conversations() if s.message_count == 5]
        transcript = store.get_conversation(lisbon.id)
    contents = [m.content for m in transcript.messages]
    assert sorted(contents) == sorted(
        ["Plan a week in Lisbon", "Day 1: Alfama.", "And day 2?", "Day 2: Belém.", "Day 1: Sintra."]
    )
    assert transcript.conversation.updated_at == T + 500
    _, branch = build_tree(transcript.messages)  # it opens on the export's current branch
    assert [turn.content for turn in branch] == [text for _, text in [*TURNS, *MORE]]
    assert run("import", later) == 0
    assert capsys.readouterr().out == (
        "Nothing new to import from this ChatGPT export.\nSkipped 2 already imported.\n"
    )


def test_a_conversation_imported_under_random_ids_is_left_as_it_is(
    store: TranscriptStore,
) -> None:
    # chatui before issue 22 gave imported messages random ids: nothing matches them, so a
    # later export is not added beside them as a second copy.
    (old,) = parse_export([chatgpt_chain("c-lisbon", TURNS)], "chatgpt").transcripts
    renamed = {m.id: new_id() for m in old.messages}
    messages = tuple(
        replace(m, id=renamed[m.id], parent_id=renamed.get(m.parent_id or "")) for m in old.messages
    )
    store.import_transcripts([replace(old, messages=messages)])
    history = History(store)
    report = history.store_import(history.read_import(json.dumps([grown()]).encode(), "f"))
    assert report.summary == "Nothing new to import from this ChatGPT export."
    assert report.skipped == (
        "Skipped 1 already in the history without any of these messages (imported by an older"
        " chatui, or from another export: delete it and import again to replace it)."
    )
    assert store.get_conversation(old.conversation.id).messages == messages
