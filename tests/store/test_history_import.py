"""`chatui history import` of ChatGPT and Claude exports: report, re-import, errors, exit codes."""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from chatui.cli import history as history_cmd
from chatui.config import Config, ProviderConfig
from chatui.core import ModelRef
from chatui.services.pool import ProviderPool
from chatui.services.session.chat import ChatSession
from chatui.store import TranscriptStore

EXPORTS = Path(__file__).parent / "exports"
CHATGPT = EXPORTS / "chatgpt-conversations.json"
CLAUDE = EXPORTS / "claude-conversations.json"


def run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="chatui")
    history_cmd.register(parser.add_subparsers(dest="command"))
    return history_cmd.run(parser.parse_args(["history", *argv]))


def test_chatgpt_import_reports_and_skips_on_reimport(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("import", str(CHATGPT)) == 1  # one conversation could not be read
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert lines[0] == "Imported 3 conversations (12 messages) from a ChatGPT export:"
    assert "Trip plan ✈️ Kyōto (7 messages)" in lines[1]
    assert "(untitled) (2 messages)" in out
    assert lines[-1] == "Skipped 1 without messages, 1 that could not be read."
    assert err == "chatui: skipped conversation 3 ('Broken one'): message m-bad has no author\n"
    with TranscriptStore.open() as store:
        summaries = store.list_conversations()
        assert len(summaries) == 3
        short = lines[1].split()[0]
        assert store.resolve_id(short) in {s.id for s in summaries}  # the listed id works
    assert run("import", str(CHATGPT)) == 1
    out, _ = capsys.readouterr()
    assert out == (
        "Nothing new to import from this ChatGPT export.\n"
        "Skipped 3 already imported, 1 without messages, 1 that could not be read.\n"
    )
    assert run("search", "takoyaki") == 0
    assert "Trip plan" in capsys.readouterr().out


def test_claude_zip_import_and_clean_exit(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The fixture holds two broken conversations: a clean export made from its good ones.
    clean = [c for c in json.loads(CLAUDE.read_text()) if c["uuid"] in ("k1-linear", "k2-branches")]
    archive = tmp_path / "claude-export.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("users.json", "[]")
        zipped.writestr("conversations.json", json.dumps(clean))
    assert run("import", str(archive)) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert out.startswith("Imported 2 conversations (8 messages) from a Claude export:\n")
    assert "Skipped" not in out
    assert run("import", str(archive)) == 0
    assert capsys.readouterr().out.endswith("Skipped 2 already imported.\n")
    assert run("show", "--reasoning", out.splitlines()[1].split()[0]) == 0
    shown = capsys.readouterr().out
    assert "## Assistant (anthropic/claude)" in shown and "<summary>Reasoning</summary>" in shown


def test_import_from_stdin(
    data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(CHATGPT.read_text(encoding="utf-8")))
    assert run("import", "-") == 1
    assert "from a ChatGPT export" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"{not json", "is not a JSON export"),
        (b"[1, 2, 3]", "is not a chatui, ChatGPT or Claude export"),
        (b"[]", "holds no conversations"),
        (b'"text"', "is not a chatui, ChatGPT or Claude export"),
        (b"PK\x03\x04broken", "is not a readable zip archive"),
        (b'{"format": "other"}', "not a chatui export"),
    ],
)
def test_bad_files_are_one_line_and_write_nothing(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, message: str
) -> None:
    bad = tmp_path / "conversations.json"
    bad.write_bytes(content)
    assert run("import", str(bad)) == 1
    out, err = capsys.readouterr()
    assert out == "" and err.startswith(f"chatui: Cannot import: {bad}") and message in err
    assert err.count("\n") == 1 and "Traceback" not in err
    with TranscriptStore.open() as store:
        assert store.count_conversations() == 0


def test_cli_subprocess_exit_codes(data_dir: Path, tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}

    def chatui(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "chatui", *args],
            capture_output=True, text=True, env=env, timeout=60,
        )  # fmt: skip

    broken = chatui("history", "import", str(CHATGPT))
    assert broken.returncode == 1 and "Traceback" not in broken.stderr
    assert "Imported 3 conversations" in broken.stdout
    assert chatui("history", "import", str(tmp_path / "missing.zip")).returncode == 1
    usage = chatui("history", "import")
    assert usage.returncode == 2 and "the following arguments are required: file" in usage.stderr


def test_imported_conversation_opens_on_its_current_branch_with_our_model(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("import", str(CHATGPT)) == 1
    capsys.readouterr()
    config = Config(tmp_path / "c.toml", {"openai": ProviderConfig("openai")})
    with TranscriptStore.open() as store:
        (hit, *_) = store.search("Dōtonbori")
        session = ChatSession(ProviderPool(config), store, ModelRef("openai", "gpt-5-mini"))
        session.load(store.get_conversation(hit.conversation_id))
    assert [turn.content for turn in session.turns][-2:] == [
        "What about Ōsaka?",
        "Ōsaka works as a day trip: eat takoyaki in Dōtonbori.",
    ]
    assert session.turns[-1].model_label == "openai/o3"
    # "o3" is what ChatGPT called it; the conversation continues on the chosen model
    assert session.model == ModelRef("openai", "gpt-5-mini")


def test_unreadable_paths_cannot_be_imported_not_a_storage_problem(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for path, why in ((tmp_path, "Is a directory"), (tmp_path / "gone.zip", "No such file")):
        assert run("import", str(path)) == 1
        err = capsys.readouterr().err
        assert err.startswith(f"chatui: Cannot import: cannot read {path}: {why}")
