"""`chatui history export` leaves the models' reasoning out unless `--reasoning` asks for it."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from chatui.cli import history as history_cmd
from chatui.store import TranscriptStore
from tests.transcripts import seed

THOUGHT = "First, recall that llamas hum."
PAIR = ("Do llamas hum?", "Yes, they do.")


def humming_llamas() -> str:
    return seed(
        "Humming llamas", [PAIR], reasoning=THOUGHT, provider="claude", model="claude-sonnet-4-5"
    )


def run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="chatui")
    history_cmd.register(parser.add_subparsers(dest="command"))
    return history_cmd.run(parser.parse_args(["history", *argv]))


@pytest.mark.parametrize("kind", ["md", "json"])
def test_export_without_and_with_reasoning(
    data_dir: Path, kind: str, capsys: pytest.CaptureFixture[str]
) -> None:
    conversation_id = humming_llamas()
    assert run("export", conversation_id, "--format", kind) == 0
    plain = capsys.readouterr().out
    assert "Yes, they do." in plain and THOUGHT not in plain
    assert run("export", conversation_id, "--format", kind, "--reasoning") == 0
    full = capsys.readouterr().out
    assert "Yes, they do." in full and THOUGHT in full
    if kind == "md":
        assert "<details><summary>Reasoning</summary>" in full
        assert full.index(THOUGHT) < full.index("Yes, they do.")
    else:
        assert json.loads(plain)["messages"][1]["reasoning"] == ""
        assert json.loads(full)["messages"][1]["reasoning"] == THOUGHT


def test_show_with_reasoning_on_request(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    conversation_id = humming_llamas()
    assert run("show", conversation_id[:10]) == 0
    assert THOUGHT not in capsys.readouterr().out
    assert run("show", conversation_id[:10], "--reasoning") == 0
    assert THOUGHT in capsys.readouterr().out


def test_import_of_an_export_without_reasoning(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    conversation_id = humming_llamas()
    target = tmp_path / "plain.json"
    assert run("export", conversation_id, "--format", "json", "-o", str(target)) == 0
    assert THOUGHT not in target.read_text()
    assert run("import", str(target), "--new-ids") == 0
    assert "Imported" in capsys.readouterr().out
    with TranscriptStore.open() as store:
        copy_id = next(s.id for s in store.list_conversations() if s.id != conversation_id)
        assert [m.reasoning for m in store.get_conversation(copy_id).messages] == ["", ""]
        assert store.get_conversation(conversation_id).messages[1].reasoning == THOUGHT
