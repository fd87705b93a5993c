"""The conversation settings dialog and presets through Pilot, checked on the wire and stored."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Label, TextArea

from chatui.ui.app import ChatApp
from chatui.ui.chat.prompt import PromptInput
from chatui.ui.screens.settings import SettingsDialog
from tests.pilot import chat, palette_titles, press, run_from_palette, settle
from tests.ui.conftest import AppFactory
from tests.wireserver import WireServer

PRESETS = """
[presets.pirate]
system_prompt = "Talk like a pirate."
temperature = 0.9
max_tokens = 300
model = "claude/claude-test"
"""


@pytest.fixture
def with_presets(app_env: Path) -> None:
    with (app_env / "config.toml").open("a") as config:
        config.write(PRESETS)


async def open_dialog(pilot: Pilot[None]) -> SettingsDialog:
    await press(pilot, "ctrl+g")
    await pilot.pause()
    dialog = pilot.app.screen
    assert isinstance(dialog, SettingsDialog)
    return dialog


def field(app: ChatApp, selector: str) -> Input:
    return app.screen.query_one(selector, Input)


def saved_settings(app: ChatApp) -> tuple[str, dict[str, object]]:
    session = chat(app).session
    assert app.store is not None and session is not None and session.conversation_id
    record = app.store.get_conversation(session.conversation_id).conversation
    return record.system_prompt, record.settings


async def test_edit_system_prompt_and_temperature_then_send(
    make_app: AppFactory, wire_server: WireServer
) -> None:
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await open_dialog(pilot)
        assert app.screen.query_one("#settings-system", TextArea).has_focus
        await press(pilot, *"Be brief.", "tab")
        assert field(app, "#settings-temp").has_focus
        await press(pilot, *"0.3", "tab", "ctrl+u", *"123", "ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, SettingsDialog)
        assert "[system prompt]" in chat(app).status.render().plain
        assert isinstance(app.focused, PromptInput)
        await press(pilot, *"hi", "enter")
        await settle(pilot)
        assert saved_settings(app) == ("Be brief.", {"temperature": 0.3, "max_tokens": 123})
    body = wire_server.generation_requests[-1].body
    assert body["messages"][0] == {"role": "system", "content": "Be brief."}
    assert (body["temperature"], body["max_tokens"]) == (0.3, 123)


async def test_invalid_temperature_is_explained_and_nothing_typed_is_lost(
    make_app: AppFactory, wire_server: WireServer
) -> None:
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await open_dialog(pilot)
        await press(pilot, *"Keep me.", "tab", *"warm", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, SettingsDialog)  # still open
        error = str(app.screen.query_one("#settings-error", Label).render())
        assert "Temperature must be a number from 0 to 2" in error
        temperature = field(app, "#settings-temp")
        assert temperature.value == "warm" and temperature.has_focus
        assert temperature.has_class("-invalid")
        assert app.screen.query_one("#settings-system", TextArea).text == "Keep me."
        await press(pilot, "ctrl+u", *"1.5", "tab", "ctrl+u", *"0", "ctrl+s")  # bad max tokens
        await pilot.pause()
        assert "Max tokens must be a whole number above 0" in str(
            app.screen.query_one("#settings-error", Label).render()
        )
        assert field(app, "#settings-max-tokens").has_focus
        assert field(app, "#settings-temp").value == "1.5"
        await press(pilot, "ctrl+u", *"64", "tab", "enter")  # Enter on the Save button
        await pilot.pause()
        assert not isinstance(app.screen, SettingsDialog)
        await press(pilot, *"hi", "enter")
        await settle(pilot)
    body = wire_server.generation_requests[-1].body
    assert body["messages"][0] == {"role": "system", "content": "Keep me."}
    assert (body["temperature"], body["max_tokens"]) == (1.5, 64)


async def test_escape_discards_the_changes(make_app: AppFactory, wire_server: WireServer) -> None:
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        session = chat(app).session
        assert session is not None
        before = session.settings
        await open_dialog(pilot)
        await press(pilot, *"Forget me.", "tab", *"1", "escape")
        await pilot.pause()
        assert not isinstance(app.screen, SettingsDialog)
        assert session.settings == before
        await press(pilot, *"hi", "enter")
        await settle(pilot)
        assert saved_settings(app) == ("", {"temperature": None, "max_tokens": 4096})
        await open_dialog(pilot)  # reopening shows the settings in effect, not the discarded
        assert app.screen.query_one("#settings-system", TextArea).text == ""
        assert field(app, "#settings-temp").value == ""
    body = wire_server.generation_requests[-1].body
    assert [m["role"] for m in body["messages"]] == ["user"] and "temperature" not in body


async def test_palette_preset_applies_to_the_conversation_and_its_model(
    with_presets: None, make_app: AppFactory, wire_server: WireServer
) -> None:
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await press(pilot, *"first", "enter")
        await settle(pilot)
        await run_from_palette(pilot, "Use preset: pirate")
        status = chat(app).status.render().plain
        assert "claude/claude-test" in status and "[preset: pirate]" in status
        assert saved_settings(app) == (
            "Talk like a pirate.",
            {"temperature": 0.9, "max_tokens": 300, "preset": "pirate"},
        )
        await press(pilot, *"second", "enter")
        await settle(pilot)
    first, second = wire_server.generation_requests
    assert "temperature" not in first.body
    assert second.path == "/v1/messages"
    assert second.body["system"] == "Talk like a pirate."
    assert (second.body["temperature"], second.body["max_tokens"]) == (0.9, 300)


async def test_palette_offers_both_settings_commands(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        titles = await palette_titles(pilot)
        assert "System prompt" in titles and "Conversation settings" in titles
        await run_from_palette(pilot, "System prompt")
        assert isinstance(app.screen, SettingsDialog)
        assert app.screen.query_one("#settings-system", TextArea).has_focus


async def test_resume_restores_settings_and_new_chat_resets_them(
    with_presets: None, make_app: AppFactory, wire_server: WireServer
) -> None:
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await open_dialog(pilot)
        await press(pilot, *"Remember this.", "tab", *"0.25", "ctrl+s")
        await press(pilot, *"one", "enter")
        await settle(pilot)
        session = chat(app).session
        assert session is not None
        conversation = session.conversation_id
        await press(pilot, "ctrl+n")
        await pilot.pause()
        fresh = chat(app).session
        assert fresh is not None and fresh.settings.system_prompt == ""
        assert "[" not in chat(app).status.render().plain
    resumed = make_app(resume_id=conversation)  # what `chatui --continue` does
    async with resumed.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        assert "[system prompt]" in chat(resumed).status.render().plain
        await open_dialog(pilot)
        assert resumed.screen.query_one("#settings-system", TextArea).text == "Remember this."
        assert field(resumed, "#settings-temp").value == "0.25"
        await press(pilot, "escape", *"two", "enter")
        await settle(pilot)
    body = wire_server.generation_requests[-1].body
    assert body["messages"][0] == {"role": "system", "content": "Remember this."}
    assert body["temperature"] == 0.25
