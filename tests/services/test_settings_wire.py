"""A conversation's system prompt, temperature and max tokens reach the server, per protocol."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from chatui.config import Config
from chatui.core import ModelRef
from chatui.providers import create_provider
from chatui.services.pool import ProviderPool
from chatui.services.session.chat import ChatSession
from chatui.services.session.settings import ConversationSettings
from chatui.store import TranscriptStore
from tests.providers.conftest import KEY_ENV, PROTOCOLS, provider_config
from tests.wireserver import Reply, WireServer

SETTINGS = ConversationSettings("Answer in French.", 0.4, 77)


@pytest.fixture
async def pool(
    tmp_path: Path, wire_server: WireServer, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[ProviderPool]:
    monkeypatch.setenv(KEY_ENV, "test-key-123")
    configs = {p: provider_config(wire_server, p) for p in PROTOCOLS}
    pool = ProviderPool(Config(tmp_path / "config.toml", {c.name: c for c in configs.values()}))
    for config in configs.values():
        pool.providers[config.name] = create_provider(config)
    yield pool
    await pool.aclose()


def sent_settings(protocol: str, body: dict[str, object]) -> tuple[object, object, object]:
    """(system prompt, temperature, max tokens) as the request body carries them."""
    if protocol == "chat":
        messages = body["messages"]
        assert isinstance(messages, list)
        system = [m["content"] for m in messages if m["role"] == "system"]
        return system, body.get("temperature"), body.get("max_tokens")
    if protocol == "responses":
        return [body.get("instructions")], body.get("temperature"), body.get("max_output_tokens")
    return [body.get("system")], body.get("temperature"), body.get("max_tokens")


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_settings_reach_the_server_and_survive_a_resume(
    protocol: str, pool: ProviderPool, wire_server: WireServer, tmp_path: Path
) -> None:
    wire_server.enqueue(Reply(pieces=["Bonjour"]), Reply(pieces=["Encore"]))
    model = ModelRef(f"test-{protocol}", "test-model")
    with TranscriptStore.open(tmp_path / "chatui.db") as store:
        session = ChatSession(pool, store, model)
        session.configure(SETTINGS)
        [_ async for _ in session.send("Hello")]
        assert session.conversation_id is not None
        resumed = ChatSession(pool, store, model)  # defaults: no system prompt, 4096 tokens
        resumed.load(store.get_conversation(session.conversation_id))
        [_ async for _ in resumed.send("Again")]
    first, second = wire_server.generation_requests
    for request in (first, second):
        assert sent_settings(protocol, request.body) == (["Answer in French."], 0.4, 77)
    assert session.turns[-1].content == "Bonjour" and resumed.turns[-1].content == "Encore"
