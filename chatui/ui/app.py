"""ChatApp: the Textual application object — config, store and providers shared by screens."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from chatui.config import Config
from chatui.core import ModelRef
from chatui.services.pool import ProviderPool
from chatui.services.settings import ConversationSettings
from chatui.store import TranscriptStore
from chatui.ui.chat_screen import ChatScreen


class ChatApp(App[None]):
    """Full-screen chat: one ChatScreen, with pickers and other screens pushed over it."""

    CSS_PATH = Path(__file__).with_name("app.tcss")
    TITLE = "chatui"
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True)]

    def __init__(
        self,
        config: Config,
        store: TranscriptStore | None,
        model: ModelRef | None,
        *,
        prompt: str | None = None,
        resume_id: str | None = None,
        notice: str | None = None,
        settings: ConversationSettings | None = None,
    ) -> None:
        """`settings` start every new conversation (default: the config's; `chatui -p`)."""
        super().__init__()
        self.config = config
        self.store = store
        self.pool = ProviderPool(config)
        self.start_model = model
        self.start_prompt = prompt
        self.resume_id = resume_id
        self.start_notice = notice
        self.model_lists: dict[str, list[str]] = {}
        self.start_settings = settings or ConversationSettings.from_config(config)

    def get_default_screen(self) -> Screen[None]:
        return ChatScreen(
            self.start_model,
            prompt=self.start_prompt,
            resume_id=self.resume_id,
            notice=self.start_notice,
        )

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if isinstance(screen, ChatScreen):
            yield from screen.commands()

    async def on_unmount(self) -> None:
        await self.pool.aclose()
        if self.store is not None:
            self.store.close()
