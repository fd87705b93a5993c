"""Keyboard actions on the messages of the chat screen: select, copy, edit, switch branches."""

from __future__ import annotations

import asyncio
import re
from typing import TYPE_CHECKING, cast

from textual.binding import Binding

from chatui.core import Role

if TYPE_CHECKING:
    from chatui.services.session.chat import ChatSession
    from chatui.ui.app import ChatApp
    from chatui.ui.chat.prompt import PromptInput
    from chatui.ui.chat.status_bar import StatusBar
    from chatui.ui.chat.transcript import Transcript

FENCE = re.compile(r"^(```|~~~)[^\n]*\n(.*?)^\1[ \t]*$", re.MULTILINE | re.DOTALL)

MESSAGE_BINDINGS = [
    Binding(
        "alt+up,ctrl+up",
        "select(-1)",
        "Prev msg",
        id="chat.select_previous",
        tooltip="Select the previous message",
    ),
    Binding(
        "alt+down,ctrl+down",
        "select(1)",
        "Next msg",
        show=False,
        id="chat.select_next",
        tooltip="Select the next message",
    ),
    Binding(
        "ctrl+y",
        "copy_message",
        "Copy",
        id="chat.copy",
        priority=True,
        tooltip="Copy the selected (or last) message",
    ),
    Binding(
        "ctrl+s,alt+y",  # Alt+Y types "ù" in xterm and "¥" on macOS by default
        "copy_code",
        "Copy code",
        show=False,
        id="chat.copy_code",
        tooltip="Copy a code block; again for the next one",
    ),
    Binding(
        "ctrl+e",
        "edit",
        "Edit",
        id="chat.edit",
        priority=True,
        tooltip="Edit the selected question and resend it as a new branch",
    ),
    Binding(
        "alt+left",
        "branch(-1)",
        "Prev branch",
        show=False,
        id="chat.branch_previous",
        tooltip="Show the previous branch of the selected message",
    ),
    Binding(
        "alt+right",
        "branch(1)",
        "Next branch",
        show=False,
        id="chat.branch_next",
        tooltip="Show the next branch of the selected message",
    ),
]

# actions that need a message (or a reply streaming): off, and out of the footer, until then
MESSAGE_ACTIONS = {"stop", "retry", "select", "copy_message", "copy_code", "edit", "branch"}


def code_blocks(markdown: str) -> list[str]:
    """The contents of every fenced code block, in order."""
    return [match.group(2) for match in FENCE.finditer(markdown)]


class MessageCursor:
    """The chat's actions on messages: copy the selected one (or a code block of it), edit a
    question of yours in the prompt, switch branches. The `transcript` holds the selection."""

    def __init__(self, transcript: Transcript, prompt: PromptInput, status: StatusBar) -> None:
        self.transcript, self.prompt, self.status = transcript, prompt, status
        self.editing: int | None = None
        self.draft = ""  # what the prompt held when the edit began: it comes back after
        self.code_cursor = 0

    @property
    def session(self) -> ChatSession | None:
        return self.transcript.session

    def notify(self, message: str) -> None:
        self.transcript.notify(message)

    def select(self, step: int) -> None:
        turns = self.session.turns if self.session else []
        if not turns:
            return
        selected = self.transcript.selected
        current = selected if selected is not None else len(turns)
        self.show(max(0, min(len(turns) - 1, current + step)))

    def show(self, index: int) -> None:
        """Select `session.turns[index]` (a code block to copy starts from its first)."""
        self.code_cursor = 0
        self.transcript.select(index)

    def copy_message(self) -> None:
        chosen = self.transcript.selected_turn()
        if chosen is None:
            return
        text = chosen[1].content
        self.copy(text, f"the message ({len(text)} characters)")

    def copy_code(self) -> None:
        chosen = self.transcript.selected_turn()
        blocks = code_blocks(chosen[1].content) if chosen else []
        if not blocks:
            self.notify("This message has no code block.")
            return
        index = self.code_cursor % len(blocks)
        self.code_cursor += 1
        self.copy(blocks[index], f"code block {index + 1}/{len(blocks)}")

    def copy(self, text: str, what: str) -> None:
        """To the terminal (OSC 52) and Textual's clipboard at once; then with the machine's
        tools, in a worker (they may take a moment); then say where it went."""
        self.transcript.app.copy_to_clipboard(text)
        self.transcript.run_worker(
            self.copy_with_tools(text, what), group="copy", exit_on_error=False
        )

    async def copy_with_tools(self, text: str, what: str) -> None:
        clipboard = cast("ChatApp", self.transcript.app).clipboard_tools
        places = await asyncio.to_thread(clipboard.copy, text)
        self.notify(clipboard.notice(what, places))

    def edit(self) -> None:
        if self.session is None or self.transcript.streaming:
            return
        turns = self.session.turns
        selected = self.transcript.selected
        start = selected if selected is not None else len(turns) - 1
        index = next((i for i in range(start, -1, -1) if turns[i].role is Role.USER), None)
        if index is None:
            self.notify("There is no message of yours to edit.")
            return
        prompt = self.prompt
        if self.editing is None:
            self.draft = prompt.text
        self.editing = index
        prompt.text = turns[index].content
        prompt.move_cursor(prompt.document.end)
        prompt.focus()
        self.status.show(note="editing: Enter sends as a new branch, Esc cancels")

    def cancel_edit(self) -> bool:
        """Leave edit mode (Esc, a new chat): the prompt shows the draft again."""
        if self.editing is None:
            return False
        self.end_edit()
        return True

    def end_edit(self) -> None:
        """The edit was sent or cancelled: the draft goes back in the prompt (and in Up-recall,
        should it be cleared)."""
        self.editing = None
        prompt = self.prompt
        prompt.remember(self.draft)
        prompt.text, self.draft = self.draft, ""
        prompt.move_cursor(prompt.document.end)
        self.status.show(note="")

    def branch(self, step: int) -> None:
        session = self.session
        if session is None or not session.turns:
            return
        index = self.transcript.selected
        if index is None:  # the newest message that has siblings
            found = [i for i, t in enumerate(session.turns) if session.branch_position(t)[1] > 1]
            if not found:
                self.notify("There is no other branch here.")
                return
            index = found[-1]
        if session.switch_branch(index, step):
            self.transcript.redraw()
            self.show(min(index, len(session.turns) - 1))
        else:
            self.notify("There is no other branch here.")
