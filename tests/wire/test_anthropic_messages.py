"""The wire server's Anthropic Messages stream, read by the real anthropic SDK and raw httpx2."""

from __future__ import annotations

import anthropic
import pytest
from anthropic.types import (
    RawContentBlockDeltaEvent,
    RawContentBlockStartEvent,
    RawContentBlockStopEvent,
    RawMessageDeltaEvent,
    RawMessageStartEvent,
    RawMessageStopEvent,
    SignatureDelta,
    TextDelta,
    ThinkingDelta,
)

from tests.wire.clients import (
    USER,
    messages_stream,
    raw_client,
)
from tests.wireserver import Reply, WireServer


async def test_anthropic_stream_with_thinking(
    wire_server: WireServer, claude: anthropic.AsyncAnthropic
) -> None:
    wire_server.enqueue(Reply(reasoning=["Hmm", "..."], pieces=["An", "swer"], input_tokens=9))
    events = await messages_stream(claude)

    assert [type(e) for e in events] == [
        RawMessageStartEvent,
        RawContentBlockStartEvent,
        RawContentBlockDeltaEvent,
        RawContentBlockDeltaEvent,
        RawContentBlockDeltaEvent,
        RawContentBlockStopEvent,
        RawContentBlockStartEvent,
        RawContentBlockDeltaEvent,
        RawContentBlockDeltaEvent,
        RawContentBlockStopEvent,
        RawMessageDeltaEvent,
        RawMessageStopEvent,
    ]
    start = events[0]
    assert start.message.role == "assistant" and start.message.content == []
    assert start.message.stop_reason is None
    assert start.message.usage.input_tokens == 9
    assert events[1].content_block.type == "thinking"
    assert [type(e.delta) for e in events[2:5]] == [ThinkingDelta, ThinkingDelta, SignatureDelta]
    assert events[6].content_block.type == "text" and events[6].index == 1
    assert [e.delta for e in events[7:9]] == [
        TextDelta(type="text_delta", text="An"),
        TextDelta(type="text_delta", text="swer"),
    ]
    assert events[10].delta.stop_reason == "end_turn"
    assert events[10].usage.output_tokens == 4
    req = wire_server.last_request
    assert "anthropic-version" in req.headers
    assert "k" in (req.headers.get("x-api-key"), req.headers.get("authorization", "")[7:])


async def test_anthropic_raw_pings_and_helper(
    wire_server: WireServer, claude: anthropic.AsyncAnthropic
) -> None:
    wire_server.enqueue(Reply(reasoning=["deep"], pieces=["ok"]))
    body = {"model": "m", "max_tokens": 5, "messages": USER, "stream": True}
    async with raw_client() as client:
        resp = await client.post(wire_server.base_url + "/v1/messages", json=body)
    names = [line.removeprefix("event: ") for line in resp.text.split("\n") if "event:" in line]
    assert names[:3] == ["message_start", "content_block_start", "ping"]
    assert names[-2:] == ["message_delta", "message_stop"]

    wire_server.enqueue(Reply(reasoning=["deep"], pieces=["o", "k"], stop_reason="length"))
    async with claude.messages.stream(model="test-model", max_tokens=9, messages=USER) as stream:
        message = await stream.get_final_message()
    assert [block.type for block in message.content] == ["thinking", "text"]
    assert message.content[0].thinking == "deep"  # type: ignore[union-attr]
    assert message.content[0].signature  # type: ignore[union-attr]
    assert message.content[1].text == "ok"  # type: ignore[union-attr]
    assert message.stop_reason == "max_tokens"

    plain = await claude.messages.create(model="test-model", max_tokens=9, messages=USER)
    assert plain.content[0].text == "Hello world"  # type: ignore[union-attr]
    assert plain.stop_reason == "end_turn"
    assert plain.usage.output_tokens == 2


async def test_anthropic_mid_stream_error(
    wire_server: WireServer, claude: anthropic.AsyncAnthropic
) -> None:
    wire_server.enqueue(Reply(pieces=["a", "b"], error_event_after=1))
    stream = await claude.messages.create(
        model="test-model", max_tokens=5, messages=USER, stream=True
    )
    texts: list[str] = []
    with pytest.raises(anthropic.APIStatusError) as info:
        async for event in stream:
            if isinstance(event, RawContentBlockDeltaEvent) and event.delta.type == "text_delta":
                texts.append(event.delta.text)
    assert texts == ["a"]
    assert info.value.body == {
        "type": "error",
        "error": {"type": "overloaded_error", "message": "Overloaded"},
    }


async def test_anthropic_empty_reply(
    wire_server: WireServer, claude: anthropic.AsyncAnthropic
) -> None:
    wire_server.enqueue(Reply(empty=True))
    events = await messages_stream(claude)
    assert [e.type for e in events] == ["message_start", "message_delta", "message_stop"]
