"""Local servers are found by a quick probe and join the providers for this run."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from chatui.config import load_config
from chatui.services import discovery
from tests.wireserver import WireServer


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
