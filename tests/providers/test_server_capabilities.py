"""What servers say about their models: each shape's parser, and `server_capabilities` telling
each kind of server apart over real HTTP (the wire server's personas), never raising."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from typing import Any

import pytest

from chatui.core import Capabilities, Price, Source
from chatui.providers.models import (
    ServerInfo,
    ServerKind,
    anthropic_models,
    llama_models,
    llama_props,
    lmstudio_v0,
    lmstudio_v1,
    ollama_ps,
    ollama_show,
    openrouter_models,
    server_capabilities,
    vllm_models,
)
from chatui.providers.models.servers import _probe
from tests.wire.clients import make_claude
from tests.wireserver import WireServer
from tests.wireserver import personas as p

MODELS = ["plain-7b", "vision-7b", "think-7b"]


def caps(**known: Any) -> Capabilities:
    return Capabilities(**known, source=Source.SERVER)


@pytest.fixture
def persona_server(request: pytest.FixtureRequest) -> Iterator[WireServer]:
    """A wire server of the persona the test is parametrized with, serving `MODELS`."""
    with WireServer(persona=request.param, models=list(MODELS)) as server:
        yield server


# ---- one parser per shape


def test_llama_props_reads_the_slot_window_not_the_trained_one() -> None:
    body = p.llama_props(None, ["smollm2"])
    assert llama_props(body) == {"smollm2": caps(context=p.LLAMA_N_CTX, images=False, tools=True)}
    body["modalities"]["vision"] = True
    body["chat_template_caps"]["supports_tools"] = False
    assert llama_props(body) == {"smollm2": caps(context=p.LLAMA_N_CTX, images=True, tools=False)}


def test_llama_models_reads_meta_n_ctx_never_n_ctx_train() -> None:
    body = p.llama_models(None, ["vision-smol"])
    assert llama_models(body) == {"vision-smol": caps(context=p.LLAMA_N_CTX, images=True)}
    del body["data"][0]["meta"]["n_ctx"]  # older builds: only n_ctx_train, which is no window
    assert llama_models(body) == {"vision-smol": caps(images=True)}


def test_ollama_show_reads_the_architectures_context_length_and_capabilities() -> None:
    plain = p.ollama_show({"model": "llama3.2"}, ["llama3.2"])
    assert ollama_show(plain, "llama3.2") == {
        "llama3.2": caps(context=p.OLLAMA_CONTEXT_LENGTH, images=False, tools=True, reasoning=False)
    }
    both = p.ollama_show({"model": "vision-think"}, ["vision-think"])
    assert ollama_show(both, "x") == {
        "x": caps(context=p.OLLAMA_CONTEXT_LENGTH, images=True, tools=True, reasoning=True)
    }
    both["model_info"]["general.architecture"] = "qwen3"  # no qwen3.context_length: unknown
    del both["capabilities"]  # older servers: no list, so nothing known of what it can do
    assert ollama_show(both, "x") == {"x": caps()}


def test_ollama_ps_reads_the_allocated_context() -> None:
    body = p.ollama_ps(None, ["llama3.2:latest"])
    assert ollama_ps(body) == {"llama3.2:latest": caps(context=p.OLLAMA_ALLOCATED)}


def test_lmstudio_v0_prefers_the_loaded_context_and_reads_vlm_as_images() -> None:
    body = p.lmstudio_v0(None, ["qwen-7b", "vision-7b"])
    assert lmstudio_v0(body) == {
        "qwen-7b": caps(context=p.LMSTUDIO_LOADED_CONTEXT, images=False, tools=True),
        "vision-7b": caps(context=p.LMSTUDIO_MAX_CONTEXT, images=True, tools=True),
    }
    for entry in body["data"]:  # older builds: no capabilities, an embeddings model
        del entry["capabilities"]
        entry["type"] = "embeddings"
    assert lmstudio_v0(body)["vision-7b"] == caps(context=p.LMSTUDIO_MAX_CONTEXT)


def test_lmstudio_v1_prefers_the_loaded_instances_context() -> None:
    body = p.lmstudio_v1(None, ["qwen-7b", "vision-7b"])
    assert lmstudio_v1(body) == {
        "qwen-7b": caps(context=p.LMSTUDIO_LOADED_CONTEXT, images=False, tools=True),
        "vision-7b": caps(context=p.LMSTUDIO_MAX_CONTEXT, images=True, tools=True),
    }


def test_openrouter_reads_window_reply_modalities_parameters_and_prices_per_million() -> None:
    body = p.openrouter_models(None, ["a/plain", "b/vision-think"])
    price = Price(3.0, 15.0)  # "0.000003" USD per token is $3 per million
    common = {"context": p.OPENROUTER_CONTEXT, "max_output": p.OPENROUTER_MAX_COMPLETION}
    assert openrouter_models(body) == {
        "a/plain": caps(**common, images=False, tools=True, reasoning=False, price=price),
        "b/vision-think": caps(**common, images=True, tools=True, reasoning=True, price=price),
    }
    entry = body["data"][0]
    entry["pricing"]["prompt"] = "-1"  # openrouter/auto: priced per route
    del entry["context_length"]  # then the top provider's window
    assert openrouter_models(body)["a/plain"].price is None
    assert openrouter_models(body)["a/plain"].context == p.OPENROUTER_CONTEXT


def test_vllm_reads_max_model_len() -> None:
    body = p.vllm_models(None, ["Qwen/Qwen3-8B"])
    assert vllm_models(body) == {"Qwen/Qwen3-8B": caps(context=p.VLLM_MAX_MODEL_LEN)}


def test_anthropic_reads_the_body_or_the_sdks_dicts() -> None:
    listed = [p.anthropic_model("claude-plain"), p.anthropic_model("claude-vision-think")]
    common = {"context": p.ANTHROPIC_MAX_INPUT, "max_output": p.ANTHROPIC_MAX_TOKENS}
    expected = {
        "claude-plain": caps(**common, images=False, reasoning=False),
        "claude-vision-think": caps(**common, images=True, reasoning=True),
    }
    assert anthropic_models(listed) == expected
    assert anthropic_models({"data": listed, "has_more": False}) == expected
    older = {"type": "model", "id": "claude-old", "display_name": "Old"}
    assert anthropic_models([older]) == {"claude-old": caps()}


ODD_VALUES: list[Any] = [None, "x", 3, True, -5, 0, 2.5, [], {}, ["x"], {"data": "x"}]
PARSERS = [
    llama_props, llama_models, ollama_ps, lmstudio_v0, lmstudio_v1, openrouter_models,
    vllm_models, anthropic_models, lambda body: ollama_show(body, "m"),
]  # fmt: skip


@pytest.mark.parametrize("parse", PARSERS)
@pytest.mark.parametrize("odd", ODD_VALUES)
def test_parsers_ignore_values_of_the_wrong_type_and_never_raise(parse: Any, odd: Any) -> None:
    """Every field of every shape replaced by an odd value: what is left is unknown."""
    for body in _bodies_with_one_odd_field(odd):
        found = parse(body)
        assert isinstance(found, dict)
        for model, capabilities in found.items():
            assert isinstance(model, str)
            for value in (capabilities.context, capabilities.max_output):
                assert value is None or (type(value) is int and value > 0)
            for flag in (capabilities.images, capabilities.tools, capabilities.reasoning):
                assert flag is None or type(flag) is bool
    assert parse(odd) in ({}, {"": caps()}, {"m": caps()})


def _bodies_with_one_odd_field(odd: Any) -> Iterator[Any]:
    """Each persona's body with, in turn, every value at every depth replaced by `odd`."""
    models = ["m", "vision-think"]
    bodies = [route(None if method == "GET" else {"model": "m"}, models)
              for (_, method, _), route in p.ROUTES.items()]  # fmt: skip
    bodies += [{"data": [p.anthropic_model(m) for m in models]}, p.llama_props(None, models)]
    for body in bodies:
        yield from _replacing(body, odd)


def _replacing(value: Any, odd: Any) -> Iterator[Any]:
    yield odd
    if isinstance(value, dict):
        for key, item in value.items():
            for changed in _replacing(item, odd):
                yield {**value, key: changed}
    elif isinstance(value, list):
        for i, item in enumerate(value):
            for changed in _replacing(item, odd):
                yield [*value[:i], changed, *value[i + 1 :]]


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
