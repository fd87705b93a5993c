"""Every server's "too long for the model" becomes ContextOverflow with its numbers, through the
real SDKs over HTTP: before the stream (a 400) and inside it (an error event); never retried."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from chatui.core import BadRequest, ChatError, ContextOverflow, TextDelta
from chatui.providers import Provider
from tests.providers.conftest import request
from tests.wireserver import Reply, WireServer

# The shapes of design note section 3, written here (not copied from recordings).
LLAMA = {
    "error": {
        "code": 400,
        "type": "exceed_context_size_error",
        "message": "request (9031 tokens) exceeds the available context size (2048 tokens), "
        "try increasing it",
        "n_prompt_tokens": 9031,
        "n_ctx": 2048,
    }
}
OPENAI = {
    "error": {
        "type": "invalid_request_error",
        "code": "context_length_exceeded",
        "param": "messages",
        "message": "This model's maximum context length is 4097 tokens. However, you requested "
        "4120 tokens (3120 in the messages, 1000 in the completion).",
    }
}
ANTHROPIC = {
    "type": "error",
    "error": {
        "type": "invalid_request_error",
        "message": "prompt is too long: 208656 tokens > 200000 maximum",
    },
}
ANTHROPIC_OLDER = {
    "type": "error",
    "error": {
        "type": "invalid_request_error",
        "message": "input length and `max_tokens` exceed context limit: 189136 + 20000 > "
        "204648, decrease input length or `max_tokens` and try again",
    },
}
VLLM = {
    "error": {
        "type": "BadRequestError",
        "code": 400,
        "message": "This model's maximum context length is 8192 tokens. However, you requested "
        "8203 tokens (7691 in the messages, 512 in the completion).",
    }
}
VLLM_MAX_TOKENS = {
    "object": "error",
    "type": "BadRequestError",
    "code": 400,
    "message": "'max_tokens' or 'max_completion_tokens' is too large: 8000. This model's "
    "maximum context length is 4096 tokens and your request has 2778 input tokens",
}
OPENROUTER = {
    "error": {
        "code": 400,
        "message": "This endpoint's maximum context length is 32768 tokens. However, you "
        "requested about 42832 tokens (42832 of text input).",
    }
}
OLLAMA = {
    "error": "the prompt is longer than the context length currently available to the model; "
    "shorten it or raise num_ctx"
}
OPENAI_NO_NUMBERS = {
    "error": {
        "type": "invalid_request_error",
        "code": "context_length_exceeded",
        "message": "Your input exceeds the context window of this model.",
    }
}

BODIES: dict[str, tuple[dict[str, Any], int | None, int | None]] = {
    "llama-server": (LLAMA, 9031, 2048),
    "openai": (OPENAI, 4120, 4097),
    "anthropic": (ANTHROPIC, 208656, 200000),
    "anthropic-older": (ANTHROPIC_OLDER, 189136, 204648),
    "vllm": (VLLM, 8203, 8192),
    "vllm-max-tokens": (VLLM_MAX_TOKENS, 2778, 4096),
    "openrouter": (OPENROUTER, 42832, 32768),
    "ollama": (OLLAMA, None, None),
    "openai-no-numbers": (OPENAI_NO_NUMBERS, None, None),
}


async def failure(provider: Provider) -> tuple[list[str], ChatError]:
    """The text that arrived before the request failed, and the error."""
    seen: list[str] = []
    with pytest.raises(ChatError) as info:
        async for event in provider.stream(request("hi")):
            if isinstance(event, TextDelta):
                seen.append(event.text)
    return seen, info.value


def assert_overflow(error: ChatError, prompt: int | None, window: int | None) -> None:
    assert type(error) is ContextOverflow, error
    assert (error.prompt_tokens, error.window) == (prompt, window)
    assert not error.retryable and "pick a model with a bigger window" in error.message
    if prompt is not None:
        assert f"{prompt:,} tokens" in error.message
    if window is not None:
        assert f"the window is {window:,}" in error.message


@pytest.mark.parametrize("server", sorted(BODIES))
async def test_a_rejection_before_the_stream_is_an_overflow_with_its_numbers(
    wire_server: WireServer, make_provider: Callable[..., Provider], protocol: str, server: str
) -> None:
    body, prompt, window = BODIES[server]
    wire_server.enqueue(Reply(status=400, error_body=body))
    _, error = await failure(make_provider(protocol))
    assert_overflow(error, prompt, window)


# the error event of each protocol, carrying another server's error object
IN_STREAM: dict[str, dict[str, Any]] = {
    "chat": {"error": OPENAI["error"]},
    "responses": {
        "type": "error",
        "code": "context_length_exceeded",
        "message": OPENAI_NO_NUMBERS["error"]["message"],
        "param": "input",
    },
    "anthropic": ANTHROPIC,
}
IN_STREAM_NUMBERS = {
    "chat": (4120, 4097),
    "responses": (None, None),
    "anthropic": (208656, 200000),
}


async def test_an_error_event_inside_the_stream_is_an_overflow(
    wire_server: WireServer, make_provider: Callable[..., Provider], protocol: str
) -> None:
    wire_server.enqueue(
        Reply(pieces=["a", "b"], error_event_after=1, error_body=IN_STREAM[protocol])
    )
    seen, error = await failure(make_provider(protocol))
    assert seen == ["a"]
    assert_overflow(error, *IN_STREAM_NUMBERS[protocol])


async def test_a_responses_error_event_with_the_error_object_nested(
    wire_server: WireServer, make_provider: Callable[..., Provider]
) -> None:
    nested = {"type": "error", "error": {**OPENAI["error"], "param": "input"}}
    wire_server.enqueue(Reply(pieces=["a", "b"], error_event_after=0, error_body=nested))
    _, error = await failure(make_provider("responses"))
    assert_overflow(error, 4120, 4097)


async def test_an_overflow_is_not_retried(
    wire_server: WireServer, make_provider: Callable[..., Provider], protocol: str
) -> None:
    wire_server.enqueue(Reply(status=400, error_body=LLAMA), Reply(pieces=["never"]))
    _, error = await failure(make_provider(protocol, max_retries=3))
    assert isinstance(error, ContextOverflow)
    assert len(wire_server.generation_requests) == 1


@pytest.mark.parametrize(
    "message",
    [
        "Invalid value for 'temperature': must be between 0 and 2.",
        "messages: roles must alternate between user and assistant",
        "Request exceeds the maximum allowed number of bytes.",
    ],
)
async def test_other_rejections_stay_bad_requests(
    wire_server: WireServer, make_provider: Callable[..., Provider], protocol: str, message: str
) -> None:
    wire_server.enqueue(Reply(status=400, error_message=message))
    _, error = await failure(make_provider(protocol))
    assert type(error) is BadRequest
    assert message in error.message


async def test_a_server_error_that_mentions_the_context_stays_a_server_error(
    wire_server: WireServer, make_provider: Callable[..., Provider], protocol: str
) -> None:
    wire_server.enqueue(Reply(status=500, error_message="failed to allocate the context size"))
    _, error = await failure(make_provider(protocol))
    assert not isinstance(error, BadRequest) and error.retryable
