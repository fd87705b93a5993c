"""The full-screen app against a real llama-server when a reply fails: a wrong API key is named,
and a conversation holding a failed reply resumes with the right history."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import (
    ANTHROPIC,
    E2E,
    KEY_ENV,
    MODEL,
    OPENAI,
    PATHS,
    PROTOCOLS,
    SYSTEM_PROMPT,
    assert_chain,
    pick_model,
    send,
    sent_key,
    sent_messages,
)
from tests.e2e.llama_server import API_KEY
from tests.e2e.recording_proxy import RecordingProxy
from tests.pilot import chat, notices, replies, screen_text, wait_until


@pytest.mark.parametrize("provider", PROTOCOLS)
async def test_wrong_key_names_the_variable(
    e2e: E2E, proxy: RecordingProxy, monkeypatch: pytest.MonkeyPatch, provider: str
) -> None:
    monkeypatch.setenv(KEY_ENV, "not-the-right-key")
    app = e2e.make_app(provider)
    async with app.run_test(size=(120, 30)) as pilot:
        await send(pilot, "Hello?")
        session = chat(app).session
        assert session is not None
        assert session.turns[-1].status == "error"
        (notice,) = notices(app)
        assert "rejected the API key" in notice and KEY_ENV in notice, notice
        assert provider in notice
        assert "not-the-right-key" not in screen_text(app)
        assert KEY_ENV in screen_text(app)
        assert "ctrl+r" not in notice  # retrying cannot help

    (request,) = proxy.generations()
    assert request.status == 401 and sent_key(request) == "not-the-right-key"
    user, assistant = e2e.only_transcript()
    assert (user.role, user.status) == ("user", "complete")
    assert (assistant.role, assistant.status, assistant.content) == ("assistant", "error", "")
    assert assistant.error is not None and KEY_ENV in assistant.error
    assert (assistant.provider, assistant.model) == (provider, MODEL)
    assert_chain((user, assistant))


async def test_transcript_with_error_is_resumed_with_the_right_history(
    e2e: E2E, proxy: RecordingProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A conversation holding a failed reply, saved and reopened: the store keeps every
    message in order with its model and status, and the reopened conversation sends only
    what a model should see (failed replies left out; consecutive user turns merged for
    Anthropic)."""
    app = e2e.make_app(OPENAI)
    async with app.run_test(size=(100, 40)) as pilot:
        await send(pilot, "Name a colour.")
        monkeypatch.setenv(KEY_ENV, "wrong-key")  # the Anthropic client is built with it
        await pick_model(pilot, "claude", f"{ANTHROPIC}/{MODEL}")
        await send(pilot, "Name a fruit.")
        monkeypatch.setenv(KEY_ENV, API_KEY)
        await pick_model(pilot, "llama/", f"{OPENAI}/{MODEL}")
        await send(pilot, "Name an animal.")
        session = chat(app).session
        assert session is not None and session.conversation_id is not None
        conversation_id = session.conversation_id
        first = [(t.role.value, t.status, t.provider) for t in session.turns]
    assert first == [
        ("user", "complete", None),
        ("assistant", "complete", OPENAI),
        ("user", "complete", None),
        ("assistant", "error", ANTHROPIC),
        ("user", "complete", None),
        ("assistant", "complete", OPENAI),
    ]
    saved = e2e.only_transcript()
    assert [(m.role, m.status, m.provider, m.model) for m in saved] == [
        ("user", "complete", None, None),
        ("assistant", "complete", OPENAI, MODEL),
        ("user", "complete", None, None),
        ("assistant", "error", ANTHROPIC, MODEL),
        ("user", "complete", None, None),
        ("assistant", "complete", OPENAI, MODEL),
    ]
    assert [m.content for m in saved[::2]] == ["Name a colour.", "Name a fruit.", "Name an animal."]
    assert saved[3].content == "" and saved[3].error and KEY_ENV in saved[3].error
    assert_chain(saved)
    assert sent_messages(proxy.generations()[-1]) == [
        ("system", SYSTEM_PROMPT),
        ("user", "Name a colour."),
        ("assistant", saved[1].content),
        ("user", "Name a fruit."),
        ("user", "Name an animal."),
    ]

    proxy.reset()
    resumed = e2e.make_app(ANTHROPIC, resume_id=conversation_id)
    async with resumed.run_test(size=(100, 40)) as pilot:
        await wait_until(pilot, lambda: chat(resumed).opening is None, "it to open")
        session = chat(resumed).session
        assert session is not None
        assert [t.id for t in session.turns] == [m.id for m in saved]
        assert [e.text for e in replies(resumed)] == [saved[1].content, "", saved[5].content]
        # reopening goes on with the model that wrote the last reply; switch to Anthropic
        assert session.model.provider == OPENAI
        await pick_model(pilot, "claude", f"{ANTHROPIC}/{MODEL}")
        await send(pilot, "Which colour did you name?")
        assert session.turns[-1].status == "complete", notices(resumed)

    (request,) = proxy.generations()
    assert request.path == PATHS[ANTHROPIC] and request.status == 200
    assert sent_messages(request) == [
        ("system", SYSTEM_PROMPT),
        ("user", "Name a colour."),
        ("assistant", saved[1].content),
        ("user", "Name a fruit.\n\nName an animal."),
        ("assistant", saved[5].content),
        ("user", "Which colour did you name?"),
    ]
    later = e2e.only_transcript()
    assert later[:6] == saved
    assert [(m.role, m.status, m.provider) for m in later[6:]] == [
        ("user", "complete", None),
        ("assistant", "complete", ANTHROPIC),
    ]
    assert_chain(later)
