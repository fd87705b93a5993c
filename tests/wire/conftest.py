"""Fixtures for the wire-server tests: `oai` and `claude`, strict SDK clients of `wire_server`."""

from __future__ import annotations

from collections.abc import AsyncIterator

import anthropic
import openai
import pytest

from tests.wire.clients import make_claude, make_oai
from tests.wireserver import WireServer


@pytest.fixture
async def oai(wire_server: WireServer) -> AsyncIterator[openai.AsyncOpenAI]:
    """OpenAI client that validates every parsed object strictly against the SDK types."""
    client = make_oai(wire_server, _strict_response_validation=True)
    yield client
    await client.close()


@pytest.fixture
async def claude(wire_server: WireServer) -> AsyncIterator[anthropic.AsyncAnthropic]:
    """Anthropic client that validates every parsed object strictly against the SDK types."""
    client = make_claude(wire_server, _strict_response_validation=True)
    yield client
    await client.close()
