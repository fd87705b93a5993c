"""Faults the wire server scripts mid-stream: hang-ups, stalls, cancels, malformed and odd SSE."""

from __future__ import annotations

import asyncio
import json
import time

import anthropic
import httpx2
import openai
import pytest
from openai.types.responses import (
    ResponseOutputItemDoneEvent,
)

from tests.wire.clients import (
    USER,
    chat_stream,
    messages_stream,
    raw_client,
)
from tests.wireserver import Reply, WireServer


async def test_disconnect_mid_stream(
    wire_server: WireServer, oai: openai.AsyncOpenAI, claude: anthropic.AsyncAnthropic
) -> None:
    wire_server.enqueue(Reply(pieces=["a", "b", "c"], disconnect_after=2))
    seen: list[str] = []
    stream = await oai.chat.completions.create(model="test-model", messages=USER, stream=True)
    with pytest.raises(openai.APIConnectionError):
        async for chunk in stream:
            seen.append(chunk.choices[0].delta.content or "")
    assert "".join(seen) == "ab"

    # anthropic 2.x does not wrap transport errors raised while iterating a stream
    wire_server.enqueue(Reply(pieces=["a", "b", "c"], disconnect_after=1))
    with pytest.raises(httpx2.RemoteProtocolError, match="incomplete chunked read"):
        await messages_stream(claude)

    wire_server.enqueue(Reply(disconnect_after=0))  # non-stream: no response at all
    with pytest.raises(openai.APIConnectionError):
        await oai.chat.completions.create(model="test-model", messages=USER)


@pytest.mark.timing
async def test_stall_times_out_and_server_sees_hangup(
    wire_server: WireServer, oai: openai.AsyncOpenAI, claude: anthropic.AsyncAnthropic
) -> None:
    wire_server.enqueue(Reply(pieces=["a", "b"], stall_after=1))
    started = time.monotonic()
    stream = await oai.chat.completions.create(
        model="test-model", messages=USER, stream=True, timeout=0.5
    )
    with pytest.raises(openai.APITimeoutError):
        async for _ in stream:
            pass
    assert 0.4 < time.monotonic() - started < 1.5
    assert await asyncio.to_thread(wire_server.wait_for_disconnect, 2.0)
    assert wire_server.generation_requests[0].client_disconnected

    wire_server.enqueue(Reply(stall_after=0))  # non-stream: the SDK maps the timeout
    with pytest.raises(anthropic.APITimeoutError):
        await claude.messages.create(model="m", max_tokens=5, messages=USER, timeout=0.5)
    wire_server.enqueue(Reply(stall_after=1))  # mid-stream: a raw httpx2 timeout escapes
    with pytest.raises(httpx2.ReadTimeout):
        await messages_stream(claude, timeout=0.5)
    assert await asyncio.to_thread(wire_server.wait_for_disconnect, 2.0, 3)


async def test_client_cancel_is_recorded(wire_server: WireServer, oai: openai.AsyncOpenAI) -> None:
    wire_server.enqueue(Reply(pieces=["x"] * 1000, interval=0.005))
    stream = await oai.chat.completions.create(model="test-model", messages=USER, stream=True)
    count = 0
    async for _ in stream:
        count += 1
        if count == 5:
            break
    await stream.close()
    assert await asyncio.to_thread(wire_server.wait_for_disconnect, 2.0)
    assert wire_server.disconnects == 1
    assert not wire_server.last_request.completed


async def test_malformed_line(wire_server: WireServer, oai: openai.AsyncOpenAI) -> None:
    wire_server.enqueue(Reply(malformed_after=1))
    with pytest.raises(json.JSONDecodeError):
        await chat_stream(oai)


async def test_sse_comments_and_extra_fields_on_the_wire(wire_server: WireServer) -> None:
    wire_server.enqueue(Reply(sse_comments=True, extra_fields=True, omit_done=True))
    body = {"model": "m", "messages": USER, "stream": True}
    async with raw_client() as client:
        resp = await client.post(wire_server.base_url + "/v1/chat/completions", json=body)
    assert ": keep-alive\n\n" in resp.text
    assert "[DONE]" not in resp.text
    first = next(line for line in resp.text.split("\n") if line.startswith("data: "))
    assert "x_wire" in json.loads(first.removeprefix("data: "))


async def test_delay_headers_model_and_omit_done(
    wire_server: WireServer, oai: openai.AsyncOpenAI, claude: anthropic.AsyncAnthropic
) -> None:
    wire_server.enqueue(
        Reply(delay=0.2, headers={"x-ratelimit-remaining-requests": "9"}, model="served-model"),
        Reply(omit_done=True),
        Reply(omit_done=True),
    )
    started = time.monotonic()
    response = await oai.chat.completions.with_raw_response.create(
        model="test-model", messages=USER
    )
    assert time.monotonic() - started >= 0.2
    assert response.headers["x-ratelimit-remaining-requests"] == "9"
    assert response.parse().model == "served-model"

    stream = await oai.responses.create(model="test-model", input="hi", stream=True)
    events = [e async for e in stream]
    assert isinstance(events[-1], ResponseOutputItemDoneEvent)  # no response.completed

    claude_events = await messages_stream(claude)
    assert claude_events[-1].type == "message_delta"  # no message_stop
