"""`Provider.count_tokens` over real HTTP with the real SDKs: each server that can count (the
wire server's count routes answer the request's words plus `TEMPLATE_TOKENS`), a count of None
where a server can't, fails, garbles or is late, and the kind of server asked only once."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import pytest

from chatui.core import ChatRequest
from chatui.providers import Provider, create_provider
from chatui.providers.models import ServerKind
from chatui.providers.openai import OpenAIProvider
from tests.providers.conftest import provider_config, request
from tests.wireserver import WireServer
from tests.wireserver import counting as c
from tests.wireserver import personas as p

# 6 words (2 of them the system prompt's) in 3 messages
ASKED = request("one two", "three", "four", system="be brief")


@pytest.fixture
def persona_server(request: pytest.FixtureRequest) -> Iterator[WireServer]:
    with WireServer(persona=request.param, models=["test-model"]) as server:
        yield server


async def count(
    server: WireServer, protocol: str, req: ChatRequest = ASKED, timeout: float | None = None
) -> tuple[Provider, int | None]:
    """A new provider of `protocol` for `server` (each request of a count within `timeout`
    when given), and its count of `req`."""
    provider = create_provider(provider_config(server, protocol))
    if timeout is not None:
        provider.count_timeout = timeout  # type: ignore[attr-defined]
    try:
        return provider, await provider.count_tokens(req)
    finally:
        await provider.aclose()


def posts(server: WireServer) -> list[str]:
    return [r.path for r in server.requests if r.method == "POST"]


# ---- the vendors' count endpoints (the default persona is their API)


async def test_anthropic_counts_with_its_sdk(wire_server: WireServer) -> None:
    _, counted = await count(wire_server, "anthropic")
    assert counted == 6 + c.TEMPLATE_TOKENS
    [asked] = [r for r in wire_server.requests if r.path == c.MESSAGES_COUNT]
    assert asked.body == {
        "model": "test-model",
        "system": "be brief",
        "messages": [
            {"role": "user", "content": "one two"},
            {"role": "assistant", "content": "three"},
            {"role": "user", "content": "four"},
        ],
    }


async def test_the_responses_api_counts_with_input_tokens(wire_server: WireServer) -> None:
    _, counted = await count(wire_server, "responses")
    assert counted == 6 + c.TEMPLATE_TOKENS
    [asked] = [r for r in wire_server.requests if r.path == c.RESPONSES_COUNT]
    assert asked.body is not None and asked.body["instructions"] == "be brief"
    assert [item["content"] for item in asked.body["input"]] == ["one two", "three", "four"]


# ---- OpenAI-compatible servers: the kind told once, then its own route


@pytest.mark.parametrize("persona_server", [p.LLAMA_SERVER], indirect=True)
async def test_llama_server_counts_the_chat_body_and_is_probed_once(
    persona_server: WireServer,
) -> None:
    provider = create_provider(provider_config(persona_server, "chat"))
    try:
        assert await provider.count_tokens(ASKED) == 6 + c.TEMPLATE_TOKENS
        assert await provider.count_tokens(request("five six")) == 2 + c.TEMPLATE_TOKENS
        assert isinstance(provider, OpenAIProvider)
        assert provider.server is ServerKind.LLAMA_SERVER
        assert provider.capabilities("test-model").context == p.LLAMA_N_CTX  # heard on the way
    finally:
        await provider.aclose()
    probes = [r.path for r in persona_server.requests if r.method == "GET"]
    assert probes == ["/v1/models", "/props"]
    assert posts(persona_server) == [c.CHAT_COUNT, c.CHAT_COUNT]
    system = persona_server.requests[2].body["messages"][0]
    assert system == {"role": "system", "content": "be brief"}


@pytest.mark.parametrize("persona_server", [p.VLLM], indirect=True)
async def test_counts_asked_together_wait_for_one_probe(persona_server: WireServer) -> None:
    provider = create_provider(provider_config(persona_server, "chat"))
    try:
        both = await asyncio.gather(*(provider.count_tokens(ASKED) for _ in range(2)))
    finally:
        await provider.aclose()
    assert both == [6 + c.TEMPLATE_TOKENS] * 2
    assert [r.path for r in persona_server.requests if r.method == "GET"] == ["/v1/models"]


@pytest.mark.parametrize("persona_server", [p.LLAMA_SERVER_OLD], indirect=True)
async def test_an_older_llama_server_counts_its_rendered_template(
    persona_server: WireServer,
) -> None:
    _, counted = await count(persona_server, "chat", request("one two three", system="be brief"))
    # "<|im_start|>system\nbe brief<|im_end|>\n<|im_start|>user\none two three<|im_end|>\n"
    # "<|im_start|>assistant\n": a token a whitespace-separated piece
    assert counted == 8
    assert posts(persona_server) == [c.CHAT_COUNT, c.APPLY_TEMPLATE, c.TOKENIZE]


@pytest.mark.parametrize("persona_server", [p.VLLM], indirect=True)
async def test_vllm_tokenizes_the_messages(persona_server: WireServer) -> None:
    _, counted = await count(persona_server, "chat")
    assert counted == 6 + c.TEMPLATE_TOKENS
    [asked] = [r for r in persona_server.requests if r.path == c.TOKENIZE]
    assert asked.body is not None and asked.body["model"] == "test-model"
    assert len(asked.body["messages"]) == 4 and asked.body["add_generation_prompt"] is True


@pytest.mark.parametrize("persona_server", [p.OPENAI, p.LMSTUDIO], indirect=True)
async def test_a_server_that_cannot_count_is_not_asked_to(persona_server: WireServer) -> None:
    provider, counted = await count(persona_server, "chat")
    assert counted is None and posts(persona_server) == []
    assert isinstance(provider, OpenAIProvider) and provider.server is not None


# ---- failures: None, never an exception


@pytest.mark.parametrize("persona_server", [p.LMSTUDIO], indirect=True)
@pytest.mark.parametrize("protocol", ["anthropic", "responses"])
async def test_a_missing_route_is_none_and_not_asked_again(
    persona_server: WireServer, protocol: str
) -> None:
    provider = create_provider(provider_config(persona_server, protocol))
    try:
        assert await provider.count_tokens(ASKED) is None
        assert await provider.count_tokens(ASKED) is None
    finally:
        await provider.aclose()
    assert len(posts(persona_server)) == 1 and provider.uncountable == {"test-model"}


BAD_ANSWERS = [{"input_tokens": "many", "count": -1}, {"error": "busy"}, [1, 2]]
COUNTING = [(p.LLAMA_SERVER, "chat"), (p.LLAMA_SERVER, "anthropic"), (p.OPENAI, "responses")]
COUNTING += [(p.VLLM, "chat")]


@pytest.mark.parametrize(("persona", "protocol"), COUNTING)
async def test_an_answer_of_another_shape_is_none(persona: str, protocol: str) -> None:
    with WireServer(persona=persona, models=["test-model"]) as server:
        _, right = await count(server, protocol)
        assert right == 6 + c.TEMPLATE_TOKENS
        for answer in BAD_ANSWERS:
            server.count_answer = answer
            _, counted = await count(server, protocol, request("other words"))
            assert counted is None, answer


@pytest.mark.parametrize("persona_server", [p.GARBAGE], indirect=True)
@pytest.mark.parametrize("protocol", ["chat", "anthropic", "responses"])
async def test_a_garbled_server_is_none(persona_server: WireServer, protocol: str) -> None:
    _, counted = await count(persona_server, protocol)
    assert counted is None


@pytest.mark.parametrize("protocol", ["chat", "anthropic", "responses"])
async def test_an_error_status_or_a_refused_connection_is_none(protocol: str) -> None:
    with WireServer(persona=p.LLAMA_SERVER, api_key="another-key") as server:
        _, unauthorized = await count(server, protocol)  # 401 on every route
        assert unauthorized is None and server.requests != []
        refusing = create_provider(provider_config(server, protocol))
    try:
        assert await refusing.count_tokens(ASKED) is None  # nothing listens there now
    finally:
        await refusing.aclose()


@pytest.mark.parametrize(("persona", "protocol"), COUNTING)
async def test_a_late_count_is_none_within_the_timeout(persona: str, protocol: str) -> None:
    with WireServer(persona=persona, models=["test-model"]) as server:
        server.count_delay = 30
        started = time.monotonic()
        _, counted = await count(server, protocol, timeout=0.3)
        assert counted is None and time.monotonic() - started < 3
        assert any(r.path in c.PATHS for r in server.requests)  # it was asked, and gave up


@pytest.mark.parametrize("persona_server", [p.HANG], indirect=True)
async def test_a_silent_server_is_unknown_and_not_counted(persona_server: WireServer) -> None:
    provider = create_provider(provider_config(persona_server, "chat"))
    provider.count_timeout = 0.3  # type: ignore[attr-defined]
    try:
        assert await provider.count_tokens(ASKED) is None
    finally:
        await provider.aclose()
    assert isinstance(provider, OpenAIProvider) and provider.server is ServerKind.UNKNOWN
