"""First run: a welcome when nothing is usable, a note when on the embedded model."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Static
from textual.widgets._footer import FooterKey

from chatui.config import load_config
from chatui.core import ModelRef
from chatui.providers.registry import available_providers, default_model
from chatui.services import discovery
from chatui.store import TranscriptStore
from chatui.ui.app import ChatApp
from chatui.ui.chat.screen import ChatScreen
from chatui.ui.conversation.entries import NoticeEntry
from chatui.ui.screens.history import HistoryScreen
from tests.pilot import chat, press, settle
from tests.ui.conftest import AppFactory
from tests.wireserver import WireServer


@pytest.fixture
def bare(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No keys, no endpoints, no local model."""
    for name in ("OPENAI_API_KEY", "ANTHROPIC_API_KEY", "OPENAI_BASE_URL", "ANTHROPIC_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    config = tmp_path / "config.toml"
    config.write_text(f'[providers.local]\nmodel_path = "{tmp_path}/absent.gguf"\n')
    monkeypatch.setenv("CHATUI_CONFIG", str(config))
    monkeypatch.setenv("CHATUI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setattr(discovery, "KNOWN_ENDPOINTS", ())
    return config


async def test_welcome_when_nothing_is_available(bare: Path) -> None:
    config = load_config()
    assert available_providers(config) == [] and default_model(config) is None
    with TranscriptStore.open() as store:
        store.create_conversation("kept from before")
        app = ChatApp(config, store, None)
        async with app.run_test(size=(110, 30)) as pilot:
            await settle(pilot)
            (welcome,) = [e for e in chat(app).view.entries if isinstance(e, NoticeEntry)]
            assert "OPENAI_API_KEY" in welcome.text and "chatui[local]" in welcome.text
            assert str(bare) in welcome.text
            await press(pilot, "x", "enter")  # sending explains instead of failing
            await press(pilot, "ctrl+b")
            await settle(pilot)
            assert isinstance(app.screen, HistoryScreen)
            assert app.screen.rows and app.screen.rows[0].title == "kept from before"


async def test_found_server_is_used_when_nothing_else_is(
    bare: Path, wire_server: WireServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        discovery, "KNOWN_ENDPOINTS", (discovery.KnownEndpoint("ollama", wire_server.port),)
    )
    with TranscriptStore.open() as store:
        app = ChatApp(load_config(), store, None)
        async with app.run_test(size=(110, 30)) as pilot:
            await settle(pilot)
            screen = chat(app)
            assert screen.models.current == ModelRef("ollama", "test-model")
            await press(pilot, "h", "i", "enter")
            await settle(pilot)
            assert screen.session is not None and screen.session.turns[-1].content == "Hello world"


async def test_status_says_the_local_model_is_small(bare: Path) -> None:
    with TranscriptStore.open() as store:
        app = ChatApp(load_config(), store, ModelRef("local", "smollm2"))
        async with app.run_test(size=(140, 30)) as pilot:
            await pilot.pause()
            status = chat(app).status.render().plain
            assert "local/smollm2" in status and "small offline model" in status


def footer_keys(app: ChatApp) -> set[str]:
    return {key.description for key in app.screen.query(FooterKey)}


async def test_first_launch_offers_only_what_applies_and_the_picker_says_why(bare: Path) -> None:
    with TranscriptStore.open() as store:
        app = ChatApp(load_config(), store, None)
        async with app.run_test(size=(140, 30)) as pilot:
            await settle(pilot)
            keys = footer_keys(app)
            assert {"Model", "History", "New chat"} <= keys
            assert not keys & {"Edit", "Copy", "Stop", "Retry", "Prev msg"}
            await press(pilot, "ctrl+o")
            note = str(app.screen.query_one("#picker-note", Static).content)
            assert "nothing to pick" in note and "OPENAI_API_KEY" in note
            assert "chatui[local]" in note and str(bare) in note
            await press(pilot, "escape")
            assert isinstance(app.screen, ChatScreen)


async def test_message_keys_join_the_footer_with_the_first_message(
    make_app: AppFactory, wire_server: WireServer
) -> None:
    app = make_app()
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        assert not footer_keys(app) & {"Edit", "Copy", "Stop", "Retry"}
        await press(pilot, *"hi", "enter")
        await settle(pilot)
        assert {"Edit", "Copy", "Stop", "Retry"} <= footer_keys(app)
        await press(pilot, "ctrl+n")
        await pilot.pause()
        assert not footer_keys(app) & {"Edit", "Copy", "Stop", "Retry"}
