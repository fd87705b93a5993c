"""Fixtures for the reliability suite: `env` (config, data dir, fake keys) and `server`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from chatui.providers.base import Provider
from chatui.services import discovery
from tests.reliability.harness import Env, ServerSwitch, chatui_variables, process_environ
from tests.wireserver import WireServer


@pytest.fixture
def env(tmp_path: Path, wire_server: WireServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[Env]:
    variables = chatui_variables(tmp_path, wire_server.base_url)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    # backoff between automatic retries: the suite tests what happens, not how long it waits
    monkeypatch.setattr(Provider, "retry_base_delay", 0.01)
    # local servers that happen to run on this machine stay out of the app's model list
    monkeypatch.setattr(discovery, "KNOWN_ENDPOINTS", ())
    made = Env(tmp_path, tmp_path / "config.toml", tmp_path / "data", process_environ(variables))
    yield made
    for store in made.stores:
        store.close()


@pytest.fixture
def server(wire_server: WireServer) -> ServerSwitch:
    return ServerSwitch(wire_server)
