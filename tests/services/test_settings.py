"""Conversation settings: used for every request, saved with the conversation, restored on load."""

from __future__ import annotations

from pathlib import Path

import pytest

from chatui.config import Config, Preset, ProviderConfig
from chatui.core import GenerationOptions, ModelRef
from chatui.providers.scripted import ScriptedProvider
from chatui.services.pool import ProviderPool
from chatui.services.session.chat import ChatSession
from chatui.services.session.events import SessionEvent
from chatui.services.session.settings import (
    ConversationSettings,
    parse_max_tokens,
    parse_temperature,
    saved_thinking_budget,
    with_thinking_budget,
)
from chatui.store import TranscriptStore

CUSTOM = ConversationSettings("Speak like a pirate.", 0.3, 321, "pirate")


def make_session(
    tmp_path: Path, store: TranscriptStore | None = None
) -> tuple[ChatSession, ScriptedProvider]:
    provider = ScriptedProvider(ProviderConfig("alpha", max_retries=0))
    config = Config(tmp_path / "config.toml", {}, system_prompt="default", max_tokens=900)
    pool = ProviderPool(config)
    pool.providers["alpha"] = provider
    store = store or TranscriptStore.open(tmp_path / "chatui.db")
    options = GenerationOptions(config.max_tokens, config.temperature, seed=7)
    session = ChatSession(pool, store, ModelRef("alpha", "m1"), system="default", options=options)
    return session, provider


async def run(events: object) -> list[SessionEvent]:
    return [event async for event in events]  # type: ignore[attr-defined]


def stored(session: ChatSession) -> tuple[str, dict[str, object]]:
    assert session.store is not None and session.conversation_id is not None
    record = session.store.get_conversation(session.conversation_id).conversation
    return record.system_prompt, record.settings


async def test_settings_reach_every_request_and_are_saved_at_creation(tmp_path: Path) -> None:
    session, provider = make_session(tmp_path)
    session.configure(CUSTOM)  # before the conversation exists: kept for its creation
    assert session.conversation_id is None
    await run(session.send("one"))
    await run(session.send("two"))
    for request in provider.requests:
        assert request.system == "Speak like a pirate."
        assert (request.options.temperature, request.options.max_tokens) == (0.3, 321)
        assert request.options.seed == 7  # other options are kept
    assert stored(session) == (
        "Speak like a pirate.",
        {"temperature": 0.3, "max_tokens": 321, "preset": "pirate"},
    )


async def test_changes_apply_to_the_next_reply_and_are_saved_at_once(tmp_path: Path) -> None:
    session, provider = make_session(tmp_path)
    await run(session.send("one"))
    assert stored(session) == ("default", {"temperature": None, "max_tokens": 900})
    session.configure(ConversationSettings("", None, 50))
    await session.recorder.drain()
    assert stored(session) == ("", {"temperature": None, "max_tokens": 50})
    await run(session.send("two"))
    first, second = provider.requests
    assert (first.system, first.options.max_tokens) == ("default", 900)
    assert (second.system, second.options.max_tokens, second.options.temperature) == ("", 50, None)


async def test_resumed_conversation_gets_its_settings_back(tmp_path: Path) -> None:
    session, _ = make_session(tmp_path)
    session.configure(CUSTOM)
    await run(session.send("one"))
    assert session.conversation_id is not None and session.store is not None
    again, provider = make_session(tmp_path, session.store)
    assert again.settings == ConversationSettings("default", None, 900)
    again.load(session.store.get_conversation(session.conversation_id))
    assert again.settings == CUSTOM
    await run(again.send("two"))
    (request,) = provider.requests
    assert (request.system, request.options.temperature, request.options.max_tokens) == (
        "Speak like a pirate.",
        0.3,
        321,
    )


async def test_old_conversation_takes_config_defaults_and_keeps_other_keys(
    tmp_path: Path,
) -> None:
    store = TranscriptStore.open(tmp_path / "chatui.db")
    record = store.create_conversation("old", "old prompt", {"thinking": {"budget": 2048}})
    store.add_message(record.id, "user", "hi")
    session, _ = make_session(tmp_path, store)
    session.use_settings(CUSTOM)  # e.g. the app was started with a preset
    session.load(store.get_conversation(record.id))
    assert session.settings == ConversationSettings("old prompt", None, 900, None)
    session.configure(ConversationSettings("new prompt", 1.0, 100))
    await session.recorder.drain()
    assert stored(session) == (
        "new prompt",
        {"thinking": {"budget": 2048}, "temperature": 1.0, "max_tokens": 100},
    )


def test_damaged_saved_values_fall_back_to_defaults(tmp_path: Path) -> None:
    store = TranscriptStore.open(tmp_path / "chatui.db")
    bad = {"temperature": "hot", "max_tokens": -3, "preset": 5}
    record = store.create_conversation("x", "p", bad)
    defaults = ConversationSettings("d", 0.7, 800)
    assert ConversationSettings.from_record(record, defaults) == ConversationSettings(
        "p", 0.7, 800, None
    )
    explicit_none = store.create_conversation("y", "", {"temperature": None, "max_tokens": 9})
    restored = ConversationSettings.from_record(explicit_none, defaults)
    assert (restored.temperature, restored.max_tokens) == (None, 9)


def test_preset_overrides_only_what_it_sets() -> None:
    config = Config(Path("c.toml"), {}, system_prompt="base", max_tokens=900, temperature=0.9)
    preset = Preset("terse", system_prompt="Be terse.", max_tokens=100)
    assert ConversationSettings.from_config(config, preset) == ConversationSettings(
        "Be terse.", 0.9, 100, "terse"
    )
    assert ConversationSettings.from_config(config).badge == "system prompt"
    assert ConversationSettings.from_config(config, preset).badge == "preset: terse"
    assert ConversationSettings().badge == ""


@pytest.mark.parametrize(("text", "value"), [("", None), (" 0 ", 0.0), ("1.5", 1.5), ("2", 2.0)])
def test_temperature_accepts_0_to_2_or_empty(text: str, value: float | None) -> None:
    assert parse_temperature(text) == value


@pytest.mark.parametrize("text", ["warm", "2.1", "-0.1", "nan", "inf"])
def test_temperature_rejects_the_rest(text: str) -> None:
    with pytest.raises(ValueError, match="from 0 to 2"):
        parse_temperature(text)


def test_max_tokens_must_be_a_positive_whole_number() -> None:
    assert parse_max_tokens(" 512 ") == 512
    for text in ("", "0", "-5", "1.5", "lots"):
        with pytest.raises(ValueError, match="whole number above 0"):
            parse_max_tokens(text)


def test_one_owner_writes_every_key_and_keeps_the_others() -> None:
    data = with_thinking_budget({"imported_from": "chatgpt"}, 0)
    assert ConversationSettings("", 0.2, 10).to_json(data) == {
        "imported_from": "chatgpt",
        "thinking_budget": 0,
        "temperature": 0.2,
        "max_tokens": 10,
    }
    assert with_thinking_budget(data, None) == data
    assert saved_thinking_budget(data) == 0
    assert saved_thinking_budget({"thinking_budget": True}) is None
