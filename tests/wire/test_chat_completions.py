"""Tests of the loopback wire server, driven by the real openai / anthropic SDKs and httpx2."""

from __future__ import annotations

import asyncio
import json
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator
from typing import Any

import anthropic
import httpx2
import openai
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
from openai.types.chat import ChatCompletionChunk
from openai.types.responses import (
    ResponseCompletedEvent,
    ResponseContentPartAddedEvent,
    ResponseContentPartDoneEvent,
    ResponseCreatedEvent,
    ResponseErrorEvent,
    ResponseFailedEvent,
    ResponseIncompleteEvent,
    ResponseInProgressEvent,
    ResponseOutputItemAddedEvent,
    ResponseOutputItemDoneEvent,
    ResponseReasoningSummaryPartAddedEvent,
    ResponseReasoningSummaryPartDoneEvent,
    ResponseReasoningSummaryTextDeltaEvent,
    ResponseReasoningSummaryTextDoneEvent,
    ResponseTextDeltaEvent,
    ResponseTextDoneEvent,
)

from tests.wireserver import Reply, WireServer

USER: Any = [{"role": "user", "content": "hi"}]  # typed loosely: valid for both SDKs
# Building an httpx2 client loads the CA bundle (~50 ms); share one TLS context instead.
TLS = ssl.create_default_context()


def make_oai(server: WireServer, api_key: str = "k", **kwargs: Any) -> openai.AsyncOpenAI:
    return openai.AsyncOpenAI(
        base_url=server.base_url + "/v1",
        api_key=api_key,
        max_retries=0,
        http_client=openai.DefaultAsyncHttpxClient(verify=TLS),
        **kwargs,
    )


def make_claude(server: WireServer, api_key: str = "k", **kwargs: Any) -> anthropic.AsyncAnthropic:
    return anthropic.AsyncAnthropic(
        base_url=server.base_url,
        api_key=api_key,
        max_retries=0,
        http_client=anthropic.DefaultAsyncHttpxClient(verify=TLS),
        **kwargs,
    )


def raw_client() -> httpx2.AsyncClient:
    return httpx2.AsyncClient(verify=TLS)


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


async def chat_stream(client: openai.AsyncOpenAI, **kwargs: Any) -> list[ChatCompletionChunk]:
    stream = await client.chat.completions.create(
        model="test-model", messages=USER, stream=True, **kwargs
    )
    return [chunk async for chunk in stream]


def chat_text(chunks: list[ChatCompletionChunk]) -> str:
    return "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)


async def messages_stream(client: anthropic.AsyncAnthropic, **kwargs: Any) -> list[Any]:
    stream = await client.messages.create(
        model="test-model", max_tokens=100, messages=USER, stream=True, **kwargs
    )
    return [event async for event in stream]


# --------------------------------------------------------------------------- Chat Completions


async def test_chat_stream_exact_chunks(wire_server: WireServer, oai: openai.AsyncOpenAI) -> None:
    wire_server.enqueue(Reply(pieces=["Hel", "lo", "!"], input_tokens=7))
    chunks = await chat_stream(oai, stream_options={"include_usage": True})

    assert all(isinstance(c, ChatCompletionChunk) for c in chunks)
    assert len({c.id for c in chunks}) == 1
    first, *deltas, last_choice, usage_chunk = chunks
    assert first.choices[0].delta.role == "assistant"
    assert first.choices[0].delta.content == ""
    assert [d.choices[0].delta.content for d in deltas] == ["Hel", "lo", "!"]
    assert all(d.choices[0].finish_reason is None for d in deltas)
    assert last_choice.choices[0].finish_reason == "stop"
    assert usage_chunk.choices == []
    assert usage_chunk.usage is not None
    assert (usage_chunk.usage.prompt_tokens, usage_chunk.usage.completion_tokens) == (7, 3)
    assert usage_chunk.usage.total_tokens == 10
    req = wire_server.last_request
    assert req.path == "/v1/chat/completions"
    assert req.body["messages"] == USER
    assert req.headers["authorization"] == "Bearer k"
    assert req.completed and not req.client_disconnected


