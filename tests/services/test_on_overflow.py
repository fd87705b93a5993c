"""What a send that won't fit does: the config's `on_overflow` for every new session, and a
conversation's own choice ("send what fits") saved with it and restored when it is resumed."""

from __future__ import annotations

from pathlib import Path

from chatui.config import Config, ProviderConfig
from chatui.core import Capabilities, GenerationOptions, ModelRef
from chatui.providers.scripted import ScriptedProvider
from chatui.services.context.fitting import Overflow
from chatui.services.pool import ProviderPool
from chatui.services.session.chat import ChatSession
from chatui.services.session.events import SessionEvent
from chatui.store import TranscriptStore

WINDOW = 400  # tokens: a few of the long messages below fill it


def make_session(tmp_path: Path, on_overflow: str = "ask") -> tuple[ChatSession, ScriptedProvider]:
    small = (("m1", Capabilities(context=WINDOW)),)
    provider = ScriptedProvider(ProviderConfig("alpha", max_retries=0, model_overrides=small))
    pool = ProviderPool(Config(tmp_path / "config.toml", {}, on_overflow=on_overflow))
    pool.providers["alpha"] = provider
    store = TranscriptStore.open(tmp_path / "c.db")
    options = GenerationOptions(max_tokens=50)
    return ChatSession(pool, store, ModelRef("alpha", "m1"), options=options), provider


async def run(events: object) -> list[SessionEvent]:
    return [event async for event in events]  # type: ignore[attr-defined]


async def talk(session: ChatSession, provider: ScriptedProvider, questions: int) -> None:
    """`questions` exchanges of about 100 tokens each, all sent whole."""
    for number in range(questions):
        provider.enqueue(f"answer {number} " + "word " * 40)
        start = session.start_for(f"question {number} " + "word " * 40)
        await run(session.send(f"question {number} " + "word " * 40, start=start or 0))


def saved_settings(session: ChatSession) -> dict[str, object]:
    assert session.store is not None and session.conversation_id is not None
    return session.store.get_conversation(session.conversation_id).conversation.settings


async def test_new_sessions_take_the_configured_policy(tmp_path: Path) -> None:
    asking, _ = make_session(tmp_path)
    assert asking.on_overflow is Overflow.ASK
    windowed, provider = make_session(tmp_path, "window")
    assert windowed.on_overflow is Overflow.WINDOW
    await talk(windowed, provider, 6)
    draft = "next " * 40
    start = windowed.start_for(draft)
    assert start is not None and 0 < start < len(windowed.turns)  # the newest that fit
    assert not windowed.fitting.budget(windowed.conversation, draft).fits
    assert "on_overflow" not in saved_settings(windowed)  # the config's: not the conversation's
    compacting, _ = make_session(tmp_path, "compact")
    assert compacting.on_overflow is Overflow.COMPACT


async def test_send_what_fits_is_saved_and_restored_on_resume(tmp_path: Path) -> None:
    session, provider = make_session(tmp_path)
    await talk(session, provider, 1)
    assert session.start_for("x " * 600) is None  # asks: nothing is sent yet
    session.on_overflow = Overflow.WINDOW  # the user chose "send what fits"
    await session.recorder.drain()
    saved = saved_settings(session)
    assert saved["on_overflow"] == "window" and saved["max_tokens"] == 50  # the others kept

    resumed, _ = make_session(tmp_path)  # the config says ask: the conversation's choice wins
    assert session.store is not None and session.conversation_id is not None
    resumed.load(session.store.get_conversation(session.conversation_id))
    assert resumed.on_overflow is Overflow.WINDOW


async def test_a_choice_before_the_first_message_is_saved_with_it(tmp_path: Path) -> None:
    session, provider = make_session(tmp_path)
    session.on_overflow = Overflow.WINDOW
    await talk(session, provider, 1)
    assert saved_settings(session)["on_overflow"] == "window"


async def test_without_a_valid_saved_choice_the_config_applies(tmp_path: Path) -> None:
    session, provider = make_session(tmp_path)
    await talk(session, provider, 1)
    store, conversation_id = session.store, session.conversation_id
    assert store is not None and conversation_id is not None
    resumed, _ = make_session(tmp_path, "compact")
    resumed.load(store.get_conversation(conversation_id))
    assert resumed.on_overflow is Overflow.COMPACT
    store.update_conversation(conversation_id, settings={"on_overflow": "shrug"})
    again, _ = make_session(tmp_path, "window")
    again.load(store.get_conversation(conversation_id))
    assert again.on_overflow is Overflow.WINDOW
