"""Fixtures for app tests: a ChatApp wired to the loopback wire server and a temp store."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from chatui.config import load_config
from chatui.core import ModelRef
from chatui.store import TranscriptStore
from chatui.ui.app import ChatApp
from chatui.ui.chat.screen import ChatScreen
from chatui.ui.clipboard import Clipboard
from chatui.ui.conversation.view import ConversationView
from tests.wireserver import WireServer

AppFactory = Callable[..., ChatApp]
NO_CLIPBOARD_TOOLS = Clipboard(environ={}, which=lambda name: None, platform="test")


@pytest.fixture
def app_env(tmp_path: Path, wire_server: WireServer, monkeypatch: pytest.MonkeyPatch) -> Path:
    config = tmp_path / "config.toml"
    config.write_text(
        'default_model = "oai/test-model"\n'
        f'[providers.oai]\nbase_url = "{wire_server.base_url}/v1"\nmodels = ["test-model"]\n'
        f'[providers.claude]\nkind = "anthropic"\nbase_url = "{wire_server.base_url}"\n'
        'api_key_env = "CLAUDE_TEST_KEY"\nmodels = ["claude-test"]\n'
        "[providers.claude.timeouts]\nread = 1\n"
        # the embedded model is not part of these tests, whether or not the extra is installed
        f'[providers.local]\nmodel_path = "{tmp_path}/absent.gguf"\n'
    )
    monkeypatch.setenv("CHATUI_CONFIG", str(config))
    monkeypatch.setenv("CHATUI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("CLAUDE_TEST_KEY", "sk-claude-test")
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    return tmp_path


@pytest.fixture
def make_app(app_env: Path) -> Iterator[AppFactory]:
    stores: list[TranscriptStore] = []

    def make(model: str = "oai/test-model", **kwargs: object) -> ChatApp:
        store = TranscriptStore.open()
        stores.append(store)
        app = ChatApp(load_config(), store, ModelRef.parse(model), **kwargs)  # type: ignore[arg-type]
        app.clipboard_tools = NO_CLIPBOARD_TOOLS  # this machine's tmux and clipboard stay out
        return app

    yield make
    for store in stores:
        store.close()


def screen_text(app: ChatApp) -> str:
    """The conversation log's visible rows as plain text."""
    view = app.screen.query_one(ConversationView)
    return "\n".join(view.render_line(y).text for y in range(view.size.height))


def chat(app: ChatApp) -> ChatScreen:
    screen = app.screen
    assert isinstance(screen, ChatScreen)
    return screen


async def settle(pilot: Pilot[None]) -> None:
    """Wait for every worker (the reply stream) and the frames after it."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause(0.05)


async def wait_until(pilot: Pilot[Any], done: Callable[[], bool], seconds: float = 2.0) -> None:
    """Let frames happen until `done()`; fails after about `seconds`."""
    for _ in range(round(seconds * 100)):
        await pilot.pause()
        if done():
            return
        await pilot.pause(0.01)
    raise AssertionError("condition not reached")
