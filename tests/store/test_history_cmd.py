"""`chatui history ...`: listing, search, show, export/import, delete; safe terminal output."""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from chatui.cli import history as history_cmd
from chatui.services.exports import export_conversation
from chatui.store import TranscriptStore


class FakeTTY(io.StringIO):
    def isatty(self) -> bool:
        return True


def run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="chatui")
    history_cmd.register(parser.add_subparsers(dest="command"))
    return history_cmd.run(parser.parse_args(["history", *argv]))


def _seed(data_dir: Path) -> tuple[str, str]:
    with TranscriptStore.open() as store:
        plain = store.create_conversation("Plain chat about llamas")
        question = store.add_message(plain.id, "user", "Tell me about llamas")
        store.add_message(
            plain.id,
            "assistant",
            "Llamas are camelids.",
            parent_id=question.id,
            provider="openai",
            model="gpt-4o",
        )
        evil = store.create_conversation("Evil \x1b[31mred\x1b[0m \x1b]0;pwned\x07 title\u202e")
        store.add_message(evil.id, "user", "Clear screen \x1b[2J and llamas\r\nnext line")
        return plain.id, evil.id


def test_list_empty(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run() == 0
    out, err = capsys.readouterr()
    assert out == "" and "No saved conversations" in err


def test_list_piped_is_plain_and_neutralised(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, evil_id = _seed(data_dir)
    assert run("list") == 0
    out, err = capsys.readouterr()
    assert err == ""
    lines = out.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(evil_id[:8])  # newest first
    assert "Plain chat about llamas" in lines[1] and "[openai/gpt-4o]" in lines[1]
    assert "2 msgs" in lines[1]
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    assert "Evil ^[[31mred^[[0m ^[]0;pwned^G title" in lines[0]
    assert run("--limit", "1") == 0
    assert len(capsys.readouterr().out.splitlines()) == 1
    assert run("list", "--limit", "1") == 0
    assert len(capsys.readouterr().out.splitlines()) == 1


def test_list_on_terminal_fits_width_and_only_our_colours(
    data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _seed(data_dir)
    with TranscriptStore.open() as store:
        store.create_conversation("A very long title " * 20)
    monkeypatch.setenv("COLUMNS", "50")
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    fake = FakeTTY()
    monkeypatch.setattr(sys, "stdout", fake)
    assert run() == 0
    text = fake.getvalue()
    visible = re.sub(r"\x1b\[[0-9;]*m", "", text)
    assert "\x1b" not in visible and "\x07" not in visible
    assert all(len(line) <= 49 for line in visible.splitlines())
    assert visible.splitlines()[0].endswith("…")
    assert "\x1b[1m" in text  # titles are bold on a terminal
    monkeypatch.setenv("NO_COLOR", "1")
    fake.seek(0)
    fake.truncate()
    assert run() == 0
    assert "\x1b" not in fake.getvalue()


def test_search(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _seed(data_dir)
    assert run("search", "llamas") == 0
    out, _ = capsys.readouterr()
    assert "\x1b" not in out and "\x02" not in out and "\x03" not in out
    assert len(out.splitlines()) == 2  # one line per conversation (three hits in the first)
    assert out.count("Plain chat about llamas") == 1
    assert "user: Clear screen ^[[2J and llamas next line" in out
    assert run("search", "nothing-like-this") == 1
    assert "No matches" in capsys.readouterr().err
    assert run("search", '"unbalanced (', "AND") in (0, 1)  # never a traceback
    assert "Traceback" not in capsys.readouterr().err


def test_search_shows_each_conversation_once(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with TranscriptStore.open() as store:
        twice = store.create_conversation("drop test")
        for _ in range(3):
            store.add_message(twice.id, "user", "the connection drops mid-reply")
        other = store.create_conversation("other")
        store.add_message(other.id, "user", "another drop")
    assert run("search", "drop") == 0
    lines = capsys.readouterr().out.splitlines()
    assert sorted(line[:8] for line in lines) == sorted([twice.id[:8], other.id[:8]])
    assert run("search", "drop", "--limit", "1") == 0
    assert len(capsys.readouterr().out.splitlines()) == 1


def test_search_snippet_of_a_huge_word_is_bounded(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with TranscriptStore.open() as store:
        blob = store.create_conversation("blob")
        store.add_message(blob.id, "user", "before " + "x" * 3000 + " after")
    assert run("search", "xxx") == 0
    [line] = capsys.readouterr().out.splitlines()
    assert len(line) < 250 and line.endswith("…")


def test_search_for_a_word_with_symbols_finds_it_as_typed(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with TranscriptStore.open() as store:
        wanted = store.create_conversation("templates")
        store.add_message(wanted.id, "user", "How do C++ templates work?")
        for title, text in [("plan", "plan c it is"), ("sharp", "C# or Java"), ("cats", "cats")]:
            store.add_message(store.create_conversation(title).id, "user", text)
    assert run("search", "c++") == 0
    [line] = capsys.readouterr().out.splitlines()
    assert line.startswith(wanted.id[:8]) and "C++ templates" in line


def test_show_by_prefix(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plain_id, _ = _seed(data_dir)
    with TranscriptStore.open() as store:
        prefix = store.short_ids([plain_id])[plain_id]
    assert run("show", prefix) == 0
    out, _ = capsys.readouterr()
    assert out.startswith("# Plain chat about llamas\n")
    assert run("show", plain_id.lower()) == 0
    assert capsys.readouterr().out == out
    assert "## Assistant (openai/gpt-4o)\n\nLlamas are camelids." in out


HOSTILE = (
    "Title \x1b]0;pwned-title\x07 clip \x1b]52;c;cHduZWQ=\x07 csi \x9b2J \u202eevil \x1b[2J\r\n"
)
UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@pytest.mark.parametrize("command", [["show"], ["export"], ["export", "--format", "json"]])
def test_show_and_export_are_the_same_inert_text_to_a_pipe_a_file_and_a_terminal(
    data_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    command: list[str],
) -> None:
    _, evil_id = _seed(data_dir)
    with TranscriptStore.open() as store:
        question = store.get_conversation(evil_id).messages[0]
        store.add_message(
            evil_id, "assistant", HOSTILE, parent_id=question.id, provider="x", model="m"
        )
    assert run(*command, evil_id) == 0
    piped = capsys.readouterr().out
    terminal = FakeTTY()
    monkeypatch.setattr(sys, "stdout", terminal)
    assert run(*command, evil_id) == 0
    outputs = {"pipe": piped, "terminal": terminal.getvalue()}
    if command[0] == "export":
        target = tmp_path / "out"
        assert run(*command, evil_id, "-o", str(target)) == 0
        outputs["file"] = target.read_text(encoding="utf-8")
        kind = "json" if "json" in command else "md"
        with TranscriptStore.open() as store:
            saved = export_conversation(store, evil_id, kind, tmp_path)  # the history screen's
        outputs["screen"] = saved.read_text(encoding="utf-8")
    assert len(set(outputs.values())) == 1, outputs.keys()
    assert UNSAFE.search(piped) is None
    if "json" in command:  # inert, and still lossless
        assert json.loads(piped)["messages"][-1]["content"] == HOSTILE
    else:
        assert "csi <U+009B>2J <U+202E>evil ^[[2J\n" in piped
        assert "Title ^[]0;pwned-title^G clip ^[]52;c;cHduZWQ=^G" in piped


def test_export_import_round_trip(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plain_id, _ = _seed(data_dir)
    target = tmp_path / "out.json"
    assert run("export", plain_id, "--format", "json", "-o", str(target)) == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    data = json.loads(target.read_text())
    assert data["conversation"]["id"] == plain_id
    assert run("import", str(target)) == 1
    assert "already in the history" in capsys.readouterr().err
    assert run("delete", plain_id, "-y") == 0
    assert run("import", str(target)) == 0
    out, _ = capsys.readouterr()
    assert f"Imported {plain_id} (2 messages): Plain chat about llamas" in out
    assert run("import", str(target), "--new-ids") == 0
    copied = capsys.readouterr().out
    assert copied.startswith("Imported ") and plain_id not in copied
    assert run("export", plain_id) == 0
    assert capsys.readouterr().out.startswith("# Plain chat about llamas\n")
    assert run("export", plain_id, "--format", "json") == 0
    assert json.loads(capsys.readouterr().out) == data


def test_import_errors_are_one_line(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    assert run("import", str(bad)) == 1
    err = capsys.readouterr().err
    assert err.startswith("chatui: Cannot import:") and "not a JSON export" in err
    assert "Traceback" not in err
    bad.write_text('{"format": "other"}')
    assert run("import", str(bad)) == 1
    assert "not a chatui export" in capsys.readouterr().err
    assert run("import", str(tmp_path / "missing.json")) == 1
    assert "cannot read" in capsys.readouterr().err


def test_delete_needs_confirmation(
    data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    plain_id, evil_id = _seed(data_dir)
    monkeypatch.setattr(sys, "stdin", io.StringIO("y\n"))  # not a terminal
    assert run("delete", plain_id) == 2
    assert "pass -y" in capsys.readouterr().err
    monkeypatch.setattr(sys, "stdin", FakeTTY("n\n"))
    assert run("delete", plain_id) == 1
    assert "Not deleted" in capsys.readouterr().err
    monkeypatch.setattr(sys, "stdin", FakeTTY("y\n"))
    assert run("delete", plain_id) == 0
    assert "Deleted" in capsys.readouterr().out
    with TranscriptStore.open() as store:
        assert [s.id for s in store.list_conversations()] == [evil_id]


def test_unknown_and_ambiguous_ids(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _seed(data_dir)
    assert run("show", "ZZZZZZ") == 1
    assert "no conversation id starts with 'ZZZZZZ'" in capsys.readouterr().err
    assert run("show", "0") == 1
    assert "matches several conversations" in capsys.readouterr().err


def test_id_and_import_errors_are_not_called_storage_problems(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plain_id, _ = _seed(data_dir)
    exported = tmp_path / "plain.json"
    assert run("export", plain_id, "--format", "json", "-o", str(exported)) == 0
    not_json = tmp_path / "notes.txt"
    not_json.write_text("hello")
    capsys.readouterr()
    cases = [
        (("show", "nosuchid"), "Not found: 'nosuchid' is not a conversation id"),
        (("export", "ZZZZZZ"), "Not found: no conversation id starts with 'ZZZZZZ'"),
        (("delete", "0", "-y"), "Ambiguous id: '0' matches several conversations"),
        (("import", str(exported)), f"Already imported: {exported}: conversation {plain_id}"),
        (("import", str(not_json)), f"Cannot import: {not_json} is not a JSON export"),
    ]
    for argv, message in cases:
        assert run(*argv) == 1
        err = capsys.readouterr().err
        assert err.startswith(f"chatui: {message}"), err
        assert "Storage problem" not in err


def test_corrupt_database_is_reported(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data_dir.mkdir()
    (data_dir / "chatui.db").write_bytes(b"garbage" * 100)
    assert run() == 0
    err = capsys.readouterr().err
    assert "was damaged; it was moved to" in err and "chatui.db.corrupt-" in err


def test_module_entry_point_in_a_subprocess(data_dir: Path) -> None:
    _seed(data_dir)
    root = str(Path(__file__).resolve().parents[2])
    env = {**os.environ, "PYTHONPATH": root}
    listed = subprocess.run(
        [sys.executable, "-m", "chatui.cli.history", "list"],
        capture_output=True,
        text=True,
        env=env,
        timeout=30,
    )
    assert listed.returncode == 0, listed.stderr
    assert "Plain chat about llamas" in listed.stdout
    missing = subprocess.run(
        [sys.executable, "-m", "chatui.cli.history", "show", "ZZZZ"],
        capture_output=True,
        text=True,
        env=env,
        timeout=30,
    )
    assert missing.returncode == 1
    assert missing.stderr.startswith("chatui: ") and "Traceback" not in missing.stderr
    assert (
        "textual"
        not in subprocess.run(
            [sys.executable, "-c", "import sys, chatui.cli.history; print(sorted(sys.modules))"],
            capture_output=True,
            text=True,
            env=env,
            timeout=30,
        ).stdout
    )


@pytest.mark.parametrize("value", ["0", "-3", "many"])
def test_limit_must_be_positive(value: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        run("--limit", value)
    assert caught.value.code == 2
    assert "at least 1" in capsys.readouterr().err