async def test_chat_raw_sse_framing(wire_server: WireServer) -> None:
    wire_server.enqueue(Reply(pieces=["a"]))
    body = {"model": "m", "messages": USER, "stream": True}
    async with (
        raw_client() as client,
        client.stream("POST", wire_server.base_url + "/v1/chat/completions", json=body) as resp,
    ):
        assert resp.headers["content-type"].startswith("text/event-stream")
        raw = (await resp.aread()).decode()
    events = raw.split("\n\n")
    assert events[-2:] == ["data: [DONE]", ""]
    for event in events[:-2]:
        assert event.startswith("data: {")
        chunk = json.loads(event.removeprefix("data: "))
        assert set(chunk) >= {"id", "object", "created", "model", "choices"}
        assert set(chunk["choices"][0]) == {"index", "delta", "logprobs", "finish_reason"}
        assert chunk["choices"][0]["logprobs"] is None
    assert "usage" not in json.loads(events[0].removeprefix("data: "))


async def test_chat_reasoning_and_non_stream(
    wire_server: WireServer, oai: openai.AsyncOpenAI
) -> None:
    wire_server.enqueue(Reply(reasoning=["Let me ", "think."], pieces=["42"]))
    chunks = await chat_stream(oai)
    reasoning = [(c.choices[0].delta.model_extra or {}).get("reasoning_content") for c in chunks]
    assert "".join(r for r in reasoning if r) == "Let me think."
    assert chat_text(chunks) == "42"

    wire_server.enqueue(Reply(reasoning=["hmm"], pieces=["a", "b"], stop_reason="length"))
    completion = await oai.chat.completions.create(model="test-model", messages=USER)
    assert completion.object == "chat.completion"
    assert completion.choices[0].message.content == "ab"
    assert completion.choices[0].finish_reason == "length"
    assert (completion.choices[0].message.model_extra or {})["reasoning_content"] == "hmm"
    assert completion.usage is not None and completion.usage.completion_tokens == 3


async def test_chat_stream_helper_accumulates(
    wire_server: WireServer, oai: openai.AsyncOpenAI
) -> None:
    wire_server.enqueue(Reply(pieces=["one ", "two"], extra_fields=True, sse_comments=True))
    async with oai.chat.completions.stream(model="test-model", messages=USER) as stream:
        final = await stream.get_final_completion()
    assert final.choices[0].message.content == "one two"
    assert final.choices[0].finish_reason == "stop"


async def test_chat_variations(wire_server: WireServer, oai: openai.AsyncOpenAI) -> None:
    wire_server.enqueue(
        Reply(omit_finish_reason=True, omit_usage=True, omit_done=True),
        Reply(empty=True),
    )
    chunks = await chat_stream(oai, stream_options={"include_usage": True})
    assert chat_text(chunks) == "Hello world"
    assert all(c.choices[0].finish_reason is None for c in chunks)
    assert all(c.usage is None for c in chunks)

    chunks = await chat_stream(oai)
    assert chat_text(chunks) == ""
    assert [c.choices[0].finish_reason for c in chunks] == [None, "stop"]


async def test_chat_mid_stream_error(wire_server: WireServer, oai: openai.AsyncOpenAI) -> None:
    wire_server.enqueue(Reply(pieces=["a", "b", "c"], error_event_after=2, error_message="boom"))
    seen: list[str] = []
    stream = await oai.chat.completions.create(model="test-model", messages=USER, stream=True)
    with pytest.raises(openai.APIError, match="boom") as info:
        async for chunk in stream:
            seen.append(chunk.choices[0].delta.content or "")
    assert "".join(seen) == "ab"
    assert isinstance(info.value.body, dict) and info.value.body["type"] == "server_error"


# --------------------------------------------------------------------------- Responses


