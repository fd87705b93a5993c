"""Every event type through the real SDKs, and the request each protocol puts on the wire."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from chatui.core import Finished, ReasoningDelta, TextDelta, Usage, UsageReport
from chatui.providers import Provider
from tests.providers.conftest import collect, request
from tests.wireserver import Reply, WireServer

NATURAL_STOP = {"chat": "stop", "responses": "completed", "anthropic": "end_turn"}
TRUNCATED = {"chat": "length", "responses": "max_output_tokens", "anthropic": "max_tokens"}


def text_of(events: Sequence[object]) -> str:
    return "".join(e.text for e in events if isinstance(e, TextDelta))


async def test_text_usage_and_finish(
    wire_server: WireServer, make_provider: Callable[..., Provider], protocol: str
) -> None:
    wire_server.enqueue(Reply(pieces=["Hel", "lo", " there"], input_tokens=7, output_tokens=3))
    events = await collect(make_provider(protocol), request("hi"))
    assert text_of(events) == "Hello there"
    assert [e for e in events if isinstance(e, UsageReport)] == [UsageReport(Usage(7, 3))]
    assert events[-1] == Finished(NATURAL_STOP[protocol])


async def test_reasoning_streams_before_text(
    wire_server: WireServer, make_provider: Callable[..., Provider], protocol: str
) -> None:
    wire_server.enqueue(Reply(reasoning=["Let me ", "think."], pieces=["42"]))
    events = await collect(make_provider(protocol), request("answer?"))
    kinds = [type(e) for e in events if isinstance(e, TextDelta | ReasoningDelta)]
    assert kinds == [ReasoningDelta, ReasoningDelta, TextDelta]
    assert "".join(e.text for e in events if isinstance(e, ReasoningDelta)) == "Let me think."


async def test_stop_reason_is_the_providers_own(
    wire_server: WireServer, make_provider: Callable[..., Provider], protocol: str
) -> None:
    wire_server.enqueue(Reply(pieces=["cut"], stop_reason=TRUNCATED[protocol]))
    events = await collect(make_provider(protocol), request("long please", max_tokens=16))
    assert events[-1] == Finished(TRUNCATED[protocol])


async def test_request_shape_on_the_wire(
    wire_server: WireServer, make_provider: Callable[..., Provider], protocol: str
) -> None:
    req = request("first", "", "second", system="be brief", max_tokens=99, temperature=0.5)
    await collect(make_provider(protocol), req)
    body = wire_server.requests[-1].body
    assert body["model"] == "test-model" and body["stream"] is True
    assert body["temperature"] == 0.5
    if protocol == "anthropic":
        assert body["system"] == "be brief" and body["max_tokens"] == 99
        # the empty assistant turn is dropped and the two user turns merged
        assert body["messages"] == [{"role": "user", "content": "first\n\nsecond"}]
    elif protocol == "chat":
        assert body["max_tokens"] == 99
        assert body["stream_options"] == {"include_usage": True}
        assert [m["role"] for m in body["messages"]] == ["system", "user", "user"]
    else:
        assert body["instructions"] == "be brief" and body["max_output_tokens"] == 99
        assert [item["content"] for item in body["input"]] == ["first", "second"]


async def test_compatible_server_quirks_are_tolerated(
    wire_server: WireServer, make_provider: Callable[..., Provider]
) -> None:
    quirky = Reply(
        pieces=["a", "b"],
        reasoning=["r"],
        omit_usage=True,
        omit_finish_reason=True,
        sse_comments=True,
        extra_fields=True,
    )
    wire_server.enqueue(quirky)
    events = await collect(make_provider("chat"), request("hi"))
    assert text_of(events) == "ab"
    assert ReasoningDelta("r") in events
    assert not any(isinstance(e, UsageReport) for e in events)
    assert events[-1] == Finished(None)


async def test_reasoning_field_variant(
    wire_server: WireServer, make_provider: Callable[..., Provider]
) -> None:
    wire_server.enqueue(Reply(reasoning=["hmm"], pieces=["ok"], reasoning_field="reasoning"))
    events = await collect(make_provider("chat"), request("hi"))
    assert ReasoningDelta("hmm") in events


async def test_empty_reply_finishes_cleanly(
    wire_server: WireServer, make_provider: Callable[..., Provider], protocol: str
) -> None:
    wire_server.enqueue(Reply(empty=True))
    events = await collect(make_provider(protocol), request("say nothing"))
    assert text_of(events) == ""
    assert isinstance(events[-1], Finished)


async def test_list_models(
    wire_server: WireServer, make_provider: Callable[..., Provider], protocol: str
) -> None:
    provider = make_provider(protocol, models=("configured-model",))
    models = await provider.list_models()
    assert models[0] == "configured-model"
    assert {"test-model", "test-model-large"} <= set(models)
    assert wire_server.requests[-1].path == "/v1/models"


async def test_anthropic_cached_prompt_tokens_count_as_input(
    wire_server: WireServer, make_provider: Callable[..., Provider]
) -> None:
    wire_server.enqueue(Reply(pieces=["hi"], input_tokens=1, cached_input_tokens=29))
    events = await collect(make_provider("anthropic"), request("again"))
    (report,) = [e for e in events if isinstance(e, UsageReport)]
    assert report.usage.input_tokens == 30
