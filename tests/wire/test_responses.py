"""The wire server's Responses API events, read by the real openai SDK and raw httpx2."""

from __future__ import annotations

import json

import openai
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

from tests.wire.clients import (
    USER,
    raw_client,
)
from tests.wireserver import Reply, WireServer


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