async def test_responses_stream_event_sequence(
    wire_server: WireServer, oai: openai.AsyncOpenAI
) -> None:
    wire_server.enqueue(Reply(reasoning=["Plan", "ning"], pieces=["Hi", " there"]))
    stream = await oai.responses.create(model="test-model", input="hi", stream=True)
    events = [event async for event in stream]

    assert [type(e) for e in events] == [
        ResponseCreatedEvent,
        ResponseInProgressEvent,
        ResponseOutputItemAddedEvent,
        ResponseReasoningSummaryPartAddedEvent,
        ResponseReasoningSummaryTextDeltaEvent,
        ResponseReasoningSummaryTextDeltaEvent,
        ResponseReasoningSummaryTextDoneEvent,
        ResponseReasoningSummaryPartDoneEvent,
        ResponseOutputItemDoneEvent,
        ResponseOutputItemAddedEvent,
        ResponseContentPartAddedEvent,
        ResponseTextDeltaEvent,
        ResponseTextDeltaEvent,
        ResponseTextDoneEvent,
        ResponseContentPartDoneEvent,
        ResponseOutputItemDoneEvent,
        ResponseCompletedEvent,
    ]
    assert [e.sequence_number for e in events] == list(range(len(events)))
    deltas = [e for e in events if isinstance(e, ResponseTextDeltaEvent)]
    assert [d.delta for d in deltas] == ["Hi", " there"]
    assert {(d.output_index, d.content_index) for d in deltas} == {(1, 0)}
    assert all(d.logprobs == [] for d in deltas)
    summary = [e for e in events if isinstance(e, ResponseReasoningSummaryTextDoneEvent)]
    assert summary[0].text == "Planning"
    done = events[-1]
    assert isinstance(done, ResponseCompletedEvent)
    assert done.response.status == "completed"
    assert done.response.output_text == "Hi there"
    assert [item.type for item in done.response.output] == ["reasoning", "message"]
    usage = done.response.usage
    assert usage is not None
    assert (usage.input_tokens, usage.output_tokens, usage.total_tokens) == (12, 4, 16)
    assert usage.output_tokens_details.reasoning_tokens == 2
    assert usage.input_tokens_details.cached_tokens == 0


async def test_responses_raw_has_event_lines(wire_server: WireServer) -> None:
    body = {"model": "m", "input": "hi", "stream": True}
    async with raw_client() as client:
        resp = await client.post(wire_server.base_url + "/v1/responses", json=body)
    blocks = [b for b in resp.text.split("\n\n") if b]
    for block in blocks:
        event_line, data_line = block.split("\n")
        data = json.loads(data_line.removeprefix("data: "))
        assert event_line == f"event: {data['type']}"
        assert isinstance(data["sequence_number"], int)


async def test_responses_helper_and_non_stream(
    wire_server: WireServer, oai: openai.AsyncOpenAI
) -> None:
    wire_server.enqueue(Reply(reasoning=["r"], pieces=["x", "y"]), Reply(pieces=["plain"]))
    async with oai.responses.stream(model="test-model", input=USER) as stream:
        final = await stream.get_final_response()
    assert final.output_text == "xy"
    response = await oai.responses.create(model="test-model", input="hi")
    assert response.status == "completed"
    assert response.output_text == "plain"


async def test_responses_incomplete_failed_and_error(
    wire_server: WireServer, oai: openai.AsyncOpenAI
) -> None:
    wire_server.enqueue(
        Reply(stop_reason="max_output_tokens"),
        Reply(error_event_after=1, error_event_kind="failed", error_message="exploded"),
        Reply(error_event_after=0, error_code="rate_limit_exceeded", error_message="slow down"),
    )
    stream = await oai.responses.create(model="test-model", input="hi", stream=True)
    events = [e async for e in stream]
    assert isinstance(events[-1], ResponseIncompleteEvent)
    assert events[-1].response.status == "incomplete"
    assert events[-1].response.incomplete_details is not None
    assert events[-1].response.incomplete_details.reason == "max_output_tokens"

    stream = await oai.responses.create(model="test-model", input="hi", stream=True)
    events = [e async for e in stream]
    failed = events[-1]
    assert isinstance(failed, ResponseFailedEvent)
    assert failed.response.status == "failed"
    assert failed.response.error is not None
    assert (failed.response.error.code, failed.response.error.message) == (
        "server_error",
        "exploded",
    )
    assert sum(isinstance(e, ResponseTextDeltaEvent) for e in events) == 1

    stream = await oai.responses.create(model="test-model", input="hi", stream=True)
    events = [e async for e in stream]
    error = events[-1]
    assert isinstance(error, ResponseErrorEvent)
    assert (error.code, error.message) == ("rate_limit_exceeded", "slow down")


