"""The conversation settings dialog: system prompt, temperature, max tokens."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Input, Label, TextArea

from chatui.services.session.settings import (
    ConversationSettings,
    parse_max_tokens,
    parse_temperature,
)
from chatui.ui.keymap import ScreenKeys

HINT = "tab: next field · ctrl+s: save · esc: cancel · applies from the next reply"


class SettingsDialog(ModalScreen[ConversationSettings | None]):
    """Edit a conversation's settings; ctrl+s (or Enter on Save) saves, Esc changes nothing."""

    KEYS = ScreenKeys("Conversation settings", 4, TextArea)

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="settings.save", priority=True),
        Binding("escape", "dismiss(None)", "Cancel", id="settings.cancel"),
    ]

    def __init__(self, settings: ConversationSettings) -> None:
        super().__init__()
        self.settings = settings

    def compose(self) -> ComposeResult:
        settings = self.settings
        title = Text("Conversation settings", style="bold")
        if settings.preset:
            title.append(f"  (preset: {settings.preset})", style="not bold dim")
        temperature = "" if settings.temperature is None else f"{settings.temperature:g}"
        with Vertical(id="settings-dialog"):
            yield Label(title)
            yield Label("System prompt", classes="settings-label")
            yield TextArea(
                settings.system_prompt,
                id="settings-system",
                soft_wrap=True,
                tab_behavior="focus",
                show_line_numbers=False,
            )
            with Horizontal(id="settings-numbers"):
                with Vertical():
                    yield Label("Temperature (0 to 2, empty: default)", classes="settings-label")
                    yield Input(temperature, placeholder="provider default", id="settings-temp")
                with Vertical():
                    yield Label("Max tokens", classes="settings-label")
                    yield Input(str(settings.max_tokens), id="settings-max-tokens")
            yield Label("", id="settings-error")
            with Horizontal(id="settings-buttons"):
                yield Button("Save", variant="primary", id="settings-save")
                yield Button("Cancel", id="settings-cancel")
            yield Label(Text(HINT, style="dim"))

    def on_mount(self) -> None:
        system = self.query_one("#settings-system", TextArea)
        system.focus()
        system.move_cursor(system.document.end)

    def action_save(self) -> None:
        settings = self.read()
        if settings is not None:
            self.dismiss(settings)

    def read(self) -> ConversationSettings | None:
        """The typed settings, or None with the problem shown under the fields."""
        temperature_input = self.query_one("#settings-temp", Input)
        max_tokens_input = self.query_one("#settings-max-tokens", Input)
        for widget in (temperature_input, max_tokens_input):
            widget.remove_class("-invalid")
        field: Widget = temperature_input
        try:
            temperature = parse_temperature(temperature_input.value)
            field = max_tokens_input
            max_tokens = parse_max_tokens(max_tokens_input.value)
        except ValueError as exc:
            self.query_one("#settings-error", Label).update(Text(str(exc)))
            field.add_class("-invalid")
            field.focus()
            return None
        system = self.query_one("#settings-system", TextArea).text
        edited = ConversationSettings(system, temperature, max_tokens, self.settings.preset)
        if edited != self.settings:  # changed by hand: no longer what the preset set
            edited = ConversationSettings(system, temperature, max_tokens)
        return edited

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#settings-save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#settings-cancel")
    def _cancel_pressed(self) -> None:
        self.dismiss(None)
