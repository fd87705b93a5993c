"""Local servers are found by a quick probe and join the providers for this run."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from chatui.config import load_config
from chatui.providers import provider_for
from chatui.providers.ollama import OllamaProvider
from chatui.services import discovery
from tests.wireserver import WireServer
from tests.wireserver import personas as p


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_running_server_is_found_and_dead_ports_are_not(
    wire_server: WireServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        discovery,
        "KNOWN_ENDPOINTS",
        (
            discovery.KnownEndpoint("ollama", wire_server.port),
            discovery.KnownEndpoint("lmstudio", free_port()),
        ),
    )
    config = load_config(tmp_path / "none.toml")
    found = await discovery.discover(config, timeout=1.0)
    assert [p.name for p in found] == ["ollama"]
    ollama = config.providers["ollama"]
    assert ollama.base_url == f"http://127.0.0.1:{wire_server.port}/v1"
    assert ollama.models == ("test-model", "test-model-large") and ollama.available
    assert "lmstudio" not in config.providers


async def test_configured_endpoint_is_not_added_twice(
    wire_server: WireServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        discovery, "KNOWN_ENDPOINTS", (discovery.KnownEndpoint("ollama", wire_server.port),)
    )
    path = tmp_path / "config.toml"
    path.write_text(f'[providers.mine]\nbase_url = "http://127.0.0.1:{wire_server.port}/v1"\n')
    config = load_config(path)
    assert await discovery.discover(config) == []
    assert "ollama" not in config.providers


@pytest.mark.parametrize("persona", [p.OLLAMA, p.OPENAI])
async def test_ollama_is_found_as_its_own_kind(
    persona: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """By its port (11434), or anywhere by its `/api/version`: then spoken natively, the base
    URL without `/v1`; any other server stays OpenAI-compatible."""
    with WireServer(persona=persona) as server:
        monkeypatch.setattr(
            discovery, "KNOWN_ENDPOINTS", (discovery.KnownEndpoint("ollama", server.port),)
        )
        if persona == p.OPENAI:  # answers no /api/version: only the port tells
            config = load_config(tmp_path / "none.toml")
            assert [f.kind for f in await discovery.discover(config, timeout=1.0)] == ["openai"]
            monkeypatch.setattr(discovery, "OLLAMA_PORT", server.port)
        config = load_config(tmp_path / "none.toml")
        found = await discovery.discover(config, timeout=1.0)
        root = f"http://127.0.0.1:{server.port}"
    assert [(f.name, f.kind, f.base_url) for f in found] == [("ollama", "ollama", root)]
    assert found[0].models == ("test-model", "test-model-large")
    assert isinstance(provider_for(found[0]), OllamaProvider)


async def test_a_configured_ollama_at_the_default_address_is_not_added_twice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with WireServer(persona=p.OLLAMA) as server:
        monkeypatch.setattr(
            discovery, "KNOWN_ENDPOINTS", (discovery.KnownEndpoint("box", server.port),)
        )
        monkeypatch.setattr(discovery, "DEFAULT_BASE_URL", f"http://127.0.0.1:{server.port}")
        path = tmp_path / "config.toml"
        path.write_text('[providers.mine]\nkind = "ollama"\n')  # no base_url: the default one
        assert await discovery.discover(load_config(path), timeout=1.0) == []
        path.write_text("")
        assert [f.name for f in await discovery.discover(load_config(path), timeout=1.0)] == ["box"]
