"""What real servers send differently from the specifications, each read right (issue 15)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import cast

import pytest

from chatui.core import (
    BadRequest,
    ChatError,
    ContextOverflow,
    Finished,
    MalformedStream,
    ReasoningDelta,
    ServerError,
    TextDelta,
    Usage,
    UsageReport,
)
from chatui.providers import Provider
from tests.providers.conftest import collect, request
from tests.providers.test_streaming import text_of
from tests.wireserver import Reply, WireServer

REFUSAL = ["I'm sorry, ", "I can't help ", "with that."]


def reasoning_of(events: Sequence[object]) -> str:
    return "".join(e.text for e in events if isinstance(e, ReasoningDelta))


@pytest.mark.parametrize(
    ("protocol", "reply"),
    [
        ("chat", Reply(pieces=REFUSAL, refusal=True)),  # delta.refusal, content null
        ("responses", Reply(pieces=REFUSAL, refusal=True)),  # response.refusal.delta
        ("anthropic", Reply(pieces=REFUSAL, stop_reason="refusal")),
    ],
)
async def test_a_refusal_is_the_replys_text_with_stop_reason_refusal(
    wire_server: WireServer, make_provider: Callable[..., Provider], protocol: str, reply: Reply
) -> None:
    wire_server.enqueue(reply)
    events = await collect(make_provider(protocol), request("hi"))
    assert text_of(events) == "".join(REFUSAL)
    assert events[-1] == Finished("refusal")


async def test_a_stop_reason_on_every_chunk_ends_nothing_early(
    wire_server: WireServer, make_provider: Callable[..., Provider]
) -> None:
    # Gemini's OpenAI-compatible proxies send `finish_reason: "stop"` with every chunk
    wire_server.enqueue(Reply(pieces=["one ", "two ", "three"], finish_every_chunk=True))
    events = await collect(make_provider("chat"), request("count"))
    assert text_of(events) == "one two three"
    assert events[-1] == Finished("stop")


async def test_chat_content_as_a_list_of_thinking_and_text_parts(
    wire_server: WireServer, make_provider: Callable[..., Provider]
) -> None:
    # the last thinking part and the first text part come in one chunk, as Mistral sends them
    wire_server.enqueue(
        Reply(reasoning=["17 * 23 ", "is 391."], pieces=["3", "91"], content_parts=True)
    )
    events = await collect(make_provider("chat"), request("17 * 23?"))
    assert text_of(events) == "391"
    assert reasoning_of(events) == "17 * 23 is 391."


async def test_responses_raw_reasoning_text_is_reasoning(
    wire_server: WireServer, make_provider: Callable[..., Provider]
) -> None:
    wire_server.enqueue(
        Reply(reasoning=["We need ", "Paris."], pieces=["Paris"], raw_reasoning=True)
    )
    events = await collect(make_provider("responses"), request("capital of France?"))
    assert reasoning_of(events) == "We need Paris."
    assert text_of(events) == "Paris"


async def test_groq_usage_under_x_groq_is_kept(
    wire_server: WireServer, make_provider: Callable[..., Provider]
) -> None:
    wire_server.enqueue(Reply(pieces=["ok"], input_tokens=41, output_tokens=9, groq_usage=True))
    events = await collect(make_provider("chat"), request("hi"))
    assert [e for e in events if isinstance(e, UsageReport)] == [UsageReport(Usage(41, 9))]


@pytest.mark.parametrize(
    ("code", "message", "expected"),
    [
        (400, "Token limit reached", BadRequest),
        ("400", "Invalid request", BadRequest),
        (502, "Upstream failed", ServerError),
        (400, "This model's maximum context length is 8192 tokens", ContextOverflow),
    ],
)
@pytest.mark.parametrize("protocol", ["chat", "responses"])
async def test_an_error_event_with_a_numeric_code_is_read_as_that_status(
    wire_server: WireServer,
    make_provider: Callable[..., Provider],
    protocol: str,
    code: int | str,
    message: str,
    expected: type[ChatError],
) -> None:
    error = {"code": code, "message": message}  # OpenRouter: no `type`
    body = {"error": error} if protocol == "chat" else {"type": "error", **error}
    wire_server.enqueue(Reply(pieces=["a", "b"], error_event_after=1, error_body=body))
    seen: list[object] = []
    with pytest.raises(ChatError) as info:
        async for event in make_provider(protocol).stream(request("hi")):
            seen.append(event)
    assert type(info.value) is expected
    assert message in info.value.message
    assert info.value.retryable is (expected is ServerError)
    assert text_of(seen) == "a"


@pytest.mark.parametrize(
    ("protocol", "stop"),
    [("chat", "content_filter"), ("responses", "content_filter"), ("anthropic", "refusal")],
)
async def test_a_content_filter_stop_keeps_what_arrived(
    wire_server: WireServer, make_provider: Callable[..., Provider], protocol: str, stop: str
) -> None:
    wire_server.enqueue(Reply(pieces=["Some ", "text"], stop_reason="content_filter"))
    events = await collect(make_provider(protocol), request("hi"))
    assert text_of(events) == "Some text"
    assert events[-1] == Finished(stop)


@pytest.mark.parametrize(("sent", "read"), [("eos_token_guarded", "eos_token_guarded"), (7, "7")])
@pytest.mark.parametrize("protocol", ["chat", "anthropic"])
async def test_an_unknown_stop_reason_is_passed_on_as_text(
    wire_server: WireServer,
    make_provider: Callable[..., Provider],
    protocol: str,
    sent: object,
    read: str,
) -> None:
    wire_server.enqueue(Reply(pieces=["ok"], stop_reason=cast(str, sent)))  # 7: not even text
    events = await collect(make_provider(protocol), request("hi"))
    assert text_of(events) == "ok"
    assert events[-1] == Finished(read)


@pytest.mark.parametrize("protocol", ["chat", "responses"])
async def test_azures_prompt_filter_is_told_as_the_content_filter(
    wire_server: WireServer, make_provider: Callable[..., Provider], protocol: str
) -> None:
    error = {
        "message": "The response was filtered due to the prompt triggering the content policy.",
        "type": None,
        "param": "prompt",
        "code": "content_filter",
        "status": 400,
        "innererror": {"code": "ResponsibleAIPolicyViolation"},
    }
    wire_server.enqueue(Reply(status=400, error_body={"error": error}))
    with pytest.raises(BadRequest) as info:
        await collect(make_provider(protocol), request("hi"))
    assert info.value.message.startswith("Stopped by the provider's content filter")
    assert "prompt triggering" in info.value.message and not info.value.retryable


@pytest.mark.parametrize("protocol", ["responses", "anthropic"])
async def test_a_number_where_text_belongs_is_a_malformed_stream(
    wire_server: WireServer, make_provider: Callable[..., Provider], protocol: str
) -> None:
    # `"delta": 5` (`"text": 5`) would have read as the text "5": a silently wrong answer
    wire_server.enqueue(Reply(pieces=["ok ", "@NUMBER@"], raw_bytes={'"@NUMBER@"': b"5"}))
    seen: list[str] = []
    with pytest.raises(MalformedStream):
        async for event in make_provider(protocol).stream(request("hi")):
            if isinstance(event, TextDelta):
                seen.append(event.text)
    assert seen == ["ok "]
