"""F1: every key binding of every screen as currently mapped, with the ids `[keymap]` uses."""

from __future__ import annotations

from collections.abc import Iterator

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from chatui.ui.keymap import ScreenKeys

#: Keys that are not bindings of a screen, and so not in `[keymap]` (besides the prompt's own
#: bindings, which the Chat scope carries).
FIXED_KEYS = (
    ("Chat", "up, down", "Recall earlier prompts (in an empty prompt)"),
    ("Model picker", "enter", "Use the highlighted model"),
    ("Everywhere", "ctrl+p", "Command palette: every action by name"),
    ("Everywhere", "tab, shift+tab", "Move the focus"),
)


class HelpScreen(ModalScreen[None]):
    """Lists the bindings; Esc or q closes it (and F1 again: the app's help key toggles)."""

    KEYS = ScreenKeys("Help", 8)

    BINDINGS = [Binding("escape,q", "dismiss(None)", "Close", id="help.close")]

    def __init__(self, keymap: dict[str, str], config_file: str) -> None:
        super().__init__()
        self.keymap = keymap
        self.config_file = config_file

    def rows(self) -> Iterator[tuple[str, list[tuple[str, str, str]]]]:
        """(screen title, [(keys, what they do, binding id)]) for every screen."""
        from chatui.ui.keymap import keys_of, scopes, split_keys

        for scope in scopes():
            rows = [(", ".join(split_keys(b.key)), b.tooltip, "") for b in scope.own]
            rows += [(keys, does, "") for title, keys, does in FIXED_KEYS if title == scope.title]
            for binding in scope.bindings:
                keys = ", ".join(keys_of(binding, self.keymap))
                rows.append((keys, binding.tooltip or binding.description, binding.id or ""))
            yield scope.title, rows

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Static(Text("Keys", style="bold"))
            for title, rows in self.rows():
                table = Table(box=None, show_header=False, padding=(0, 2, 0, 0), expand=True)
                table.add_column("keys", style="bold", width=22)
                table.add_column("does", ratio=1)
                table.add_column("id", style="dim", no_wrap=True, width=24)
                for row in rows:
                    table.add_row(*row)
                yield Static(Text(f"\n{title}", style="bold underline"))
                yield Static(table)
            yield Static(
                Text(
                    f"\nChange a key in {self.config_file}:\n"
                    '[keymap]\n"chat.retry" = "f5"        # several: "f5,ctrl+r"',
                    style="dim",
                )
            )

    def on_mount(self) -> None:
        self.query_one("#help").focus()
