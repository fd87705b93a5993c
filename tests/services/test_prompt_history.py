"""The prompt history file: bounded, private, deduplicated, robust to damage and to two apps."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from chatui.core import StoreError
from chatui.services.prompt_history import MAX_CHARS, MAX_ENTRIES, PromptHistory


def test_prompts_come_back_oldest_first_and_private(tmp_path: Path) -> None:
    path = tmp_path / "new" / "history.jsonl"
    history = PromptHistory(path)
    assert history.load() == []  # no file yet
    for text in ("one", "two\nlines", "two\nlines", "three", "", "  "):
        history.add(text)
    assert PromptHistory(path).load() == ["one", "two\nlines", "three"]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_bounded_in_entries_and_in_size(tmp_path: Path) -> None:
    path = tmp_path / "history.jsonl"
    history = PromptHistory(path)
    for i in range(MAX_ENTRIES + 50):
        history.add(f"prompt {i}")
    history.add("x" * (MAX_CHARS + 1))  # a pasted file: recalled in this run only
    saved = PromptHistory(path).load()
    assert len(saved) == MAX_ENTRIES and saved[-1] == f"prompt {MAX_ENTRIES + 49}"
    assert len(path.read_text().splitlines()) == MAX_ENTRIES  # loading compacted the file


def test_a_long_session_keeps_the_file_bounded(tmp_path: Path) -> None:
    path = tmp_path / "history.jsonl"
    history = PromptHistory(path)
    for i in range(2 * MAX_ENTRIES + 10):
        history.add(f"prompt {i}")
    assert len(path.read_text().splitlines()) <= 2 * MAX_ENTRIES


def test_damaged_lines_are_skipped_and_repaired(tmp_path: Path) -> None:
    path = tmp_path / "history.jsonl"
    path.write_text('"good"\nnot json\n42\n"also good"\n"cut off by a cra')
    assert PromptHistory(path).load() == ["good", "also good"]
    assert path.read_text() == '"good"\n"also good"\n'


def test_two_apps_append_whole_lines(tmp_path: Path) -> None:
    path = tmp_path / "history.jsonl"
    first, second = PromptHistory(path), PromptHistory(path)
    first.add("from the first")
    second.add("from the second")
    first.add("first again")
    assert PromptHistory(path).load() == ["from the first", "from the second", "first again"]
    assert all(isinstance(json.loads(line), str) for line in path.read_text().splitlines())


def test_a_folder_that_cannot_be_made_is_a_store_error(tmp_path: Path) -> None:
    blocker = tmp_path / "data"
    blocker.write_text("a file where the data folder should be")
    with pytest.raises(StoreError, match="cannot save the prompt history"):
        PromptHistory(blocker / "history.jsonl").add("hello")
