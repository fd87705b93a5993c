"""The chat screen's keys (every binding has an id, for `[keymap]`), its command palette
provider (every action by name), and exporting from it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, cast

from textual.app import SystemCommand
from textual.binding import Binding, BindingType
from textual.command import DiscoveryHit, Hit, Hits, Provider

from chatui.services.context.fitting import Overflow
from chatui.ui.chat import thinking
from chatui.ui.chat.message_cursor import MESSAGE_BINDINGS
from chatui.ui.exporting import export_here

if TYPE_CHECKING:
    from chatui.ui.chat.screen import ChatScreen

CHAT_BINDINGS: list[BindingType] = [
    # ctrl+n and Esc act as soon as they arrive (priority): a message typed right after them
    # is sent after they took effect, not before (other bindings wait for the focused prompt)
    Binding(
        "escape",
        "stop",
        "Stop",
        id="chat.stop",
        priority=True,
        tooltip="Stop the reply; cancel an edit or a selection",
    ),
    Binding(
        "ctrl+o",
        "pick_model",
        "Model",
        id="chat.pick_model",
        tooltip="Pick the model for the next reply",
    ),
    Binding(
        "ctrl+r",
        "retry",
        "Retry",
        id="chat.retry",
        tooltip="Retry after an error, or regenerate the last reply",
    ),
    Binding(
        "ctrl+f,ctrl+b",  # ctrl+b alone is tmux's prefix key
        "history",
        "History",
        id="chat.history",
        tooltip="Browse and search saved conversations",
    ),
    Binding(
        "ctrl+n",
        "new_chat",
        "New chat",
        id="chat.new",
        priority=True,
        tooltip="Start a new conversation",
    ),
    Binding("ctrl+g", "conversation_settings", "Settings", show=False, id="chat.settings"),
    Binding("ctrl+l", "attach_file", "Attach", show=False, id="chat.attach"),
    Binding("ctrl+t", "toggle_thinking", "Thinking", show=False, id="chat.toggle_thinking"),
    # From the prompt too (its own page keys matter little in at most 12 rows); Home and End
    # stay the prompt's line start and end, so the conversation's ends are ctrl+home/ctrl+end.
    Binding(
        "pageup",
        "scroll_log('up')",
        "Page up",
        show=False,
        priority=True,
        id="chat.page_up",
        tooltip="Scroll the conversation up a page",
    ),
    Binding(
        "pagedown",
        "scroll_log('down')",
        "Page down",
        show=False,
        priority=True,
        id="chat.page_down",
        tooltip="Scroll the conversation down a page",
    ),
    Binding(
        "ctrl+home",
        "scroll_log('top')",
        "Top",
        show=False,
        id="chat.top",
        tooltip="Go to the start of the conversation",
    ),
    Binding(
        "ctrl+end",
        "scroll_log('end')",
        "End",
        show=False,
        id="chat.end",
        tooltip="Go to the end and follow new text",
    ),
    *MESSAGE_BINDINGS,
]


class ChatCommands(Provider):
    """The chat screen's palette entries, listed before typing and found by the fuzzy matcher
    (the app's own, such as Theme and Quit, come from Textual's system commands provider)."""

    def entries(self) -> list[SystemCommand]:
        """The entries as they are now (thinking's switch says which way it goes)."""
        return list(chat_entries(cast("ChatScreen", self.screen)))

    async def discover(self) -> Hits:
        for title, help_text, run, _ in self.entries():
            yield DiscoveryHit(title, run, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, run, _ in self.entries():
            if (score := matcher.match(title)) > 0:
                yield Hit(score, matcher.highlight(title), run, text=title, help=help_text)


def chat_entries(screen: ChatScreen) -> Iterator[SystemCommand]:
    """Every chat action by name, with a line of help."""
    yield SystemCommand(
        "Pick model", "Choose the model for the next reply", screen.action_pick_model
    )
    yield SystemCommand("New chat", "Start a new conversation", screen.action_new_chat)
    yield SystemCommand(
        "Regenerate reply",
        "Ask again: after an error, or for another answer",
        screen.action_retry,
    )
    yield SystemCommand("Attach file", "Send a text file along", screen.action_attach_file)
    yield SystemCommand("Stop reply", "Stop the streaming reply", screen.action_stop)
    yield SystemCommand("History", "Browse and search saved conversations", screen.action_history)
    yield SystemCommand(
        "Search history", "Find words in every saved conversation", screen.action_history
    )
    yield SystemCommand(
        "Undo delete", "Bring back the last conversation deleted in the history",
        screen.deletion.undo,
    )  # fmt: skip
    yield SystemCommand(
        "Export as Markdown", "Write this conversation to a .md file here",
        lambda: export_open_conversation(screen, "md"),
    )  # fmt: skip
    yield SystemCommand(
        "Export as JSON", "Write this conversation to a .json file here (lossless)",
        lambda: export_open_conversation(screen, "json"),
    )  # fmt: skip
    yield SystemCommand(
        "Select previous message", "Select the message above", lambda: screen.action_select(-1)
    )
    yield SystemCommand(
        "Select next message", "Select the message below", lambda: screen.action_select(1)
    )
    yield SystemCommand(
        "Previous branch", "Show the selected message's previous branch",
        lambda: screen.action_branch(-1),
    )  # fmt: skip
    yield SystemCommand(
        "Next branch", "Show the selected message's next branch", lambda: screen.action_branch(1)
    )
    yield SystemCommand("Copy message", "Copy the selected message", screen.action_copy_message)
    yield SystemCommand("Copy code block", "Copy a code block", screen.action_copy_code)
    yield SystemCommand("Edit message", "Edit and resend a message", screen.action_edit)
    settings = screen.action_conversation_settings
    yield SystemCommand("System prompt", "This conversation's system prompt", settings)
    yield SystemCommand(
        "Conversation settings", "System prompt, temperature and max tokens", settings
    )
    yield from screen.settings_actions.commands()
    yield SystemCommand("Toggle thinking", "Show or hide thinking", screen.action_toggle_thinking)
    yield thinking.extended_thinking_command(screen)
    yield from overflow_commands(screen)


POLICIES = {
    Overflow.ASK: ("ask", "Ask each time: send what fits, compact, or another model"),
    Overflow.WINDOW: ("send what fits", "Send the newest messages that fit, without asking"),
    Overflow.COMPACT: ("compact", "Summarise the earlier part, without asking"),
}


def overflow_commands(screen: ChatScreen) -> Iterator[SystemCommand]:
    """What this conversation does when a request won't fit its model (saved with it)."""
    for policy, (name, help_text) in POLICIES.items():

        def choose(policy: Overflow = policy, name: str = name) -> None:
            if screen.session is not None:
                screen.session.on_overflow = policy
                screen.notify(f"When too long for the model, this conversation will {name}.")

        yield SystemCommand(f"When too long: {name}", help_text, choose)


def export_open_conversation(screen: ChatScreen, kind: str) -> None:
    """Write the open conversation to a file in the working directory."""
    conversation_id = screen.session.conversation_id if screen.session else None
    export_here(screen, screen.app.history, conversation_id, kind)
