"""`server_capabilities` telling each kind of server apart over real HTTP (the wire server's
personas) in few requests, and leaving unknown what a silent, garbled or refusing server
would have said, never raising."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from typing import Any

import pytest

from chatui.core import Price
from chatui.providers.models import (
    ServerInfo,
    ServerKind,
    anthropic_models,
    server_capabilities,
)
from chatui.providers.models.servers import _probe
from tests.providers.test_model_shapes import caps
from tests.wire.clients import make_claude
from tests.wireserver import WireServer
from tests.wireserver import personas as p

MODELS = ["plain-7b", "vision-7b", "think-7b"]


@pytest.fixture
def persona_server(request: pytest.FixtureRequest) -> Iterator[WireServer]:
    """A wire server of the persona the test is parametrized with, serving `MODELS`."""
    with WireServer(persona=request.param, models=list(MODELS)) as server:
        yield server


# ---- telling servers apart, over real HTTP


def _base(server: WireServer) -> str:
    """The OpenAI-compatible base URL a user configures for the persona's server."""
    return server.base_url + ("/api/v1" if server.persona == p.OPENROUTER else "/v1")


DETECTED = {
    p.LLAMA_SERVER: (ServerKind.LLAMA_SERVER, 2),
    p.OLLAMA: (ServerKind.OLLAMA, 1 + len(MODELS)),
    p.LMSTUDIO: (ServerKind.LMSTUDIO, 3),
    p.LMSTUDIO_V1: (ServerKind.LMSTUDIO, 3),
    p.OPENROUTER: (ServerKind.OPENROUTER, 1),
    p.VLLM: (ServerKind.VLLM, 1),
    p.OPENAI: (ServerKind.OPENAI_COMPATIBLE, 4),
}


@pytest.mark.parametrize("persona_server", list(DETECTED), indirect=True)
async def test_each_kind_of_server_is_told_apart_in_few_requests(
    persona_server: WireServer,
) -> None:
    info = await server_capabilities(_base(persona_server), "key", MODELS)
    kind, requests = DETECTED[persona_server.persona]
    assert info.kind == kind
    assert len(persona_server.requests) == requests
    assert {r.headers["authorization"] for r in persona_server.requests} == {"Bearer key"}


async def test_llama_server_says_its_slot_window_for_any_model_name() -> None:
    """llama-server serves one model whatever a request names: /props holds for every name."""
    with WireServer(persona=p.LLAMA_SERVER, models=["vision-smol"]) as server:
        info = await server_capabilities(server.base_url + "/v1/", None, ["vision-smol", "any"])
    said = caps(context=p.LLAMA_N_CTX, images=True, tools=True)
    assert info == ServerInfo(ServerKind.LLAMA_SERVER, {"vision-smol": said, "any": said})


@pytest.mark.parametrize("persona_server", [p.OLLAMA], indirect=True)
async def test_ollama_is_asked_about_each_model_and_forgets_the_unknown_ones(
    persona_server: WireServer,
) -> None:
    info = await server_capabilities(_base(persona_server), None, ["think-7b", "missing"])
    assert info == ServerInfo(
        ServerKind.OLLAMA,
        {"think-7b": caps(context=p.OLLAMA_CONTEXT_LENGTH, images=False, tools=True,
                          reasoning=True)},
    )  # fmt: skip
    shown = [r.body for r in persona_server.requests if r.path == "/api/show"]
    assert sorted(b["model"] for b in shown) == ["missing", "think-7b"]


@pytest.mark.parametrize(
    "persona_server", [p.OPENROUTER, p.VLLM, p.LMSTUDIO, p.LMSTUDIO_V1], indirect=True
)
async def test_only_the_models_asked_about_or_every_model_when_none_is_named(
    persona_server: WireServer,
) -> None:
    asked = await server_capabilities(_base(persona_server), None, ["vision-7b", "missing"])
    every = await server_capabilities(_base(persona_server), None, [])
    assert list(asked.models) == ["vision-7b"]
    assert list(every.models) == MODELS
    assert asked.models["vision-7b"] == every.models["vision-7b"]
    assert every.models["vision-7b"].context is not None


async def test_ollama_models_of_a_namespace_are_told_by_api_version() -> None:
    """`owned_by` is the name's namespace ("library" for Ollama's own): not a hint then."""
    with WireServer(persona=p.OLLAMA, models=["someone/vision-7b"]) as server:
        info = await server_capabilities(server.base_url + "/v1", None, [])
    assert info.kind == ServerKind.OLLAMA
    assert info.models["someone/vision-7b"].images is True
    paths = [r.path for r in server.requests]
    assert paths[0] == "/v1/models" and paths[-1] == "/api/show"
    assert set(paths[1:-1]) == {"/props", "/api/version", "/api/v0/models"}