# --------------------------------------------------------------------------- Anthropic


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


# --------------------------------------------------------------------------- HTTP errors

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


# --------------------------------------------------------------------------- faults


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


# --------------------------------------------------------------------------- validation, auth


INVALID_CHAT: list[dict[str, Any]] = [
    {"messages": USER},
    {"model": "", "messages": USER},
    {"model": "m", "messages": []},
    {"model": "m", "messages": [{"role": "robot", "content": "hi"}]},
    {"model": "m", "messages": USER, "temperature": 2.5},
    {"model": "m", "messages": USER, "stream_options": {"include_usage": True}},
]
INVALID_RESPONSES: list[dict[str, Any]] = [
    {"model": "m", "input": []},
    {"model": "m", "input": "hi", "max_output_tokens": 8},
    {"model": "m", "input": [{"role": "assistant", "content": [{"type": "input_text"}]}]},
]
INVALID_MESSAGES: list[dict[str, Any]] = [
    {"model": "m", "messages": USER},
    {"model": "m", "max_tokens": 0, "messages": USER},
    {"model": "m", "max_tokens": 5, "messages": []},
    {"model": "m", "max_tokens": 5, "messages": [{"role": "system", "content": "x"}, *USER]},
    {"model": "m", "max_tokens": 5, "messages": [{"role": "user", "content": ""}]},
    {"model": "m", "max_tokens": 5, "messages": [{"role": "user", "content": []}]},
    {"model": "m", "max_tokens": 5, "messages": [{"role": "user", "content": [{"text": "x"}]}]},
    {"model": "m", "max_tokens": 5, "messages": [{"role": "assistant", "content": "x"}, *USER]},
    {"model": "m", "max_tokens": 5, "messages": USER, "temperature": 1.5},
]


@pytest.mark.parametrize(
    ("path", "body"),
    [("/v1/chat/completions", b) for b in INVALID_CHAT]
    + [("/v1/responses", b) for b in INVALID_RESPONSES]
    + [("/v1/messages", b) for b in INVALID_MESSAGES],
)
async def test_validation_rejects_like_the_real_api(
    wire_server: WireServer, path: str, body: dict[str, Any]
) -> None:
    wire_server.expect_invalid()
    async with raw_client() as client:
        resp = await client.post(wire_server.base_url + path, json=body)
    assert resp.status_code == 400
    data = resp.json()
    if path == "/v1/messages":
        assert data["type"] == "error"
        assert data["error"]["type"] == "invalid_request_error"
    else:
        assert data["error"]["type"] == "invalid_request_error"
        assert set(data["error"]) == {"message", "type", "param", "code"}
    assert len(wire_server.validation_errors) >= 1
    assert wire_server.validation_errors[0].startswith(path)
    assert wire_server.pending == 0 and wire_server.generation_requests[0].reply is None


async def test_validation_through_sdks(
    wire_server: WireServer, oai: openai.AsyncOpenAI, claude: anthropic.AsyncAnthropic
) -> None:
    wire_server.expect_invalid()
    with pytest.raises(anthropic.BadRequestError, match="top-level `system`"):
        await claude.messages.create(
            model="test-model",
            max_tokens=5,
            messages=[{"role": "system", "content": "be brief"}, *USER],
        )
    with pytest.raises(openai.BadRequestError):
        await oai.chat.completions.create(model="test-model", messages=[])
    assert len(wire_server.validation_errors) == 2


