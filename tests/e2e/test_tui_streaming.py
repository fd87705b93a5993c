"""The full-screen app through Pilot: replies stream from a real llama-server over both protocols,
across a switch of protocol, and stop on Escape."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from textual.pilot import Pilot

from chatui.core import GenerationOptions
from tests.e2e.conftest import (
    ANTHROPIC,
    E2E,
    MAX_TOKENS,
    MODEL,
    OPENAI,
    PATHS,
    PROTOCOLS,
    SYSTEM_PROMPT,
    assert_chain,
    enter_prompt,
    pick_model,
    send,
    sent_key,
    sent_messages,
)
from tests.e2e.llama_server import API_KEY, LlamaServer, wait_until
from tests.e2e.recording_proxy import RecordingProxy
from tests.pilot import WAIT, chat, notices, replies, screen_text, settle
from tests.pilot import wait_until as wait_in_frames


async def wait_in_app(
    pilot: Pilot[None], done: Callable[[], object], what: str, seconds: float
) -> None:
    """Wait while a reply streams: look at once and between frames, never for the app to idle."""
    await wait_in_frames(pilot, done, what, seconds, idle_first=False)


PROMPT = "Tell me a fact about the Moon."
LONG_PROMPT = "Write a long story about a dragon."


@pytest.mark.parametrize("provider", PROTOCOLS)
async def test_reply_streams_and_is_saved(e2e: E2E, proxy: RecordingProxy, provider: str) -> None:
    app = e2e.make_app(provider)
    async with app.run_test(size=(100, 40)) as pilot:
        await enter_prompt(pilot, PROMPT, typed=True)
        session = chat(app).session
        assert session is not None
        partial = ""

        def streaming_or_done() -> bool:
            nonlocal partial
            shown = replies(app)
            if session.busy and shown and shown[-1].text:
                partial = shown[-1].text
                return True
            return bool(session.turns) and not session.busy and session.stats is not None

        await wait_in_app(pilot, streaming_or_done, "the reply to start", WAIT)
        await settle(pilot)
        assert not session.busy
        reply = session.turns[-1]
        assert partial, "no partial reply was ever on screen: did it stream?"
        assert reply.content.startswith(partial) and len(partial) < len(reply.content)
        assert reply.status == "complete", notices(app)
        assert reply.content.strip() and reply.model_label == f"{provider}/{MODEL}"
        assert reply.usage is not None
        assert reply.usage.input_tokens > 0 and 0 < reply.usage.output_tokens <= MAX_TOKENS
        (shown,) = replies(app)
        assert shown.text == reply.content and shown.status == "complete"
        text = screen_text(app)
        assert f"{provider}/{MODEL}" in text
        assert re.findall(r"[A-Za-z]{3,}", reply.content)[0] in text
        status = chat(app).status.render().plain
        assert f"{provider}/{MODEL}" in status
        assert f"{reply.usage.input_tokens}→{reply.usage.output_tokens}" in status
        assert notices(app) == []

    (request,) = proxy.generations()
    assert request.path == PATHS[provider] and request.status == 200 and request.finished
    body = request.json
    assert body["model"] == MODEL and body["stream"] is True
    assert body["temperature"] == 0 and body["max_tokens"] == MAX_TOKENS
    assert sent_messages(request) == [
        ("system", SYSTEM_PROMPT),
        ("user", PROMPT),
    ]
    assert sent_key(request) == API_KEY

    user, assistant = e2e.only_transcript()
    assert (user.role, user.content, user.status) == ("user", PROMPT, "complete")
    assert (assistant.role, assistant.status, assistant.content) == (
        "assistant",
        "complete",
        reply.content,
    )
    assert (assistant.provider, assistant.model) == (provider, MODEL)
    assert (assistant.input_tokens, assistant.output_tokens) == (
        reply.usage.input_tokens,
        reply.usage.output_tokens,
    )
    assert assistant.ttft is not None and assistant.duration is not None
    assert 0 < assistant.ttft <= assistant.duration
    assert_chain((user, assistant))


async def test_switch_protocols_mid_conversation(e2e: E2E, proxy: RecordingProxy) -> None:
    """OpenAI, then Anthropic, then OpenAI again in one conversation, each request carrying
    the whole history; Ctrl+O, typing and Enter pick the model."""
    prompts = ["My name is Ada. Say hello to me.", "What is my name?", "Thank you!"]
    app = e2e.make_app(OPENAI)
    async with app.run_test(size=(100, 40)) as pilot:
        await send(pilot, prompts[0])
        await pick_model(pilot, "claude", f"{ANTHROPIC}/{MODEL}")
        await send(pilot, prompts[1])
        await pick_model(pilot, "llama/", f"{OPENAI}/{MODEL}")
        await send(pilot, prompts[2])
        session = chat(app).session
        assert session is not None
        turns = list(session.turns)
        assert [(t.role.value, t.status) for t in turns] == [
            ("user", "complete"),
            ("assistant", "complete"),
        ] * 3, notices(app)
        assert [t.provider for t in turns[1::2]] == [OPENAI, ANTHROPIC, OPENAI]
        assert all(t.content.strip() for t in turns)
        assert [e.model_label for e in replies(app)] == [
            f"{OPENAI}/{MODEL}",
            f"{ANTHROPIC}/{MODEL}",
            f"{OPENAI}/{MODEL}",
        ]
        assert notices(app) == []

    # what reached the server: every request carried the full history so far
    first, second, third = proxy.generations()
    assert [r.path for r in (first, second, third)] == [
        PATHS[OPENAI],
        PATHS[ANTHROPIC],
        PATHS[OPENAI],
    ]
    assert all(r.status == 200 and r.finished for r in (first, second, third))
    history = [("system", SYSTEM_PROMPT)] + [(t.role.value, t.content) for t in turns]
    assert sent_messages(first) == history[:2]
    assert sent_messages(second) == history[:4]
    assert sent_messages(third) == history[:6]

    # and what was saved: the same six messages on one linear branch, models recorded
    (transcript,) = e2e.transcripts()
    assert transcript.conversation.title == prompts[0]
    assert transcript.conversation.system_prompt == SYSTEM_PROMPT
    saved = transcript.messages
    assert [(m.role, m.content, m.status) for m in saved] == [
        (t.role.value, t.content, "complete") for t in turns
    ]
    assert [(m.provider, m.model) for m in saved] == [
        (None, None),
        (OPENAI, MODEL),
        (None, None),
        (ANTHROPIC, MODEL),
        (None, None),
        (OPENAI, MODEL),
    ]
    assert [m.id for m in saved] == [t.id for t in turns]
    assert_chain(saved)
    # the server counted the whole history as input (OpenAI reports cached tokens too)
    assert saved[5].input_tokens is not None and saved[1].input_tokens is not None
    assert saved[1].output_tokens and saved[3].output_tokens
    assert saved[5].input_tokens > (
        saved[1].input_tokens + saved[1].output_tokens + saved[3].output_tokens
    )


@pytest.mark.parametrize("provider", PROTOCOLS)
async def test_escape_stops_then_next_send_works(
    e2e: E2E, proxy: RecordingProxy, llama_server: LlamaServer, provider: str
) -> None:
    e2e.write_config(max_tokens=400)  # long enough to be stopped well before its end
    cancels_before = llama_server.log_text().count("cancel task")
    app = e2e.make_app(provider)
    async with app.run_test(size=(100, 40)) as pilot:
        await enter_prompt(pilot, LONG_PROMPT)
        await wait_in_app(pilot, lambda: bool(replies(app)) and len(replies(app)[-1].text) >= 60,
                          "the reply to start streaming", WAIT)  # fmt: skip
        await pilot.press("escape")
        await settle(pilot)
        session = chat(app).session
        assert session is not None and not session.busy
        stopped = session.turns[-1]
        assert stopped.status == "stopped" and len(stopped.content) >= 60
        (shown,) = replies(app)
        assert shown.status == "stopped" and shown.text == stopped.content
        assert "stopped" in screen_text(app)

        # the server saw the connection close mid-reply and cancelled the generation
        (request,) = proxy.generations()
        assert wait_until(lambda: request.hung_up, WAIT), "the client did not hang up"
        assert not request.finished
        assert wait_until(
            lambda: llama_server.log_text().count("cancel task") > cancels_before, WAIT
        ), "llama-server did not cancel the task"
        assert wait_until(llama_server.idle, WAIT), "llama-server is still generating"

        session.options = GenerationOptions(MAX_TOKENS, 0.0)  # keep the next reply short
        await send(pilot, "Thanks, that is enough.")
        after = session.turns[-1]
        assert after.status == "complete" and after.content.strip(), notices(app)
        assert [e.status for e in replies(app)] == ["stopped", "complete"]

    # the stopped reply is part of the history sent next
    _, again = proxy.generations()
    assert again.status == 200 and again.finished
    assert sent_messages(again) == [
        ("system", SYSTEM_PROMPT),
        ("user", LONG_PROMPT),
        ("assistant", stopped.content),
        ("user", "Thanks, that is enough."),
    ]
    saved = e2e.only_transcript()
    assert [(m.role, m.status) for m in saved] == [
        ("user", "complete"),
        ("assistant", "stopped"),
        ("user", "complete"),
        ("assistant", "complete"),
    ]
    assert saved[1].content == stopped.content and saved[3].content == after.content
    assert (saved[1].provider, saved[1].model) == (provider, MODEL)
    assert saved[1].output_tokens is None  # a stopped stream reports no usage
    assert_chain(saved)