@pytest.mark.parametrize("persona_server", [p.OPENROUTER], indirect=True)
async def test_openrouter_prices_and_reasoning(persona_server: WireServer) -> None:
    info = await server_capabilities(_base(persona_server), None, ["think-7b"])
    assert info.models["think-7b"] == caps(
        context=p.OPENROUTER_CONTEXT, max_output=p.OPENROUTER_MAX_COMPLETION, images=False,
        tools=True, reasoning=True, price=Price(3.0, 15.0),
    )  # fmt: skip


@pytest.mark.parametrize("persona_server", [p.ANTHROPIC], indirect=True)
async def test_anthropic_models_read_from_the_sdks_listing(persona_server: WireServer) -> None:
    client = make_claude(persona_server, _strict_response_validation=True)
    async with client:
        listed = [model.to_dict() async for model in client.models.list()]
    found = anthropic_models(listed)
    assert found["vision-7b"] == caps(
        context=p.ANTHROPIC_MAX_INPUT, max_output=p.ANTHROPIC_MAX_TOKENS, images=True,
        reasoning=False,
    )  # fmt: skip
    assert found["think-7b"].reasoning is True
    assert list(found) == MODELS


# ---- silence, garbage and refusals: unknown, never an exception


@pytest.mark.parametrize("persona_server", [p.HANG], indirect=True)
async def test_a_server_that_never_answers_is_unknown_within_about_the_timeout(
    persona_server: WireServer,
) -> None:
    started = time.monotonic()
    info = await server_capabilities(_base(persona_server), None, MODELS, timeout=0.5)
    elapsed = time.monotonic() - started
    assert info == ServerInfo(ServerKind.UNKNOWN, {})
    assert 0.5 <= elapsed < 1.5
    assert [r.path for r in persona_server.requests] == ["/v1/models"]


@pytest.mark.parametrize("persona_server", [p.STALL_METADATA], indirect=True)
async def test_a_server_that_lists_its_models_but_stalls_on_the_rest_costs_one_more_timeout(
    persona_server: WireServer,
) -> None:
    started = time.monotonic()
    info = await server_capabilities(_base(persona_server), None, MODELS, timeout=0.5)
    elapsed = time.monotonic() - started
    assert info == ServerInfo(ServerKind.OPENAI_COMPATIBLE, {})
    assert 0.5 <= elapsed < 1.5
    assert persona_server.wait_for_requests(4)


@pytest.mark.parametrize("persona_server", [p.GARBAGE], indirect=True)
async def test_a_server_answering_garbage_is_unknown(persona_server: WireServer) -> None:
    info = await server_capabilities(_base(persona_server), None, MODELS)
    assert info == ServerInfo(ServerKind.UNKNOWN, {})
    assert {r.path for r in persona_server.requests} >= {"/v1/models", "/props"}


@pytest.mark.parametrize(
    "base_url", ["http://127.0.0.1:1/v1", "not a url", "ftp://127.0.0.1/v1", "http://[::1"]
)
async def test_a_server_that_is_not_there_is_unknown(base_url: str) -> None:
    assert await server_capabilities(base_url, None, MODELS) == ServerInfo()


async def test_a_refused_key_leaves_the_models_unknown() -> None:
    with WireServer(persona=p.VLLM, models=MODELS, api_key="right") as server:
        info = await server_capabilities(server.base_url + "/v1", "wrong", MODELS)
    assert info == ServerInfo(ServerKind.UNKNOWN, {})


async def test_port_11434_is_asked_as_ollama_before_anything_else() -> None:
    """Ollama's own port: `/api/show` straight after the listing, even with no other hint."""
    asked: list[str] = []

    async def fetch(path: str, body: Any = None) -> Any:  # Ollama's answers, without HTTP
        asked.append(path)
        route = p.ROUTES.get((p.OLLAMA, "GET" if body is None else "POST", path))
        return None if route is None else route(body, ["someone/think-7b"])

    listing = await fetch("/v1/models")
    info = await _probe(fetch, "http://127.0.0.1:11434", listing, [])
    assert info.kind == ServerKind.OLLAMA
    assert info.models["someone/think-7b"].reasoning is True
    assert asked == ["/v1/models", "/api/show"]


@pytest.mark.timing
@pytest.mark.parametrize("persona_server", [p.LLAMA_SERVER, p.OPENROUTER], indirect=True)
async def test_probing_leaves_the_event_loop_free(persona_server: WireServer) -> None:
    """The import, the client's CA bundle and the requests never hold the loop 50 ms."""
    gaps: list[float] = []
    done = asyncio.Event()

    async def tick() -> None:
        last = time.perf_counter()
        while not done.is_set():
            await asyncio.sleep(0.005)
            now = time.perf_counter()
            gaps.append(now - last)
            last = now

    ticker = asyncio.create_task(tick())
    while not gaps:  # the ticker runs
        await asyncio.sleep(0)
    info = await server_capabilities(_base(persona_server), None, MODELS)
    done.set()
    await ticker
    assert info.models
    assert max(gaps) < 0.05