async def test_valid_requests_pass(wire_server: WireServer) -> None:
    bodies = [
        ("/v1/messages", {"model": "m", "max_tokens": 5, "system": "s", "messages": USER}),
        (
            "/v1/messages",
            {
                "model": "m",
                "max_tokens": 2048,
                "thinking": {"type": "enabled", "budget_tokens": 1024},
                "messages": [*USER, {"role": "assistant", "content": ""}],
                "metadata": {"user_id": "u"},
            },
        ),
        (
            "/v1/chat/completions",
            {"model": "m", "messages": [{"role": "developer", "content": ""}]},
        ),
        ("/v1/responses", {"model": "m", "input": USER, "instructions": "x"}),
    ]
    async with raw_client() as client:
        for path, body in bodies:
            resp = await client.post(wire_server.base_url + path, json=body)
            assert resp.status_code == 200, resp.text


async def test_api_key_and_known_models(wire_server: WireServer) -> None:
    wire_server.api_key = "secret"
    wire_server.known_models = {"good-model"}
    bad_oai, good_oai = make_oai(wire_server, "wrong"), make_oai(wire_server, "secret")
    bad_claude, good_claude = make_claude(wire_server, "wrong"), make_claude(wire_server, "secret")
    try:
        with pytest.raises(openai.AuthenticationError) as oai_info:
            await bad_oai.chat.completions.create(model="good-model", messages=USER)
        assert oai_info.value.code == "invalid_api_key"
        with pytest.raises(anthropic.AuthenticationError) as claude_info:
            await bad_claude.messages.create(model="good-model", max_tokens=5, messages=USER)
        assert isinstance(claude_info.value.body, dict)
        assert claude_info.value.body["error"]["type"] == "authentication_error"
        with pytest.raises(openai.AuthenticationError):
            await bad_oai.models.list()

        with pytest.raises(openai.NotFoundError) as nf:
            await good_oai.chat.completions.create(model="nope", messages=USER)
        assert nf.value.code == "model_not_found"
        with pytest.raises(anthropic.NotFoundError) as anf:
            await good_claude.messages.create(model="nope", max_tokens=5, messages=USER)
        assert isinstance(anf.value.body, dict)
        assert anf.value.body["error"]["type"] == "not_found_error"

        completion = await good_oai.chat.completions.create(model="good-model", messages=USER)
        assert completion.choices[0].message.content == "Hello world"
        message = await good_claude.messages.create(model="good-model", max_tokens=5, messages=USER)
        assert message.content[0].type == "text"
    finally:
        for client in (bad_oai, good_oai, bad_claude, good_claude):
            await client.close()


async def test_models_in_both_formats(
    wire_server: WireServer, oai: openai.AsyncOpenAI, claude: anthropic.AsyncAnthropic
) -> None:
    wire_server.models = ["alpha", "beta"]
    oai_models = [m async for m in oai.models.list()]
    assert [(m.id, m.object) for m in oai_models] == [("alpha", "model"), ("beta", "model")]
    claude_models = [m async for m in claude.models.list()]
    assert [(m.id, m.type) for m in claude_models] == [("alpha", "model"), ("beta", "model")]
    assert claude_models[0].display_name == "Alpha"
    async with raw_client() as client:
        raw = (await client.get(wire_server.base_url + "/v1/models")).json()
        assert raw["object"] == "list"
        raw = (
            await client.get(
                wire_server.base_url + "/v1/models", headers={"anthropic-version": "2023-06-01"}
            )
        ).json()
        assert (raw["has_more"], raw["first_id"], raw["last_id"]) == (False, "alpha", "beta")


# --------------------------------------------------------------------------- queue, pacing


async def test_queue_then_default_reply(wire_server: WireServer, oai: openai.AsyncOpenAI) -> None:
    wire_server.default_reply = Reply(pieces=["default"])
    wire_server.enqueue(Reply(pieces=["first"]), Reply(pieces=["second"]))
    texts = [chat_text(await chat_stream(oai)) for _ in range(3)]
    assert texts == ["first", "second", "default"]
    assert wire_server.pending == 0
    assert [r.reply.pieces for r in wire_server.generation_requests if r.reply] == [
        ["first"],
        ["second"],
        ["default"],
    ]


