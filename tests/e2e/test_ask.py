"""`chatui ask` as a subprocess against a real llama-server, over both protocols."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import (
    ANTHROPIC,
    E2E,
    KEY_ENV,
    MAX_TOKENS,
    MODEL,
    OPENAI,
    PROTOCOLS,
    sent_key,
)
from tests.e2e.llama_server import API_KEY
from tests.e2e.recording_proxy import RecordingProxy

PROMPT = "Tell me a fact about the Moon."


@pytest.mark.parametrize("provider", PROTOCOLS)
def test_ask_streams_to_stdout_and_saves(e2e: E2E, proxy: RecordingProxy, provider: str) -> None:
    result = e2e.chatui("ask", "-m", f"{provider}/{MODEL}", PROMPT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() and result.stdout.endswith("\n")
    (request,) = proxy.generations()
    assert request.status == 200 and request.finished
    assert request.json["temperature"] == 0 and request.json["max_tokens"] == MAX_TOKENS
    user, assistant = e2e.only_transcript()
    assert (user.role, user.content, user.status) == ("user", PROMPT, "complete")
    assert (assistant.role, assistant.status) == ("assistant", "complete")
    assert assistant.parent_id == user.id and user.parent_id is None
    assert (assistant.provider, assistant.model) == (provider, MODEL)
    assert result.stdout.rstrip("\n") == assistant.content.rstrip("\n")
    assert assistant.input_tokens and assistant.input_tokens > 0
    assert assistant.output_tokens and 0 < assistant.output_tokens <= MAX_TOKENS
    cut = assistant.output_tokens == MAX_TOKENS
    assert ("cut at" in result.stderr) == cut, result.stderr


@pytest.mark.parametrize("provider", PROTOCOLS)
def test_ask_says_when_the_reply_is_cut(e2e: E2E, proxy: RecordingProxy, provider: str) -> None:
    result = e2e.chatui("ask", "--max-tokens", "5", "-m", f"{provider}/{MODEL}", PROMPT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip()
    assert "the reply was cut at 5 tokens" in result.stderr
    (request,) = proxy.generations()
    assert request.json["max_tokens"] == 5
    (_, assistant) = e2e.only_transcript()
    assert (assistant.status, assistant.output_tokens) == ("complete", 5)


@pytest.mark.parametrize("provider", PROTOCOLS)
def test_ask_wrong_key_names_the_variable(e2e: E2E, proxy: RecordingProxy, provider: str) -> None:
    result = e2e.chatui("ask", "-m", f"{provider}/{MODEL}", "Hello?", key="wrong-key-value")
    assert result.returncode == 1
    assert result.stdout == ""
    assert "rejected the API key" in result.stderr and KEY_ENV in result.stderr, result.stderr
    assert "wrong-key-value" not in result.stderr and "Traceback" not in result.stderr
    (request,) = proxy.generations()
    assert request.status == 401
    (_, assistant) = e2e.only_transcript()
    assert assistant.status == "error" and assistant.error and KEY_ENV in assistant.error


def test_ask_without_a_key_names_the_variable(e2e: E2E, proxy: RecordingProxy) -> None:
    result = e2e.chatui("ask", "--no-save", "-m", f"{ANTHROPIC}/{MODEL}", "Hello?", key="")
    assert result.returncode == 1
    assert KEY_ENV in result.stderr and "Traceback" not in result.stderr, result.stderr
    assert proxy.generations() == []


def test_same_prompt_gives_the_same_reply_at_temperature_zero(
    e2e: E2E, proxy: RecordingProxy
) -> None:
    """Twice per protocol, one after another: four identical replies (both protocols render
    the same chat template for llama-server, so they agree too)."""
    outputs: dict[str, list[str]] = {}
    for provider in (OPENAI, ANTHROPIC, OPENAI, ANTHROPIC):
        result = e2e.chatui("ask", "--no-save", "-m", f"{provider}/{MODEL}", PROMPT)
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip()
        outputs.setdefault(provider, []).append(result.stdout)
    assert outputs[OPENAI][0] == outputs[OPENAI][1]
    assert outputs[ANTHROPIC][0] == outputs[ANTHROPIC][1]
    assert outputs[OPENAI][0] == outputs[ANTHROPIC][0]
    requests = proxy.generations()
    assert len(requests) == 4 and all(r.json["temperature"] == 0 for r in requests)
    assert {sent_key(r) for r in requests} == {API_KEY}
