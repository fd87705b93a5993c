"""HTTP error replies of the wire server, raised by the SDKs as their own status errors."""

from __future__ import annotations

import anthropic
import openai
import pytest

from tests.wire.clients import (
    chat_stream,
    messages_stream,
)
from tests.wireserver import Reply, WireServer

OPENAI_STATUS = [
    (400, openai.BadRequestError),
    (401, openai.AuthenticationError),
    (403, openai.PermissionDeniedError),
    (404, openai.NotFoundError),
    (429, openai.RateLimitError),
    (500, openai.InternalServerError),
    (503, openai.InternalServerError),
]
ANTHROPIC_STATUS = [
    (400, anthropic.BadRequestError),
    (401, anthropic.AuthenticationError),
    (403, anthropic.PermissionDeniedError),
    (404, anthropic.NotFoundError),
    (429, anthropic.RateLimitError),
    (500, anthropic.InternalServerError),
    (529, anthropic.OverloadedError),
]


@pytest.mark.parametrize(("status", "exc"), OPENAI_STATUS)
async def test_openai_status_errors(
    wire_server: WireServer, oai: openai.AsyncOpenAI, status: int, exc: type[Exception]
) -> None:
    wire_server.enqueue(Reply(status=status, retry_after="7"), Reply(status=status))
    with pytest.raises(exc) as info:
        await chat_stream(oai)
    err = info.value
    assert isinstance(err, openai.APIStatusError) and err.status_code == status
    assert err.response.headers["retry-after"] == "7"
    assert isinstance(err.body, dict) and set(err.body) == {"message", "type", "param", "code"}
    with pytest.raises(exc):
        await oai.responses.create(model="test-model", input="hi", stream=True)


@pytest.mark.parametrize(("status", "exc"), ANTHROPIC_STATUS)
async def test_anthropic_status_errors(
    wire_server: WireServer, claude: anthropic.AsyncAnthropic, status: int, exc: type[Exception]
) -> None:
    wire_server.enqueue(Reply(status=status, retry_after="3"))
    with pytest.raises(exc) as info:
        await messages_stream(claude)
    err = info.value
    assert isinstance(err, anthropic.APIStatusError) and err.status_code == status
    assert err.response.headers["retry-after"] == "3"
    assert isinstance(err.body, dict) and err.body["type"] == "error"
    assert set(err.body["error"]) == {"type", "message"}
    if status == 529:
        assert err.body["error"] == {"type": "overloaded_error", "message": "Overloaded"}


async def test_rate_limit_error_shape(wire_server: WireServer, oai: openai.AsyncOpenAI) -> None:
    wire_server.enqueue(Reply(status=429, retry_after="1"))
    with pytest.raises(openai.RateLimitError) as info:
        await chat_stream(oai)
    assert info.value.code == "rate_limit_exceeded"
    assert info.value.type == "requests"
