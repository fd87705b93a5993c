"""The wire server's Chat Completions stream, read by the real openai SDK and raw httpx2."""

from __future__ import annotations

import json

import openai
import pytest
from openai.types.chat import ChatCompletionChunk

from tests.wire.clients import (
    USER,
    chat_stream,
    chat_text,
    raw_client,
)
from tests.wireserver import Reply, WireServer


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
    assert wire_server.wait_until_sent(req) and not req.client_disconnected


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
