"""Extended thinking per conversation: config default, palette switch saved, restored on resume."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from chatui.config import Config, ProviderConfig, load_config
from chatui.core import ConfigError, GenerationOptions, ModelRef, ReasoningDelta, StreamTimeout
from chatui.providers.scripted import ScriptedProvider
from chatui.services.pool import ProviderPool
from chatui.services.session import thinking
from chatui.services.session.chat import ChatSession
from chatui.services.session.events import SessionEvent
from chatui.store import TranscriptStore


def make_session(tmp_path: Path, budget: int = 0) -> tuple[ChatSession, ScriptedProvider]:
    provider = ScriptedProvider(ProviderConfig("alpha", max_retries=0))
    config = Config(tmp_path / "config.toml", {}, thinking_budget=budget)
    pool = ProviderPool(config)
    pool.providers["alpha"] = provider
    store = TranscriptStore.open(tmp_path / "c.db")
    options = GenerationOptions(99)
    return ChatSession(pool, store, ModelRef("alpha", "m1"), options=options), provider


async def run(events: object) -> list[SessionEvent]:
    return [event async for event in events]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("thinking_budget = 512\n", "thinking_budget: must be 0 (off) or at least 1024 tokens"),
        ("thinking_budget = -1\n", "must be 0 (off) or at least 1024"),
        ("thinking_budget = 'lots'\n", "thinking_budget: expected int, got 'lots'"),
        ("thinking_budget = true\n", "expected int"),
    ],
)
def test_config_budget_is_checked(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text("max_tokens = 5\n" + text)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert f"{path}, line 2: thinking_budget: " in str(info.value)
    assert problem in str(info.value)


def test_config_budget_default_and_value(tmp_path: Path) -> None:
    assert load_config(tmp_path / "absent.toml").thinking_budget == 0
    path = tmp_path / "config.toml"
    path.write_text("thinking_budget = 8000\n")
    assert load_config(path).thinking_budget == 8000


async def test_config_default_is_sent_and_saved(tmp_path: Path) -> None:
    session, provider = make_session(tmp_path, budget=2048)
    assert session.options.thinking_budget == 2048 and session.options.max_tokens == 99
    await run(session.send("hi"))
    assert provider.requests[-1].options.thinking_budget == 2048
    assert session.store is not None and session.conversation_id is not None
    settings = session.store.get_conversation(session.conversation_id).conversation.settings
    assert settings["thinking_budget"] == 2048 and settings["max_tokens"] == 99


async def test_switch_is_saved_and_restored_on_resume(tmp_path: Path) -> None:
    session, provider = make_session(tmp_path)
    assert session.options.thinking_budget == 0
    session.set_thinking(thinking.toggled_budget(session.options, session.pool.config))
    assert session.options.thinking_budget == thinking.DEFAULT_BUDGET
    await run(session.send("first"))  # a new conversation records the budget
    assert provider.requests[-1].options.thinking_budget == thinking.DEFAULT_BUDGET
    store, conversation_id = session.store, session.conversation_id
    assert store is not None and conversation_id is not None
    session.configure(replace(session.settings, temperature=0.2))
    session.set_thinking(0)  # the other settings are kept
    await session.recorder.drain()
    saved = store.get_conversation(conversation_id)
    assert saved.conversation.settings["temperature"] == 0.2
    assert saved.conversation.settings["thinking_budget"] == 0

    resumed, _ = make_session(tmp_path, budget=4096)  # the conversation's own choice wins
    resumed.load(saved)
    assert resumed.options.thinking_budget == 0
    session.set_thinking(3000)
    await session.recorder.drain()
    resumed.load(store.get_conversation(conversation_id))
    assert resumed.options.thinking_budget == 3000


async def test_conversation_without_the_setting_follows_the_config(tmp_path: Path) -> None:
    session, _ = make_session(tmp_path)
    await run(session.send("plain"))
    assert session.store is not None and session.conversation_id is not None
    saved = session.store.get_conversation(session.conversation_id)
    assert "thinking_budget" not in saved.conversation.settings  # off by default: not recorded
    resumed, _ = make_session(tmp_path, budget=2048)
    resumed.load(saved)
    assert resumed.options.thinking_budget == 2048


async def test_reasoning_is_stored_but_never_sent_back(tmp_path: Path) -> None:
    session, provider = make_session(tmp_path)
    provider.enqueue(ReasoningDelta("Let me see"), "Answer")
    provider.enqueue(ReasoningDelta("Hmm, "), ReasoningDelta("again"), "Par", StreamTimeout("x"))
    await run(session.send("q"))
    await run(session.send("more"))
    assert session.store is not None and session.conversation_id is not None
    messages = session.store.get_conversation(session.conversation_id).messages
    assert [(m.status, m.content, m.reasoning) for m in messages[1::2]] == [
        ("complete", "Answer", "Let me see"),
        ("error", "Par", "Hmm, again"),  # a reply that failed keeps its reasoning
    ]
    await run(session.send("last"))
    assert [m.content for m in provider.requests[-1].messages] == ["q", "Answer", "more", "last"]
