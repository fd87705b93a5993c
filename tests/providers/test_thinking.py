"""Extended thinking on the wire: sent to Anthropic models that support it, with its limits."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from chatui.core import (
    ChatMessage,
    ChatRequest,
    GenerationOptions,
    ReasoningDelta,
    Role,
    TextDelta,
)
from chatui.providers import Provider
from chatui.providers.anthropic import supports_thinking
from tests.providers.conftest import collect
from tests.wire.clients import raw_client
from tests.wireserver import Reply, WireServer


def ask(model: str, **options: object) -> ChatRequest:
    messages = (ChatMessage(Role.USER, "why?"),)
    return ChatRequest(model, messages, "", GenerationOptions(**options))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "model",
    [
        "claude-3-7-sonnet-20250219",
        "claude-3-7-sonnet-latest",
        "claude-sonnet-4-20250514",
        "claude-sonnet-4-5",
        "claude-opus-4-20250514",
        "claude-opus-4-1-20250805",
        "claude-haiku-4-5",
        "anthropic.claude-sonnet-4-5-20250929-v1:0",
    ],
)
def test_models_with_extended_thinking(model: str) -> None:
    assert supports_thinking(model)


@pytest.mark.parametrize(
    "model",
    ["claude-3-5-haiku-20241022", "claude-3-5-sonnet-latest", "claude-3-opus", "test-model"],
)
def test_models_without_extended_thinking(model: str) -> None:
    assert not supports_thinking(model)


async def test_thinking_sent_with_room_for_the_answer_and_no_temperature(
    wire_server: WireServer, make_provider: Callable[..., Provider]
) -> None:
    wire_server.enqueue(Reply(reasoning=["Hmm", "..."], pieces=["An", "swer"]))
    req = ask("claude-sonnet-4-6", max_tokens=1000, temperature=0.5, thinking_budget=2048)
    events = await collect(make_provider("anthropic"), req)
    body = wire_server.requests[-1].body
    assert body["thinking"] == {"type": "enabled", "budget_tokens": 2048}
    assert body["max_tokens"] == 2048 + 1024  # above the budget, as the API requires
    assert "temperature" not in body
    assert wire_server.validation_errors == []
    deltas = [e for e in events if isinstance(e, TextDelta | ReasoningDelta)]
    thought, answer = (
        [ReasoningDelta("Hmm"), ReasoningDelta("...")],
        [TextDelta("An"), TextDelta("swer")],
    )
    assert deltas == [*thought, *answer]  # the thinking block's signature_delta yields nothing


async def test_thinking_budget_limits(
    wire_server: WireServer, make_provider: Callable[..., Provider]
) -> None:
    provider = make_provider("anthropic")
    await collect(provider, ask("claude-opus-4-1", max_tokens=16000, thinking_budget=4096))
    body = wire_server.requests[-1].body
    assert body["thinking"]["budget_tokens"] == 4096 and body["max_tokens"] == 16000
    await collect(provider, ask("claude-haiku-4-5", max_tokens=50, thinking_budget=100))
    body = wire_server.requests[-1].body  # the API's minimum budget is 1,024
    assert body["thinking"]["budget_tokens"] == 1024 and body["max_tokens"] == 2048
    assert wire_server.validation_errors == []


async def test_no_thinking_for_other_models_or_when_off(
    wire_server: WireServer, make_provider: Callable[..., Provider]
) -> None:
    provider = make_provider("anthropic")
    await collect(provider, ask("claude-3-5-haiku-20241022", max_tokens=99, temperature=0.3,
                                thinking_budget=4096))  # fmt: skip
    body = wire_server.requests[-1].body
    assert "thinking" not in body and body["temperature"] == 0.3 and body["max_tokens"] == 99
    await collect(provider, ask("claude-sonnet-4-6", max_tokens=99, thinking_budget=0))
    assert "thinking" not in wire_server.requests[-1].body
    await collect(provider, ask("claude-sonnet-4-6", max_tokens=99))  # None: off too
    assert "thinking" not in wire_server.requests[-1].body


@pytest.mark.parametrize("protocol", ["chat", "responses"])
async def test_openai_protocols_send_nothing_for_thinking(
    wire_server: WireServer, make_provider: Callable[..., Provider], protocol: str
) -> None:
    req = ask("claude-sonnet-4-6", max_tokens=99, temperature=0.5, thinking_budget=4096)
    await collect(make_provider(protocol), req)
    body = wire_server.requests[-1].body
    assert not {"thinking", "reasoning", "reasoning_effort"} & set(body)
    assert body["temperature"] == 0.5


async def test_the_wire_server_rejects_what_the_api_would(wire_server: WireServer) -> None:
    """The checks above mean something: the server refuses the requests they avoid."""
    wire_server.expect_invalid()
    enabled = {"type": "enabled", "budget_tokens": 1024}
    bad = [
        {"max_tokens": 1024, "thinking": enabled},
        {"max_tokens": 4096, "temperature": 0.5, "thinking": enabled},
        {"max_tokens": 4096, "thinking": {**enabled, "budget_tokens": 100}},
    ]
    async with raw_client() as client:
        for fields in bad:
            body = {"model": "m", "messages": [{"role": "user", "content": "hi"}], **fields}
            response = await client.post(wire_server.base_url + "/v1/messages", json=body)
            assert response.status_code == 400, fields