@pytest.mark.timing
async def test_pacing_is_accurate(wire_server: WireServer, oai: openai.AsyncOpenAI) -> None:
    wire_server.enqueue(Reply(pieces=["t"] * 200, interval=0.001))
    stream = await oai.chat.completions.create(model="test-model", messages=USER, stream=True)
    stamps = [time.monotonic() async for c in stream if c.choices and c.choices[0].delta.content]
    assert len(stamps) == 200
    assert 0.18 < stamps[-1] - stamps[0] < 0.30


@pytest.mark.timing
async def test_fast_long_stream_keeps_schedule(wire_server: WireServer) -> None:
    client = make_oai(wire_server)  # not strict: measure the SDK's ordinary parsing
    wire_server.enqueue(Reply(pieces=["tok "] * 3000, interval=1 / 3000))
    stream = await client.chat.completions.create(model="test-model", messages=USER, stream=True)
    stamps = [time.monotonic() async for c in stream if c.choices and c.choices[0].delta.content]
    await client.close()
    assert len(stamps) == 3000
    # timed at the server (a busy client parses late, and that is not the server's drift): the
    # schedule is absolute, so sleeping 3,000 times does not add up beyond the planned second
    sent = wire_server.generation_requests[-1]
    assert sent.finished_at is not None
    assert 0.95 < sent.finished_at - sent.received_at < 1.5


@pytest.mark.timing
async def test_large_reply_is_quick(wire_server: WireServer) -> None:
    text = "".join(f"word{i} " for i in range(30_000))[:200_000]
    wire_server.enqueue(Reply.from_text(text, size=64))
    started = time.monotonic()
    async with raw_client() as client:
        body = {"model": "m", "max_tokens": 5, "messages": USER, "stream": True}
        resp = await client.post(wire_server.base_url + "/v1/messages", json=body)
    got = "".join(
        json.loads(line[6:])["delta"]["text"]
        for line in resp.text.split("\n")
        if line.startswith('data: {"type":"content_block_delta"')
    )
    assert got == text
    assert time.monotonic() - started < 2.0


# --------------------------------------------------------------------------- lifecycle


@pytest.mark.timing
def test_stop_is_prompt_while_stalling() -> None:
    server = WireServer().start()
    server.enqueue(Reply(stall_after=0))
    outcome: list[str] = []

    def client() -> None:
        body = {"model": "m", "messages": USER, "stream": True}
        try:
            with httpx2.Client(timeout=10, verify=TLS) as http:
                resp = http.post(server.base_url + "/v1/chat/completions", json=body)
                outcome.append(f"status {resp.status_code}")
        except httpx2.HTTPError as exc:
            outcome.append(type(exc).__name__)

    thread = threading.Thread(target=client)
    thread.start()
    assert server.wait_for_requests(1, timeout=2)
    time.sleep(0.1)
    started = time.monotonic()
    server.stop()
    assert time.monotonic() - started < 1.0
    thread.join(timeout=2)
    assert not thread.is_alive() and outcome
    assert server.disconnects == 0  # stopping is not a client hang-up


def test_sync_client_and_subprocess(wire_server: WireServer) -> None:
    with openai.OpenAI(base_url=wire_server.base_url + "/v1", api_key="k", max_retries=0) as oai:
        stream = oai.chat.completions.create(model="test-model", messages=USER, stream=True)
        assert "".join(c.choices[0].delta.content or "" for c in stream) == "Hello world"
    code = (
        "import json, sys, urllib.request\n"
        "with urllib.request.urlopen(sys.argv[1] + '/v1/models') as r:\n"
        "    print(json.load(r)['data'][0]['id'])\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, wire_server.base_url],
        capture_output=True,
        text=True,
        timeout=10,
        check=True,
    )
    assert out.stdout.strip() == "test-model"
