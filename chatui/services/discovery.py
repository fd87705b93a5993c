"""Finds local servers (Ollama, llama.cpp, LM Studio) with a quick probe."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any

from chatui.config import Config, ProviderConfig
from chatui.providers.ollama import DEFAULT_BASE_URL

PROBE_TIMEOUT = 0.5
OLLAMA_PORT = 11434


@dataclass(frozen=True, slots=True)
class KnownEndpoint:
    name: str
    port: int


KNOWN_ENDPOINTS = (
    KnownEndpoint("ollama", OLLAMA_PORT),
    KnownEndpoint("llamacpp", 8080),
    KnownEndpoint("lmstudio", 1234),
)


async def _get(port: int, path: str, timeout: float) -> Any:
    """The JSON of GET `path` on 127.0.0.1:port, or None when nothing answers 200 with JSON."""
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), timeout)
    except (OSError, TimeoutError):
        return None
    try:
        request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
        writer.write(request.encode())
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout)
        if b" 200" not in head.split(b"\r\n", 1)[0]:
            return None
        length = next(
            (int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
             if line.lower().startswith(b"content-length:")),
            None,
        )  # fmt: skip
        body = await asyncio.wait_for(
            reader.readexactly(length) if length is not None else reader.read(), timeout
        )
    except (OSError, TimeoutError, ValueError, asyncio.IncompleteReadError):
        return None
    finally:
        writer.close()
    try:
        return json.loads(body)
    except ValueError:
        return None


async def _models(port: int, timeout: float) -> list[str] | None:
    """Model ids from GET /v1/models on 127.0.0.1:port, or None when nothing answers."""
    data = await _get(port, "/v1/models", timeout)
    try:
        return [str(m["id"]) for m in data.get("data", []) if isinstance(m, dict) and m.get("id")]
    except (AttributeError, TypeError):
        return None


async def _is_ollama(port: int, timeout: float) -> bool:
    """Ollama's port, or a server answering Ollama's `GET /api/version`."""
    if port == OLLAMA_PORT:
        return True
    version = await _get(port, "/api/version", timeout)
    return isinstance(version, dict) and isinstance(version.get("version"), str)


async def _probe(port: int, timeout: float) -> tuple[list[str] | None, bool]:
    """(the models listed, whether it is Ollama); asked only of a server that lists models."""
    models = await _models(port, timeout)
    return models, models is not None and await _is_ollama(port, timeout)


def _default_url(kind: str) -> str:
    """Where a provider of `kind` with no base URL goes (only Ollama's is on this machine)."""
    return DEFAULT_BASE_URL if kind == "ollama" else ""


def _root(url: str) -> str:
    return url.rstrip("/").removesuffix("/v1")


async def discover(config: Config, timeout: float = PROBE_TIMEOUT) -> list[ProviderConfig]:
    """Running local servers not already configured, as keyless providers: Ollama of kind
    `ollama` (its own API: the only one that takes a window), the others OpenAI-compatible.

    They are added to `config.providers` (for this run only) and returned."""
    configured = {_root(p.base_url or _default_url(p.kind)) for p in config.providers.values()}
    candidates = [
        e
        for e in KNOWN_ENDPOINTS
        if e.name not in config.providers
        and f"http://127.0.0.1:{e.port}" not in configured
        and f"http://localhost:{e.port}" not in configured
    ]
    results = await asyncio.gather(*(_probe(e.port, timeout) for e in candidates))
    found = []
    for endpoint, (models, ollama) in zip(candidates, results, strict=True):
        if models is None:
            continue
        root = f"http://127.0.0.1:{endpoint.port}"
        provider = ProviderConfig(
            endpoint.name,
            "ollama" if ollama else "openai",
            base_url=root if ollama else root + "/v1",
            models=tuple(models),
            timeouts=config.providers["openai"].timeouts
            if "openai" in config.providers
            else ProviderConfig("x").timeouts,
        )
        config.providers[endpoint.name] = provider
        found.append(provider)
    return found
