"""Finds local OpenAI-compatible servers (Ollama, llama.cpp, LM Studio) with a quick probe."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass

from chatui.config import Config, ProviderConfig

PROBE_TIMEOUT = 0.5


@dataclass(frozen=True, slots=True)
class KnownEndpoint:
    name: str
    port: int


KNOWN_ENDPOINTS = (
    KnownEndpoint("ollama", 11434),
    KnownEndpoint("llamacpp", 8080),
    KnownEndpoint("lmstudio", 1234),
)


async def _models(port: int, timeout: float) -> list[str] | None:
    """Model ids from GET /v1/models on 127.0.0.1:port, or None when nothing answers."""
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), timeout)
    except (OSError, TimeoutError):
        return None
    try:
        request = f"GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
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
        data = json.loads(body)
        return [str(m["id"]) for m in data.get("data", []) if isinstance(m, dict) and m.get("id")]
    except (ValueError, AttributeError, TypeError):
        return None


async def discover(config: Config, timeout: float = PROBE_TIMEOUT) -> list[ProviderConfig]:
    """Running local servers not already configured, as keyless OpenAI-compatible providers.

    They are added to `config.providers` (for this run only) and returned."""
    configured = {p.base_url for p in config.providers.values() if p.base_url}
    candidates = [
        e
        for e in KNOWN_ENDPOINTS
        if e.name not in config.providers
        and f"http://127.0.0.1:{e.port}/v1" not in configured
        and f"http://localhost:{e.port}/v1" not in configured
    ]
    results = await asyncio.gather(*(_models(e.port, timeout) for e in candidates))
    found = []
    for endpoint, models in zip(candidates, results, strict=True):
        if models is None:
            continue
        provider = ProviderConfig(
            endpoint.name,
            "openai",
            base_url=f"http://127.0.0.1:{endpoint.port}/v1",
            models=tuple(models),
            timeouts=config.providers["openai"].timeouts
            if "openai" in config.providers
            else ProviderConfig("x").timeouts,
        )
        config.providers[endpoint.name] = provider
        found.append(provider)
    return found
