"""The `ollama` kind over real HTTP: `/api/chat`'s NDJSON as core events, a window (`num_ctx`)
sized to the conversation in steps that never shrink and never pass the model's maximum,
`truncate: false`, and Ollama's errors as core errors."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from chatui.config import ProviderConfig, Timeouts, load_config
from chatui.core import (
    Capabilities,
    ConnectionDropped,
    ConnectionFailed,
    ContextOverflow,
    Finished,
    MalformedStream,
    ModelNotFound,
    ReasoningDelta,
    ServerError,
    Source,
    TextDelta,
    Usage,
    UsageReport,
)
from chatui.providers import Provider, create_provider
from chatui.providers.ollama import OllamaProvider
from tests.providers.conftest import collect, request
from tests.wireserver import RecordedRequest, Reply, WireServer
from tests.wireserver import personas as p
from tests.wireserver.ollama_chat import OVERFLOW

MODEL = "test-model"  # what `conftest.request` asks for
THINKER = "think-8b"


@pytest.fixture
def ollama() -> Iterator[WireServer]:
    """A wire server answering as Ollama does (its metadata and `/api/chat`)."""
    with WireServer(persona=p.OLLAMA, models=[MODEL, THINKER]) as server:
        yield server
    assert server.validation_errors == []


@pytest.fixture
async def make() -> AsyncIterator[Callable[..., Provider]]:
    made: list[Provider] = []

    def build(base_url: str, **changes: Any) -> Provider:
        fields: dict[str, Any] = {"timeouts": Timeouts(2.0, 2.0), "max_retries": 0} | changes
        provider = create_provider(ProviderConfig("ollama", "ollama", base_url, **fields))
        made.append(provider)
        return provider

    yield build
    for provider in made:
        await provider.aclose()


def chats(server: WireServer) -> list[RecordedRequest]:
    return [r for r in server.generation_requests if r.path == "/api/chat"]


def num_ctx(server: WireServer) -> int:
    return int(chats(server)[-1].body["options"]["num_ctx"])


# ---- the stream


async def test_text_reasoning_and_counts_arrive_as_events(
    ollama: WireServer, make: Callable[..., Provider]
) -> None:
    ollama.enqueue(Reply(reasoning=["Let me", " see"], pieces=["Hi", " there"], input_tokens=31))
    events = await collect(make(ollama.base_url), request("hello"))
    assert events == [
        ReasoningDelta("Let me"),
        ReasoningDelta(" see"),
        TextDelta("Hi"),
        TextDelta(" there"),
        UsageReport(Usage(31, 4)),
        Finished("stop"),
    ]


async def test_the_body_asks_for_a_window_and_no_truncation(
    ollama: WireServer, make: Callable[..., Provider]
) -> None:
    ollama.enqueue(Reply(stop_reason="length"))
    req = request("hello", "hi", "more", system="Be brief.", max_tokens=300, seed=7)
    events = await collect(make(ollama.base_url + "/v1"), req)  # `/v1` is dropped
    assert events[-1] == Finished("length")
    body = chats(ollama)[-1].body
    assert body["truncate"] is False and body["stream"] is True and "think" not in body
    assert body["options"] == {"num_ctx": 8192, "num_predict": 300, "seed": 7}
    assert [m["role"] for m in body["messages"]] == ["system", "user", "assistant", "user"]
    assert body["messages"][0]["content"] == "Be brief."


async def test_the_window_steps_up_never_shrinks_and_is_per_model(
    ollama: WireServer, make: Callable[..., Provider]
) -> None:
    provider = make(ollama.base_url)
    await collect(provider, request("short", max_tokens=1000))
    assert num_ctx(ollama) == 8192
    # 30,000 characters: over 10,000 tokens by the estimate, with the reply's 1,000
    await collect(provider, request("x " * 15_000, max_tokens=1000))
    assert num_ctx(ollama) == 16_384
    await collect(provider, request("short again", max_tokens=1000))
    assert num_ctx(ollama) == 16_384  # another window would reload the model
    other = make(ollama.base_url)  # another provider for the same server: the process knows
    await collect(other, request("short", max_tokens=1000))
    assert num_ctx(ollama) == 16_384
    thinker = request("short", max_tokens=1000)
    await collect(provider, type(thinker)(THINKER, thinker.messages, "", thinker.options))
    assert num_ctx(ollama) == 8192


async def test_the_window_stops_at_the_models_maximum(
    ollama: WireServer, make: Callable[..., Provider]
) -> None:
    provider = make(ollama.base_url)
    big = "word " * (p.OLLAMA_CONTEXT_LENGTH * 3 // 5 + 1000)  # over 131,072 tokens estimated
    await collect(provider, request(big))
    assert num_ctx(ollama) == p.OLLAMA_CONTEXT_LENGTH
    assert provider.capabilities(MODEL).context == p.OLLAMA_CONTEXT_LENGTH
    shows = [r for r in ollama.requests if r.path == "/api/show"]
    await collect(provider, request("again"))
    assert len([r for r in ollama.requests if r.path == "/api/show"]) == len(shows) == 1


async def test_a_configured_window_caps_it_below_the_servers(
    ollama: WireServer, make: Callable[..., Provider], tmp_path: Path
) -> None:
    """As written in a config file (`[providers.NAME.models."ID"] context`)."""
    path = tmp_path / "config.toml"
    path.write_text(
        f'[providers.box]\nkind = "ollama"\nbase_url = "{ollama.base_url}"\n'
        f'[providers.box.models."{MODEL}"]\ncontext = 12000\n'
    )
    config = load_config(path).providers["box"]
    provider = make(ollama.base_url, model_overrides=config.model_overrides)
    await collect(provider, request("x " * 30_000))
    assert num_ctx(ollama) == 12_000


async def test_thinking_is_asked_of_models_that_think(
    ollama: WireServer, make: Callable[..., Provider]
) -> None:
    provider = make(ollama.base_url)
    assert await provider.list_models() == [MODEL, THINKER]
    assert provider.supports_thinking(THINKER) and not provider.supports_thinking(MODEL)
    thinker = request("why?", thinking_budget=2048)
    await collect(provider, type(thinker)(THINKER, thinker.messages, "", thinker.options))
    assert chats(ollama)[-1].body["think"] is True
    await collect(provider, request("why?", thinking_budget=2048))
    assert "think" not in chats(ollama)[-1].body


# ---- models and what they can take


async def test_models_come_from_tags_with_what_show_says(
    ollama: WireServer, make: Callable[..., Provider]
) -> None:
    provider = make(ollama.base_url, models=("configured:7b",))
    assert await provider.list_models() == ["configured:7b", MODEL, THINKER]
    caps = provider.capabilities(THINKER)
    assert caps.context == p.OLLAMA_CONTEXT_LENGTH and caps.reasoning and caps.tools
    assert provider.capabilities("configured:7b").context is None  # /api/show: 404


# ---- errors


def capped(window: int) -> dict[str, Any]:
    """The config's word on `MODEL`'s window (over what `/api/show` says)."""
    return {"model_overrides": ((MODEL, Capabilities(context=window, source=Source.CONFIG)),)}


async def test_a_refused_window_is_grown_while_the_model_has_room(
    ollama: WireServer, make: Callable[..., Provider]
) -> None:
    """The estimate fell short: one step bigger, before anything was shown."""
    ollama.enqueue(Reply(status=400, error_message=OVERFLOW), Reply(pieces=["ok"]))
    provider = make(ollama.base_url, **capped(20_000))
    events = await collect(provider, request("hello"))
    assert events[0] == TextDelta("ok") and events[-1] == Finished("stop")
    assert [r.body["options"]["num_ctx"] for r in chats(ollama)] == [8192, 16_384]
    ollama.enqueue(
        Reply(status=400, error_message=OVERFLOW), Reply(status=400, error_message=OVERFLOW)
    )
    with pytest.raises(ContextOverflow, match="context length") as caught:
        await collect(provider, request("hello"))
    assert [r.body["options"]["num_ctx"] for r in chats(ollama)][2:] == [16_384, 20_000]
    assert caught.value.window == 20_000  # the model's whole window was refused


async def test_a_prompt_too_long_for_a_model_of_unknown_size_is_a_context_overflow(
    make: Callable[..., Provider],
) -> None:
    with WireServer() as server:  # no /api/show: how big the model can go is unknown
        server.enqueue(Reply(status=400, error_message=OVERFLOW))
        with pytest.raises(ContextOverflow) as caught:
            await collect(make(server.base_url, max_retries=2), request("hello"))
        assert len(chats(server)) == 1 and caught.value.window is None  # never retried


async def test_an_error_line_mid_stream_fails_the_reply(
    ollama: WireServer, make: Callable[..., Provider]
) -> None:
    ollama.enqueue(Reply(error_event_after=1, error_message="llama runner process has terminated"))
    events: list[object] = []
    with pytest.raises(ServerError, match="runner process has terminated"):
        async for event in make(ollama.base_url).stream(request("hello")):
            events.append(event)
    assert events == [TextDelta("Hello")]


async def test_an_overflow_line_mid_stream_is_a_context_overflow(
    ollama: WireServer, make: Callable[..., Provider]
) -> None:
    ollama.enqueue(Reply(error_event_after=0, error_message=OVERFLOW))
    with pytest.raises(ContextOverflow):
        await collect(make(ollama.base_url), request("hello"))


async def test_an_unknown_model_is_model_not_found(
    ollama: WireServer, make: Callable[..., Provider]
) -> None:
    ollama.enqueue(Reply(status=404, error_message="model 'nope' not found, try pulling it first"))
    with pytest.raises(ModelNotFound, match="try pulling it"):
        await collect(make(ollama.base_url), request("hello"))


async def test_a_stream_cut_before_done_or_garbled_is_not_a_reply(
    ollama: WireServer, make: Callable[..., Provider]
) -> None:
    ollama.enqueue(Reply(omit_done=True), Reply(malformed_after=1))
    provider = make(ollama.base_url)
    with pytest.raises(ConnectionDropped, match="closed before the reply was complete"):
        await collect(provider, request("hello"))
    with pytest.raises(MalformedStream, match="not valid"):
        await collect(provider, request("hello"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_nothing_listening_is_connection_failed(make: Callable[..., Provider]) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(ConnectionFailed, match=f"cannot reach {url}"):
        await collect(make(url), request("hello"))
    with pytest.raises(ConnectionFailed):
        await make(url).list_models()


# ---- configuration


def test_kind_ollama_is_accepted_with_its_default_address(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[providers.box]\nkind = "ollama"\nmodels = ["llama3.2"]\n')
    config = load_config(path)
    provider = create_provider(config.providers["box"])
    assert isinstance(provider, OllamaProvider) and config.providers["box"].available
    assert provider.root == "http://127.0.0.1:11434"
    assert "ollama" not in load_config(tmp_path / "none.toml").providers  # found, not built in
