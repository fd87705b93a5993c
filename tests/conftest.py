"""Shared pytest fixtures: `wire_server`, a scripted OpenAI + Anthropic API on 127.0.0.1."""

from collections.abc import Iterator

import pytest

from tests.wireserver import WireServer


@pytest.fixture
def wire_server() -> Iterator[WireServer]:
    """A started WireServer; at teardown, no request may have failed validation unless the
    test called `wire_server.expect_invalid()`."""
    server = WireServer().start()
    try:
        yield server
    finally:
        server.stop()
    if not server.invalid_expected:
        assert server.validation_errors == []
