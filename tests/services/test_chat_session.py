"""ChatSession persists as it streams: user first, reply flushed, right final status."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from chatui.config import Config, ProviderConfig
from chatui.core import ModelRef, RateLimited, Role, TextDelta
from chatui.providers.scripted import ScriptedProvider
from chatui.services.pool import ProviderPool
from chatui.services.session.chat import ChatSession
from chatui.services.session.events import NotSaved, ReplyEnded, SessionEvent
from chatui.store import TranscriptStore


def make_session(tmp_path: Path, *names: str) -> tuple[ChatSession, dict[str, ScriptedProvider]]:
    providers = {name: ScriptedProvider(ProviderConfig(name, max_retries=0)) for name in names}
    pool = ProviderPool(Config(tmp_path / "config.toml", {}))
    pool.providers.update(providers)
    store = TranscriptStore.open(tmp_path / "chatui.db")
    first = names[0]
    return ChatSession(pool, store, ModelRef(first, "m1"), system="sys"), providers


async def run(events: object) -> list[SessionEvent]:
    return [event async for event in events]  # type: ignore[attr-defined]


async def test_exchange_is_saved_with_model_usage_and_timings(tmp_path: Path) -> None:
    session, providers = make_session(tmp_path, "alpha")
    providers["alpha"].enqueue("Hel", "lo")
    events = await run(session.send("Hi there"))
    assert [e.text for e in events if isinstance(e, TextDelta)] == ["Hel", "lo"]
    ended = events[-1]
    assert isinstance(ended, ReplyEnded) and ended.error is None
    assert session.store is not None and session.conversation_id is not None
    saved = session.store.get_conversation(session.conversation_id)
    assert saved.conversation.title == "Hi there"
    assert saved.conversation.system_prompt == "sys"
    user, reply = saved.messages
    assert (user.role, user.content) == ("user", "Hi there")
    assert (reply.role, reply.content, reply.status) == ("assistant", "Hello", "complete")
    assert (reply.provider, reply.model, reply.parent_id) == ("alpha", "m1", user.id)
    assert reply.output_tokens == 5 and reply.ttft is not None and reply.duration is not None


async def test_user_message_is_committed_before_the_request(tmp_path: Path) -> None:
    session, providers = make_session(tmp_path, "alpha")
    seen: list[int] = []
    original = providers["alpha"]._stream

    def spy(request):  # type: ignore[no-untyped-def]
        assert session.store is not None and session.conversation_id is not None
        seen.append(len(session.store.get_conversation(session.conversation_id).messages))
        return original(request)

    providers["alpha"]._stream = spy  # type: ignore[method-assign]
    await run(session.send("question"))
    assert seen == [1]


async def test_reply_is_flushed_while_streaming(tmp_path: Path) -> None:
    session, providers = make_session(tmp_path, "alpha")
    providers["alpha"].enqueue("first part ", 0.7, "second", 0.7, "third")
    flushed: list[str] = []

    async def watch() -> None:
        async for event in session.send("go"):
            if isinstance(event, TextDelta) and event.text == "third":
                assert session.store is not None and session.conversation_id is not None
                reply = session.store.get_conversation(session.conversation_id).messages[-1]
                flushed.append(reply.status)
                flushed.append(reply.content)

    await watch()
    assert flushed[0] == "streaming"
    assert flushed[1].startswith("first part ")


async def test_cancel_saves_partial_reply_as_stopped(tmp_path: Path) -> None:
    session, providers = make_session(tmp_path, "alpha")
    providers["alpha"].enqueue("partial ", "text", 5.0, "never")
    got = asyncio.Event()

    async def consume() -> None:
        async for event in session.send("go"):
            if isinstance(event, TextDelta) and event.text == "text":
                got.set()

    task = asyncio.create_task(consume())
    await asyncio.wait_for(got.wait(), 5)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert session.store is not None and session.conversation_id is not None
    reply = session.store.get_conversation(session.conversation_id).messages[-1]
    assert (reply.status, reply.content) == ("stopped", "partial text")
    assert not session.busy


async def test_error_keeps_partial_and_retry_replaces_it(tmp_path: Path) -> None:
    session, providers = make_session(tmp_path, "alpha")
    providers["alpha"].enqueue("part", RateLimited("slow down", retry_after=3))
    events = await run(session.send("go"))
    ended = events[-1]
    assert isinstance(ended, ReplyEnded) and isinstance(ended.error, RateLimited)
    assert ended.turn.status == "error" and ended.turn.content == "part"
    providers["alpha"].enqueue("whole answer")
    await run(session.retry())
    assert [t.content for t in session.turns] == ["go", "whole answer"]
    # the retried request did not carry the failed partial reply
    assert [m.content for m in providers["alpha"].requests[-1].messages] == ["go"]
    assert session.store is not None and session.conversation_id is not None
    stored = session.store.get_conversation(session.conversation_id).messages
    assert [m.status for m in stored] == ["complete", "error", "complete"]
    assert stored[1].parent_id == stored[2].parent_id == stored[0].id


async def test_switching_models_sends_whole_history_to_the_new_one(tmp_path: Path) -> None:
    session, providers = make_session(tmp_path, "alpha", "beta")
    await run(session.send("one"))
    session.model = ModelRef("beta", "b1")
    await run(session.send("two"))
    request = providers["beta"].requests[-1]
    assert request.model == "b1" and request.system == "sys"
    assert [(m.role, m.content) for m in request.messages] == [
        (Role.USER, "one"),
        (Role.ASSISTANT, "ok"),
        (Role.USER, "two"),
    ]
    labels = [t.model_label for t in session.turns if t.role is Role.ASSISTANT]
    assert labels == ["alpha/m1", "beta/b1"]


async def test_unwritable_store_reports_not_saved_and_keeps_streaming(tmp_path: Path) -> None:
    session, providers = make_session(tmp_path, "alpha")
    assert session.store is not None
    session.store.close()
    providers["alpha"].enqueue("still ", "here")
    events = await run(session.send("go"))
    assert any(isinstance(e, NotSaved) for e in events)
    assert "".join(e.text for e in events if isinstance(e, TextDelta)) == "still here"
