"""Attaching files in the chat screen: the chip bar, the ctrl+l path dialog, `/file` and Tab."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from chatui.core.attachments import Attachment, human_size
from chatui.services.session.files_to_attach import (
    FILE_COMMAND,
    AttachmentError,
    PathCompletion,
    add_attachment,
    complete_path,
    read_attachment,
)
from chatui.ui.chat.prompt import PromptInput
from chatui.ui.keymap import ScreenKeys

CHIP_MARK = "📎"  # two cells wide, also in tmux
SHOWN_CANDIDATES = 12
DIALOG_HINT = "Tab completes · Enter attaches · Esc closes"
REMOVE_HINT = "  (backspace in an empty prompt: remove the last)"


def chip_labels(attachments: Sequence[Attachment]) -> tuple[str, ...]:
    """Compact chips, e.g. `📎 notes.md 2.1 KB`; the full path only when two names clash."""
    if not attachments:  # most messages (a long conversation shows thousands)
        return ()
    shorts = [a.short_name for a in attachments]
    names = [a.short_name if shorts.count(a.short_name) == 1 else a.name for a in attachments]
    return tuple(
        f"{CHIP_MARK} {' '.join(name.split())} {human_size(a.size)}"
        for name, a in zip(names, attachments, strict=True)
    )


def candidates_line(completion: PathCompletion) -> str:
    """The possible names, compactly: `notes.md  notes.txt  nothing/  … 3 more`."""
    names = completion.candidates
    shown = "  ".join(names[:SHOWN_CANDIDATES])
    more = len(names) - SHOWN_CANDIDATES
    return shown + (f"  … {more} more" if more > 0 else "")


class AttachmentBar(Static):
    """One line of chips above the prompt for the files the next message carries; no space
    when there are none."""

    DEFAULT_CSS = """
    AttachmentBar {
        height: 1;
        padding: 0 1;
        display: none;
        color: $text;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    AttachmentBar.-has-files { display: block; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        self.files: list[Attachment] = []

    def show(self, files: Sequence[Attachment]) -> None:
        self.files = list(files)
        self.set_class(bool(self.files), "-has-files")
        text = Text(end="")
        for index, label in enumerate(chip_labels(self.files)):
            text.append("  " if index else "")
            text.append(f" {label} ", "reverse")
        text.append(REMOVE_HINT, "dim")
        self.update(text)


class PathInput(Input):
    """A one-line path input where Tab completes (handled in key order, after the typed text)."""

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "tab":
            event.stop()
            event.prevent_default()
            completion = complete_path(self.value)
            self.value = completion.text
            self.cursor_position = len(self.value)
            self.post_message(PathDialog.Completed(completion))
            return
        await super()._on_key(event)


class PathDialog(ModalScreen[None]):
    """Asks for a file path: Tab completes, Enter attaches (a refusal shows here), Esc closes."""

    KEYS = ScreenKeys("Attach a file", 5, Input)

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="attach.cancel")]

    @dataclass
    class Completed(Message):
        """Tab completed the path as far as it could."""

        completion: PathCompletion

    DEFAULT_CSS = """
    PathDialog { align: center middle; }
    PathDialog #attach-note { color: $text-muted; }
    PathDialog #attach-note.-error { color: $error; }
    """

    def __init__(self, attach: Callable[[str], Awaitable[str | None]]) -> None:
        super().__init__()
        self.attach = attach

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Attach a text file (relative to the working directory; ~ works)")
            yield PathInput(placeholder="path/to/file", id="attach-path")
            yield Label(DIALOG_HINT, id="attach-note")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def note(self, text: str, error: bool = False) -> None:
        label = self.query_one("#attach-note", Label)
        label.update(Text(text))
        label.set_class(error, "-error")

    def on_path_dialog_completed(self, message: PathDialog.Completed) -> None:
        completion = message.completion
        if completion.candidates:
            self.note(candidates_line(completion))
        else:
            self.note(DIALOG_HINT if completion.matched else "No file name starts with that.")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        self.run_attach(event.value)

    @work(exclusive=True, group="attach-dialog", exit_on_error=False)
    async def run_attach(self, typed: str) -> None:
        error = await self.attach(typed)
        if error is None:
            self.dismiss(None)
        else:
            self.note(error, error=True)


class Attacher:
    """Attaching in the chat: files wait in the `bar` until the next message takes them; while
    they do, an empty `prompt` can be sent."""

    def __init__(
        self, bar: AttachmentBar, prompt: PromptInput, changed: Callable[[], object] = lambda: None
    ) -> None:
        """`changed` runs when the files waiting change."""
        self.bar, self.prompt, self.changed = bar, prompt, changed

    def take(self) -> tuple[Attachment, ...]:
        """The files for the message being sent; the bar empties."""
        files = tuple(self.bar.files)
        self._show([])
        return files

    def _show(self, files: Sequence[Attachment]) -> None:
        self.bar.show(files)
        self.prompt.submit_empty = bool(files)
        self.changed()

    async def attach(self, typed: str) -> str | None:
        """Read the file off the event loop and add its chip; the refusal's text if it fails."""
        try:
            attachment = await asyncio.to_thread(read_attachment, typed)
            files, replaced = add_attachment(self.bar.files, attachment)
        except AttachmentError as exc:
            return str(exc)
        self._show(files)
        if replaced:
            self.bar.notify(f"{attachment.name} was already attached: read it again.")
        return None

    def command(self, text: str) -> bool:
        """Handle a submitted `/file PATH` (True), attaching instead of sending."""
        if not (text.startswith(FILE_COMMAND) or text.strip() == FILE_COMMAND.strip()):
            return False
        self.bar.run_worker(self._attach_typed(text), group="attach", exit_on_error=False)
        return True

    async def _attach_typed(self, text: str) -> None:
        error = await self.attach(text[len(FILE_COMMAND) :])
        if error is not None:  # the command stays in the prompt to be corrected
            self.bar.notify(error, severity="error", markup=False)
        elif self.prompt.text == text:
            self.prompt.clear()

    def complete(self, typed: str) -> None:
        """Tab in a `/file PATH` prompt: complete the path; list the candidates if ambiguous."""
        completion = complete_path(typed)
        prompt = self.prompt
        if completion.text != typed:
            prompt.text = FILE_COMMAND + completion.text
            prompt.move_cursor(prompt.document.end)
        if completion.candidates:
            self.bar.notify(candidates_line(completion), title="Files", markup=False)
        elif not completion.matched:
            self.bar.notify(f"No file name starts with {typed!r}.", markup=False)

    def open_dialog(self) -> None:
        self.bar.app.push_screen(PathDialog(self.attach))

    def remove_last(self) -> None:
        """Backspace on an empty prompt: drop the newest chip."""
        files = self.bar.files
        if files:
            self._show(files[:-1])
            self.bar.notify(f"Removed {files[-1].name}.", markup=False)
