"""The prompts a user sent, kept across runs like a shell's history file, for Up-recall.

One JSON string a line in the data folder (0600). Sending appends one line in a single write,
so two running apps don't mix their lines. Loading keeps the newest `MAX_ENTRIES` and rewrites
the file (to a temporary file, then renamed) when it holds more, or a damaged line."""

from __future__ import annotations

import json
import os
from pathlib import Path

from chatui.core import StoreError
from chatui.paths import data_dir

FILE_NAME = "prompt_history.jsonl"
MAX_ENTRIES = 1000
MAX_CHARS = 10_000  # a longer prompt (a pasted file, say) is recalled in this run only


def history_path() -> Path:
    return data_dir() / FILE_NAME


class PromptHistory:
    """Up-recall's memory between runs."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or history_path()
        self._last: str | None = None  # the newest entry: the same prompt twice is kept once
        self._added = 0  # lines appended since the file was last compacted

    def load(self) -> list[str]:
        """The saved prompts, oldest first; a missing or unreadable file counts as none."""
        try:
            raw = self.path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return []
        entries: list[str] = []
        lines = raw.splitlines()
        for line in lines:
            try:
                text = json.loads(line)
            except ValueError:
                continue
            if isinstance(text, str) and text and (not entries or entries[-1] != text):
                entries.append(text)
        entries = entries[-MAX_ENTRIES:]
        if len(entries) != len(lines) or (raw and not raw.endswith("\n")):
            self._rewrite(entries)
        self._last = entries[-1] if entries else None
        return entries

    def add(self, text: str) -> None:
        """Keep `text` for the next runs (unless empty, too long, or the same as the last)."""
        if not text.strip() or len(text) > MAX_CHARS or text == self._last:
            return
        self._last = text
        self._added += 1
        if self._added > MAX_ENTRIES:  # a very long session: keep the file bounded
            self.load()
            self._added = 0
        self._write(json.dumps(text) + "\n", os.O_APPEND)

    def _rewrite(self, entries: list[str]) -> None:
        temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}")
        try:
            self._write("".join(json.dumps(e) + "\n" for e in entries), os.O_TRUNC, temporary)
            os.replace(temporary, self.path)
        except (OSError, StoreError):
            return  # the next load tries again; the file still works as it is

    def _write(self, data: str, mode: int, path: Path | None = None) -> None:
        path = path or self.path
        try:
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | mode, 0o600)
            try:
                rest = memoryview(data.encode("utf-8"))
                while rest:
                    rest = rest[os.write(descriptor, rest) :]
            finally:
                os.close(descriptor)
        except OSError as exc:
            raise StoreError(f"cannot save the prompt history in {path}: {exc.strerror}") from exc
