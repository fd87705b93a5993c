"""The multi-line prompt: Enter sends, Ctrl+J (and Shift+Enter or Alt+Enter, where the terminal
tells them from Enter) adds a line, Up recalls history (what was sent in earlier runs too, from
the prompt history file).

Tab while the prompt is a `/file PATH` command asks for path completion; Backspace on an empty
prompt asks to remove the last attached file."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass

from textual import events, work
from textual.binding import Binding
from textual.message import Message
from textual.widgets import TextArea
from textual.widgets.text_area import EditResult

from chatui.core import StoreError
from chatui.services.prompt_history import MAX_ENTRIES, PromptHistory
from chatui.services.session.files_to_attach import FILE_COMMAND

MAX_RECALL = MAX_ENTRIES
#: Ctrl+J is a new line in every terminal; Shift+Enter and Alt+Enter only in those that tell
#: them from Enter (docs/keys.md).
NEWLINE_KEYS = ("ctrl+j", "shift+enter", "alt+enter")


class PromptInput(TextArea):
    """A TextArea that submits on Enter and recalls earlier prompts with Up when empty."""

    #: The prompt's own keys: the footer and F1 show them, `[keymap]` may not take them
    #: (keymap.py). `_on_key` reads them itself: as bindings they would act only once the key
    #: had bubbled up to the app, and text typed right after could overtake them.
    BINDINGS = [
        Binding("enter", "submit", "Send", show=False, tooltip="Send the prompt"),
        Binding(
            ",".join(NEWLINE_KEYS),
            "newline",
            "New line",
            tooltip="New line: ctrl+j in every terminal, shift+enter or alt+enter where "
            "the terminal tells them from enter",
        ),
    ]

    DEFAULT_CSS = """
    PromptInput {
        height: auto;
        min-height: 3;
        max-height: 12;
    }
    """

    @dataclass
    class Submitted(Message):
        """The user pressed Enter on a non-empty prompt."""

        prompt: PromptInput
        text: str

    @dataclass
    class PathCompletionRequested(Message):
        """Tab was pressed while the prompt is a `/file PATH` command."""

        prompt: PromptInput
        typed: str  # the path so far

    @dataclass
    class BackspaceOnEmpty(Message):
        """Backspace was pressed on an empty prompt (it removes the last attached file)."""

        prompt: PromptInput

    def __init__(self, *, id: str | None = None, history_file: PromptHistory | None = None) -> None:
        """`history_file` keeps what is sent for later runs and recalls what earlier ones sent."""
        super().__init__(id=id, soft_wrap=True, show_line_numbers=False, tab_behavior="focus")
        self.recall: list[str] = []
        self._recall_index: int | None = None
        self.submit_empty = False  # Enter sends an empty prompt (files are attached)
        self.history_file = history_file
        self._history_failed = False  # said once that the history file can't be written

    def on_mount(self) -> None:
        if self.history_file is not None:
            self._load_history(self.history_file)

    @work(group="prompt-history", exit_on_error=False)
    async def _load_history(self, history: PromptHistory) -> None:
        self.add_to_recall(await asyncio.to_thread(history.load), older=True)

    def clear(self) -> EditResult:
        """Empty the prompt. (TextArea's own clear first copies the old text for undo, and that
        copy is quadratic: two seconds for a 1 MB paste.)"""
        self.load_text("")
        return EditResult(self.document.end, "")

    def remember(self, text: str, *, sent: bool = False) -> None:
        """Let Up recall `text`; a `sent` prompt is also kept for the next runs."""
        if text and (not self.recall or self.recall[-1] != text):
            self.recall.append(text)
            del self.recall[:-MAX_RECALL]
        self._recall_index = None
        if sent and self.history_file is not None:
            try:
                self.history_file.add(text)
            except StoreError as exc:
                if not self._history_failed:
                    self._history_failed = True
                    self.notify(f"{exc}: Up recalls it in this run only.", severity="warning")

    def add_to_recall(self, texts: Iterable[str], *, older: bool = False) -> None:
        """Let Up recall `texts` (oldest first) before what it recalls now, or after it if
        `older` (a saved history, loaded once this run began). A text there twice is kept
        where it is newer."""
        merged = [*texts, *self.recall] if older else [*self.recall, *texts]
        seen: set[str] = set()
        newest_first: list[str] = []
        for text in reversed(merged):
            if text and text not in seen:
                seen.add(text)
                newest_first.append(text)
        self.recall = newest_first[:MAX_RECALL][::-1]
        self._recall_index = None

    async def _on_key(self, event: events.Key) -> None:
        key = event.key
        if key == "enter":
            event.stop()
            event.prevent_default()
            self._submit()
            return
        if key in NEWLINE_KEYS:
            event.stop()
            event.prevent_default()
            self.insert("\n")
            return
        if key == "tab" and self.text.startswith(FILE_COMMAND):
            event.stop()
            event.prevent_default()
            self.post_message(self.PathCompletionRequested(self, self.text[len(FILE_COMMAND) :]))
            return
        if key == "backspace" and not self.text:
            self.post_message(self.BackspaceOnEmpty(self))
        if key in ("up", "down") and self._recalling(key):
            event.stop()
            event.prevent_default()
            return
        await super()._on_key(event)

    def _recalling(self, key: str) -> bool:
        """Step through earlier prompts when the prompt is empty or showing a recalled one."""
        showing_recalled = self._recall_index is not None and (
            self.text == self.recall[self._recall_index]
        )
        if not self.recall or (self.text and not showing_recalled):
            self._recall_index = None
            return False
        if key == "up":
            index = len(self.recall) if self._recall_index is None else self._recall_index
            self._recall_index = max(0, index - 1)
        elif self._recall_index is None:
            return False
        elif self._recall_index + 1 >= len(self.recall):
            self._recall_index = None
            self.text = ""
            return True
        else:
            self._recall_index += 1
        self.text = self.recall[self._recall_index]
        self.move_cursor(self.document.end)
        return True

    def action_newline(self) -> None:
        self.insert("\n")

    def action_submit(self) -> None:
        self._submit()

    def _submit(self) -> None:
        text = self.text
        if text.strip() or self.submit_empty:
            self.post_message(self.Submitted(self, text))
