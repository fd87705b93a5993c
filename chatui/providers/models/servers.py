"""Asks an OpenAI-compatible server which kind it is and what its models can take, in a few
quick GETs; any probe that fails or is late leaves what it would have said unknown."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import ssl
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from chatui.core import Capabilities
from chatui.providers.models import shapes

if TYPE_CHECKING:
    import httpx2

OLLAMA_PORT = 11434
#: `owned_by` of the hosted OpenAI API's models: it has no metadata endpoints to probe
OPENAI_OWNERS = frozenset({"openai", "system", "openai-internal"})
#: `owned_by` of LM Studio's models
LMSTUDIO_OWNER = "organization_owner"
#: how many `timeout`s a whole probe may take
ROUNDS = 3


class ServerKind(StrEnum):
    LLAMA_SERVER = "llama-server"
    OLLAMA = "ollama"
    LMSTUDIO = "lmstudio"
    OPENROUTER = "openrouter"
    VLLM = "vllm"
    OPENAI_COMPATIBLE = "openai-compatible"  # lists its models, says nothing more
    UNKNOWN = "unknown"  # did not answer in time, or not in any shape we read


@dataclass(frozen=True, slots=True)
class ServerInfo:
    """Which kind of server a base URL is, and what it said of the models asked about."""

    kind: ServerKind = ServerKind.UNKNOWN
    models: dict[str, Capabilities] = field(default_factory=dict)


Fetch = Callable[..., Awaitable[Any]]


@functools.cache
def tls() -> ssl.SSLContext:
    """The TLS context every HTTP client of the process shares: the CA bundle is read once
    (reading it is what building a client costs: ~35 ms each, and the model picker builds one
    a provider, besides the pool's and the server probes')."""
    import httpx2

    return httpx2.create_ssl_context()


class Unanswered(Exception):
    """The server did not answer: refused, broke off, or was later than the timeout."""


async def server_capabilities(
    base_url: str, api_key: str | None, models: Sequence[str], timeout: float = 2.0
) -> ServerInfo:
    """What the server at `base_url` (an OpenAI-compatible base, `/v1` or not) says about
    `models` (every model it describes when `models` is empty). Never raises for network or
    shape problems. Requests go in rounds (one or two for most servers), those of a round
    concurrently, each within `timeout`, all within `ROUNDS * timeout` (what is late then is
    unknown); a server that does not answer the first (`GET /v1/models`) is asked nothing
    more, so a silent one costs about `timeout`."""
    root = base_url.rstrip("/").removesuffix("/v1")
    headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
    loop = asyncio.get_running_loop()
    end = loop.time() + ROUNDS * timeout
    # Importing httpx2 and building a client (it loads the CA bundle) take 50-100 ms: not on
    # the event loop, which may be drawing the app.
    client = await asyncio.to_thread(_client, headers, timeout)
    import httpx2  # loaded by _client

    async with client:

        async def ask(path: str, body: dict[str, Any] | None = None) -> Any:
            """The JSON answer of GET (POST when there is a body) `root + path`; None for a
            status other than 200 or a body that is not JSON."""
            try:
                async with asyncio.timeout_at(min(loop.time() + timeout, end)):
                    if body is None:
                        response = await client.get(root + path)
                    else:
                        response = await client.post(root + path, json=body)
                    content = await response.aread()
            except (httpx2.HTTPError, httpx2.InvalidURL, OSError, TimeoutError) as exc:
                raise Unanswered(path) from exc
            if response.status_code != 200:
                return None
            with contextlib.suppress(ValueError):
                return json.loads(content)
            return None

        async def fetch(path: str, body: dict[str, Any] | None = None) -> Any:
            with contextlib.suppress(Unanswered):
                return await ask(path, body)
            return None

        try:
            listing = await ask("/v1/models")
        except Unanswered:
            return ServerInfo()
        return await _probe(fetch, root, listing, list(models))


def _client(headers: dict[str, str], timeout: float) -> httpx2.AsyncClient:
    import httpx2

    return httpx2.AsyncClient(headers=headers, timeout=timeout, verify=tls())


async def _probe(fetch: Fetch, root: str, listing: Any, wanted: list[str]) -> ServerInfo:
    """The kind told by `/v1/models`' body (`listing`) where it can, else by the endpoints
    only one kind of server has."""
    data = [entry for _, entry in shapes.entries(listing, "data")]
    listed = [model for model, _ in shapes.entries(listing, "data")]
    owners = {entry.get("owned_by") for entry in data}
    if "llamacpp" in owners or any("meta" in entry for entry in data):
        return await _llama(fetch, listing, wanted)
    if "vllm" in owners or any("max_model_len" in entry for entry in data):
        return _found(ServerKind.VLLM, shapes.vllm_models(listing), wanted)
    if any("context_length" in entry and "pricing" in entry for entry in data):
        return _found(ServerKind.OPENROUTER, shapes.openrouter_models(listing), wanted)
    if urlsplit(root).port == OLLAMA_PORT or "library" in owners:
        ollama = await _ollama(fetch, wanted or listed)
        if ollama.models:
            return ollama
    if owners and owners <= OPENAI_OWNERS:
        return ServerInfo(ServerKind.OPENAI_COMPATIBLE)
    if owners == {LMSTUDIO_OWNER}:
        v0, v1 = await asyncio.gather(fetch("/api/v0/models"), fetch("/api/v1/models"))
        if found := shapes.lmstudio_v0(v0) or shapes.lmstudio_v1(v1):
            return _found(ServerKind.LMSTUDIO, found, wanted)
    props, version, lmstudio = await asyncio.gather(
        fetch("/props"), fetch("/api/version"), fetch("/api/v0/models")
    )
    if isinstance(shapes.as_dict(props).get("default_generation_settings"), dict):
        return await _llama(fetch, listing, wanted, props)
    if isinstance(shapes.as_dict(version).get("version"), str):
        return await _ollama(fetch, wanted or listed)
    if found := shapes.lmstudio_v0(lmstudio):
        return _found(ServerKind.LMSTUDIO, found, wanted)
    return ServerInfo(ServerKind.OPENAI_COMPATIBLE if data else ServerKind.UNKNOWN)


async def _llama(fetch: Fetch, listing: Any, wanted: list[str], props: Any = None) -> ServerInfo:
    """llama-server: `/props` over `/v1/models`' `meta`. It serves one model whatever name a
    request gives, so what `/props` says holds for every name asked about."""
    if props is None:
        props = await fetch("/props")
    listed = shapes.llama_models(listing)
    said = shapes.llama_props(props)
    if said and len(listed) <= 1:
        base = next(iter(listed.values()), Capabilities())
        names = [*listed, *wanted, *filter(None, said)]  # "": no alias
        listed = dict.fromkeys(names, next(iter(said.values())).over(base))
    return _found(ServerKind.LLAMA_SERVER, listed, wanted)


async def _ollama(fetch: Fetch, wanted: list[str]) -> ServerInfo:
    """Ollama: `POST /api/show` for each model, concurrently."""
    shown = await asyncio.gather(*(fetch("/api/show", {"model": model}) for model in wanted))
    found: dict[str, Capabilities] = {}
    for model, body in zip(wanted, shown, strict=True):
        found.update(shapes.ollama_show(body, model))
    return ServerInfo(ServerKind.OLLAMA, found)


def _found(kind: ServerKind, described: dict[str, Capabilities], wanted: list[str]) -> ServerInfo:
    if not wanted:
        return ServerInfo(kind, described)
    return ServerInfo(kind, {model: described[model] for model in wanted if model in described})
