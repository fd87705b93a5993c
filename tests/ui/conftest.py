"""Fixtures for app tests: a ChatApp wired to the loopback wire server and a temp store."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from chatui.config import load_config
from chatui.core import ModelRef
from chatui.store import TranscriptStore
from chatui.ui.app import ChatApp
from chatui.ui.clipboard import Clipboard
from tests.wireserver import WireServer

AppFactory = Callable[..., ChatApp]
NO_CLIPBOARD_TOOLS = Clipboard(environ={}, which=lambda name: None, platform="test")


@pytest.fixture
def app_env(tmp_path: Path, wire_server: WireServer, monkeypatch: pytest.MonkeyPatch) -> Path:
    config = tmp_path / "config.toml"
    config.write_text(
        'default_model = "oai/test-model"\n'
        f'[providers.oai]\nbase_url = "{wire_server.base_url}/v1"\n'
        'models = { "test-model" = { context = 16384 } }\n'
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
