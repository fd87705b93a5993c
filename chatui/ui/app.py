"""ChatApp: the Textual application object — config, store and providers shared by screens."""

from __future__ import annotations

import asyncio
import gc
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.driver import Driver
from textual.screen import Screen

from chatui.config import Config
from chatui.core import ChatError, ModelRef
from chatui.paths import screenshot_dir
from chatui.services.history import History
from chatui.services.pool import ProviderPool
from chatui.services.preferences import load_preferences, save_preference
from chatui.services.session.settings import ConversationSettings
from chatui.store import TranscriptStore
from chatui.ui.chat.screen import ChatScreen
from chatui.ui.clipboard import Clipboard
from chatui.ui.conversation.plain_text import use_colors
from chatui.ui.screens.history import HistoryScreen

DEFAULT_THEME = "textual-dark"
UNDO_DELETE_HELP = "Bring back the last conversation deleted in the history"


@dataclass(frozen=True)
class Start:
    """How the app opens: the model, a conversation to resume, a prompt to send, a notice."""

    model: ModelRef | None
    prompt: str | None = None
    resume_id: str | None = None
    notice: str | None = None
    chosen: bool = False  # the model was asked for (-m, a preset): it answers the resumed one


class ChatApp(App[None]):
    """Full-screen chat: one ChatScreen, with pickers and other screens pushed over it."""

    CSS_PATH = Path(__file__).with_name("app.tcss")
    TITLE = "chatui"
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True),
        # GNOME Terminal keeps F1 for its own help; Ctrl+/ sends ctrl+underscore (^_) there
        Binding(
            "f1,ctrl+underscore",
            "help",
            "Help",
            id="app.help",
            priority=True,
            tooltip="Every key as mapped (ctrl+/ where the terminal keeps F1)",
        ),
    ]

    def __init__(
        self,
        config: Config,
        store: TranscriptStore | None,
        model: ModelRef | None,
        *,
        prompt: str | None = None,
        resume_id: str | None = None,
        notice: str | None = None,
        keymap: dict[str, str] | None = None,
        settings: ConversationSettings | None = None,
        chosen: bool = False,
    ) -> None:
        """`settings` start every new conversation (default: the config's; `chatui -p`);
        `chosen`: `model` was asked for, and answers the conversation resumed too."""
        super().__init__()
        self.config = config
        self.keymap = keymap or {}
        self.set_keymap(self.keymap)
        if self.no_color:  # NO_COLOR: Textual shows greys; emphasis must not rely on hue
            self.add_class("-no-color")
        use_colors(not self.no_color)
        self.store = store
        self.pool = ProviderPool(config)
        self.start = Start(model, prompt, resume_id, notice, chosen)
        self.model_lists: dict[str, list[str]] = {}
        #: The saved conversations, and those deleted since start for "Undo delete" anywhere.
        self.history = History(store) if store is not None else None
        self.start_settings = settings or ConversationSettings.from_config(config)
        self.clipboard_tools = Clipboard()
        self.theme_saving = asyncio.Lock()  # one preferences write at a time

    def get_driver_class(self) -> type[Driver]:
        """On POSIX terminals, Textual's driver with chatui's key parser (see terminal_keys)."""
        driver = super().get_driver_class()
        if driver.__module__ != "textual.drivers.linux_driver":
            return driver  # Windows, or a driver named in TEXTUAL_DRIVER
        from chatui.ui.terminal_keys import TerminalDriver

        return TerminalDriver

    def get_default_screen(self) -> Screen[None]:
        return ChatScreen(self.start)

    def on_mount(self) -> None:
        # The objects start-up made (modules, Textual's, the SDK's once imported) live as long
        # as the app: frozen out of the collector, whose full passes over them otherwise took
        # 40-140 ms now and then (a keystroke in the history waited for one).
        self.call_after_refresh(gc.freeze)
        self.theme = self.starting_theme()
        # subscribed once the starting theme is in place: only the user's changes are saved
        self.call_after_refresh(self.theme_changed_signal.subscribe, self, self.remember_theme)

    def starting_theme(self) -> str:
        """The theme picked last time, else the config's `theme`, else the default."""
        saved = load_preferences().get("theme")
        if isinstance(saved, str) and saved in self.available_themes:
            return saved
        wanted = self.config.theme
        if wanted and wanted not in self.available_themes:
            names = ", ".join(sorted(self.available_themes))
            self.notify(f"Unknown theme {wanted!r} in the config (themes: {names}).", timeout=10)
            return DEFAULT_THEME
        return wanted or DEFAULT_THEME

    def remember_theme(self, theme: object) -> None:
        """Save the theme picked, in a thread (the theme list previews each one it passes)."""
        self.run_worker(self._save_theme(), group="save-theme")

    async def _save_theme(self) -> None:
        async with self.theme_saving:  # each write saves the theme in use when it starts
            try:
                await asyncio.to_thread(save_preference, "theme", self.theme)
            except ChatError as exc:
                self.notify(f"The theme is not remembered: {exc}", severity="warning")

    def action_help(self) -> None:
        from chatui.ui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss(None)
        else:
            self.push_screen(HelpScreen(self.keymap, str(self.config.path)))

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        # Textual's "Keys" looked like a second "Help: keys"; its "Screenshot" failed with no
        # reason when ~/Downloads is missing
        replaced = {"Keys", "Screenshot"}
        yield from (c for c in super().get_system_commands(screen) if c.title not in replaced)
        yield SystemCommand("Help: keys", "Every binding as mapped, and its id", self.action_help)
        yield SystemCommand(
            "Screenshot", "Save an SVG of the screen (to Downloads, else chatui's data folder)",
            lambda: self.set_timer(0.1, self.save_screen),  # once the palette has closed
        )  # fmt: skip
        if isinstance(screen, HistoryScreen):
            yield SystemCommand("Undo delete", UNDO_DELETE_HELP, screen.action_undo)

    def save_screen(self) -> None:
        """Save an SVG screenshot into `screenshot_dir()` and say where, or why not."""
        folder = screenshot_dir()
        path = folder / f"chatui-{time.strftime('%Y-%m-%d-%H%M%S')}.svg"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path.write_text(self.export_screenshot(), encoding="utf-8")
        except OSError as exc:
            why = exc.strerror or str(exc)
            self.notify(
                f"The screenshot was not saved to {path}: {why}.", severity="error", markup=False
            )
            return
        self.notify(f"Saved the screenshot to {path}", title="Screenshot", markup=False)

    async def on_unmount(self) -> None:
        await self.pool.aclose()
        if self.store is not None:
            self.store.close()
