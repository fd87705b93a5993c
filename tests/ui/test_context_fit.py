"""A conversation against the model's window in the TUI: the meter, and the choice when the
next request won't fit (send what fits, another model, back to editing), also after a server
rejected a request the estimate let through."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from chatui.core import ModelRef, Source
from chatui.services.context.fitting import Overflow
from chatui.ui.app import ChatApp
from chatui.ui.context.overflow_choice import OverflowChoice
from chatui.ui.screens.picker import ModelPicker
from tests.pilot import chat, notices, press, run_from_palette, session_of, settle, wait_until
from tests.transcripts import seed
from tests.ui.conftest import AppFactory
from tests.wireserver import Reply, WireServer

WORDS = "the quick brown fox jumps over the lazy dog " * 40  # ~360 tokens
LLAMA_TOO_LONG = {
    "error": {
        "code": 400,
        "type": "exceed_context_size_error",
        "message": "request (9000 tokens) exceeds the available context size (2048 tokens)",
        "n_prompt_tokens": 9000,
        "n_ctx": 2048,
    }
}


@pytest.fixture
def small_models(app_env: Path) -> None:
    """Beside test-model (16k): `tiny` (a 2k window) and `mystery` (a window nobody says)."""
    config = app_env / "config.toml"
    text = config.read_text().replace(
        'models = { "test-model" = { context = 16384 } }',
        'models = { "test-model" = { context = 16384 }, "tiny" = { context = 2048 }, '
        '"mystery" = {} }',
    )
    config.write_text(text)


def long_conversation() -> str:
    """Ten questions and answers of ~360 tokens each: ~7k tokens, made on test-model."""
    return seed("Long", [(f"question {n}", f"{n} {WORDS}") for n in range(10)])


TINY = ModelRef("oai", "tiny")


async def asked(pilot: Pilot[None], text: str) -> None:
    """Settled, the conversation on `tiny`, `text` sent: the choice is up, nothing sent yet."""
    await settle(pilot)
    session_of(pilot.app).model = TINY  # (the conversation's own model is test-model)
    await press(pilot, *text, "enter")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, OverflowChoice), "the choice")


def meter(app: ChatApp) -> str:
    text = chat(app).status.render().plain
    return text[text.index("ctx ") :].split("  ")[0]


async def test_the_meter_counts_the_draft_and_warns_near_the_window(
    make_app: AppFactory, small_models: None
) -> None:
    app = make_app("oai/tiny")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        empty = meter(app)
        assert empty.startswith("ctx ~") and empty.endswith("/2k"), empty
        chat(app).prompt.insert(WORDS * 3)  # ~1.1k tokens: over 80% of 2k? not yet
        await pilot.pause()
        assert "won't fit" not in meter(app)
        chat(app).prompt.insert(WORDS * 2)  # ~1.8k: past the room left for the reply
        await pilot.pause()
        assert meter(app).endswith("/2k won't fit"), meter(app)
        assert chat(app).status.budget() is not None
        assert chat(app).status.budget().warning  # type: ignore[union-attr]


async def test_a_long_conversation_switched_to_a_small_model_sends_what_fits(
    make_app: AppFactory, wire_server: WireServer, small_models: None
) -> None:
    app = make_app("oai/tiny", resume_id=long_conversation())
    async with app.run_test(size=(100, 30)) as pilot:
        session = session_of(app)
        await asked(pilot, "and now?")
        assert not wire_server.generation_requests  # nothing sent before the choice
        await press(pilot, "1")
        await settle(pilot)
        sent = wire_server.generation_requests[-1].body["messages"]
        assert sent[-1] == {"role": "user", "content": "and now?"}
        assert 1 < len(sent) < 21 and sent[0]["role"] == "user", len(sent)
        assert session.turns[-1].window is session.turns[-len(sent) - 1]
        assert "Earlier messages were not sent to oai/tiny" in notices(app)
        entries, view = chat(app).view.entries, chat(app).view
        mark = next(i for i, e in enumerate(entries) if getattr(e, "text", "").startswith("Earl"))
        assert entries[mark + 1] is view.entry_for[session.turns[-len(sent) - 1]]  # above it
        # from now on this conversation sends what fits without asking
        await press(pilot, *"more", "enter")
        await settle(pilot)
        assert not isinstance(app.screen, OverflowChoice)
        assert wire_server.generation_requests[-1].body["messages"][-1]["content"] == "more"
        assert session.store is not None and session.conversation_id is not None
        saved = session.store.get_conversation(session.conversation_id).conversation.settings
        assert saved["on_overflow"] == "window"  # and when it is opened again


async def test_escape_goes_back_to_the_prompt_with_the_text(
    make_app: AppFactory, wire_server: WireServer, small_models: None
) -> None:
    app = make_app("oai/tiny", resume_id=long_conversation())
    async with app.run_test(size=(100, 30)) as pilot:
        await asked(pilot, "keep me")
        await press(pilot, "escape")
        assert chat(app).prompt.text == "keep me" and not wire_server.generation_requests


async def test_another_model_is_picked_among_those_whose_window_fits(
    make_app: AppFactory, wire_server: WireServer, small_models: None
) -> None:
    app = make_app("oai/tiny", resume_id=long_conversation())
    async with app.run_test(size=(100, 30)) as pilot:
        await asked(pilot, "bigger?")
        await press(pilot, "3")
        await wait_until(pilot, lambda: isinstance(app.screen, ModelPicker), "the picker")
        offered = [o.id for o in app.screen.query_one("#picker-options").options]  # type: ignore[attr-defined]
        assert "oai/test-model" in offered and "oai/tiny" not in offered
        assert "oai/mystery" not in offered  # its window is unknown
        await press(pilot, "enter")
        await settle(pilot)
        request = wire_server.generation_requests[-1]
        assert request.body["model"] == "test-model" and len(request.body["messages"]) == 21


async def test_a_rejection_the_estimate_let_through_leads_to_the_same_choice(
    make_app: AppFactory, wire_server: WireServer, small_models: None
) -> None:
    wire_server.enqueue(Reply(status=400, error_body=LLAMA_TOO_LONG))
    app = make_app("oai/mystery", resume_id=long_conversation())
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        session = session_of(app)
        session.model = session.model.__class__("oai", "mystery")  # no window known: it goes
        await press(pilot, *"q", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, OverflowChoice), "the choice")
        assert len(wire_server.generation_requests) == 1
        await press(pilot, "1")  # the window the server named: 2,048
        await settle(pilot)
        retried = wire_server.generation_requests[-1].body["messages"]
        assert retried[-1]["content"] == "q" and len(retried) < 21
        assert session.turns[-1].content and session.turns[-1].error is None


async def test_the_window_a_server_states_reaches_the_meter(
    make_app: AppFactory, wire_server: WireServer
) -> None:
    wire_server.persona = "llama-server"  # its /props says n_ctx 2048
    app = make_app("oai/test-model-large")  # no window in the config for this one
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await wait_until(pilot, lambda: meter(app).endswith("/2k"), "the server's window")
        caps = app.pool.capabilities(ModelRef("oai", "test-model-large"))
        assert (caps.context, caps.source) == (2048, Source.SERVER)


async def test_compacting_summarises_the_earlier_part_on_a_new_branch(
    make_app: AppFactory, wire_server: WireServer, small_models: None
) -> None:
    wire_server.enqueue(Reply(pieces=["They talked about ", "foxes."]), Reply(pieces=["Yes."]))
    app = make_app("oai/tiny", resume_id=long_conversation())
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        session = session_of(app)
        original_first = session.turns[0]
        await asked(pilot, "so?")
        await press(pilot, "2")
        await settle(pilot)
        summarise, answer = wire_server.generation_requests
        # the model with the biggest window that reads it all summarises: test-model (16k)
        assert summarise.body["model"] == "test-model"
        assert "Summarise the conversation" in summarise.body["messages"][-1]["content"]
        assert answer.body["model"] == "tiny"
        system, *rest = answer.body["messages"]
        assert system["role"] == "system" and "They talked about foxes." in system["content"]
        assert rest[-1] == {"role": "user", "content": "so?"} and len(rest) < 21
        summary = session.turns[0]
        assert summary.content.startswith("Summary of the earlier conversation, written by")
        assert session.branch_position(summary) == (2, 2)  # beside the original first turn
        assert session.turns[-1].content == "Yes."
        await press(pilot, "alt+up")  # select the newest message, then go to the first
        for _ in range(len(session.turns)):
            await press(pilot, "alt+up")
        await press(pilot, "alt+left")  # back to the original turns
        await settle(pilot)
        assert session.turns[0] is original_first and len(session.turns) == 20


async def test_an_estimate_near_the_limit_is_counted_by_the_server_first(
    make_app: AppFactory, wire_server: WireServer, small_models: None
) -> None:
    wire_server.persona = "llama-server"  # counts: the words of the request, plus 7
    app = make_app("oai/tiny")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        session = session_of(app)
        size = 100
        while not (budget := session.fitting.budget(session.conversation, "x" * size)).warning:
            size += 100
        while budget.fits:  # one long word: estimated just past the limit, counted as one
            size += 100
            budget = session.fitting.budget(session.conversation, "x" * size)
        assert budget.limit is not None and budget.used <= budget.limit * 1.15
        chat(app).prompt.insert("x" * size)
        await press(pilot, "enter")
        await settle(pilot)
        assert not isinstance(app.screen, OverflowChoice)  # the server's count: it fits
        assert wire_server.generation_requests[-1].body["messages"][-1]["content"] == "x" * size


async def test_where_the_model_started_reading_is_saved_and_shown_again(
    make_app: AppFactory, wire_server: WireServer, small_models: None
) -> None:
    conversation = long_conversation()
    app = make_app("oai/tiny", resume_id=conversation)
    async with app.run_test(size=(100, 30)) as pilot:
        await asked(pilot, "and now?")
        await press(pilot, "1")
        await settle(pilot)
        first_sent = session_of(app).turns[-1].window
    reopened = make_app("oai/tiny", resume_id=conversation)
    async with reopened.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        session = session_of(reopened)
        assert first_sent is not None and session.turns[-1].window is not None
        assert session.turns[-1].window.id == first_sent.id
        assert "Earlier messages were not sent to oai/tiny" in notices(reopened)
        session.model = TINY
        # the last reply's count covers only the turns it was sent: for the whole branch the
        # turns before them are estimated on top of it; from where it started, it is exact
        whole = session.fitting.budget(session.conversation)
        assert whole.estimated and not whole.fits
        start = session.turns.index(session.turns[-1].window)
        assert not session.fitting.budget(session.conversation, start=start).estimated


async def test_the_palette_sets_what_this_conversation_does_when_too_long(
    make_app: AppFactory, wire_server: WireServer, small_models: None
) -> None:
    app = make_app("oai/tiny", resume_id=long_conversation())
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        session = session_of(app)
        session.model = TINY
        await run_from_palette(pilot, "When too long: send what fits")
        assert session.on_overflow is Overflow.WINDOW
        await press(pilot, *"go", "enter")
        await settle(pilot)
        assert not isinstance(app.screen, OverflowChoice)  # sent what fits without asking
        assert len(wire_server.generation_requests[-1].body["messages"]) < 21
