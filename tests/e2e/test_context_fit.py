"""A conversation of ~10k tokens made on a big model (the loopback wire server), then switched to
a real `llama-server -c 2048` over both protocols: each choice of the TUI (send what fits,
compact, another model) gets a reply, `ask -c` sends what fits, and the server never rejects a
request as too long; where the estimate is made wrong on purpose, the server's rejection leads to
the same choice."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot

import chatui.services.context.fitting as fitting
from chatui.core import ModelRef
from chatui.services.context import estimate
from chatui.services.context.estimate import Profile
from chatui.ui.app import ChatApp
from chatui.ui.context.overflow_choice import OverflowChoice
from chatui.ui.screens.picker import ModelPicker
from tests.e2e.conftest import (
    ANTHROPIC,
    E2E,
    KEY_ENV,
    MODEL,
    OPENAI,
    PROTOCOLS,
    pick_model,
    sent_messages,
    setup_e2e,
)
from tests.e2e.long_history import seed_history
from tests.e2e.recording_proxy import Recorded, RecordingProxy
from tests.pilot import WAIT, chat, notices, press, session_of, settle, wait_until
from tests.wireserver import Reply, WireServer

BIG = "wire/big"  # the model the conversation was made on: 128k
PAIRS = 12  # ~10k tokens
QUERY = {OPENAI: "llama/", ANTHROPIC: "claude"}  # what finds each provider's model in the picker
QUESTION = "What was the first topic?"
SUMMARY = "They talked about volcanoes, bees and bridges."


@pytest.fixture
def fit(
    tmp_path: Path,
    small_proxy: RecordingProxy,
    wire_server: WireServer,
    monkeypatch: pytest.MonkeyPatch,
) -> E2E:
    """Both providers on the 2,048-token llama-server, and `wire/big` on the wire server."""
    setup = setup_e2e(tmp_path, small_proxy.url, monkeypatch)
    setup.write_config(
        default=BIG,
        extra=(
            "[providers.wire]\n"
            'kind = "openai"\n'
            f'base_url = "{wire_server.base_url}/v1"\n'
            f'api_key_env = "{KEY_ENV}"\n'
            'models = { "big" = { context = 128000 } }\n'
        ),
    )
    return setup


def rejections(proxy: RecordingProxy) -> list[Recorded]:
    """The requests llama-server answered 400 (too long, or anything else wrong)."""
    return [r for r in proxy.requests if r.status == 400]


def conversation_sent(request: Recorded) -> list[tuple[str, str]]:
    """The messages of a generation request, its system prompt aside."""
    return [message for message in sent_messages(request) if message[0] != "system"]


def meter(app: ChatApp) -> str:
    text = chat(app).status.render().plain
    return text[text.index("ctx ") :].split("  ")[0]


async def switch_and_ask(
    pilot: Pilot[None], provider: str, proxy: RecordingProxy, wire_server: WireServer
) -> None:
    """Ctrl+O to `provider/smollm2`, wait for its window (the server's /props), ask: the
    choice appears, and nothing was sent to any model yet."""
    app = pilot.app
    assert isinstance(app, ChatApp)
    await pick_model(pilot, QUERY[provider], f"{provider}/{MODEL}")
    await wait_until(pilot, lambda: meter(app).endswith("/2k won't fit"), "the 2k window", WAIT)
    await press(pilot, *QUESTION, "enter")
    await wait_until(pilot, lambda: isinstance(app.screen, OverflowChoice), "the choice")
    assert proxy.generations() == [] and wire_server.generation_requests == []


def reply_is_complete(app: ChatApp, model: str) -> None:
    reply = session_of(app).turns[-1]
    assert reply.status == "complete" and reply.content.strip(), notices(app)
    assert reply.model_label == model


@pytest.mark.parametrize("provider", PROTOCOLS)
async def test_sending_what_fits(
    fit: E2E, small_proxy: RecordingProxy, wire_server: WireServer, provider: str
) -> None:
    conversation = seed_history(fit.data_dir, PAIRS, "wire", "big")
    app = fit.make_app(provider, resume_id=conversation)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await switch_and_ask(pilot, provider, small_proxy, wire_server)
        await press(pilot, "1")
        await settle(pilot)
        reply_is_complete(app, f"{provider}/{MODEL}")
        (request,) = small_proxy.generations()
        assert request.status == 200 and request.finished
        sent = conversation_sent(request)
        assert sent[-1] == ("user", QUESTION) and sent[0][0] == "user"
        assert 1 < len(sent) < 2 * PAIRS + 1  # fewer than the conversation's
        assert f"Earlier messages were not sent to {provider}/{MODEL}" in notices(app)
    assert rejections(small_proxy) == [] and wire_server.generation_requests == []


@pytest.mark.parametrize("provider", PROTOCOLS)
async def test_compacting_by_the_big_model(
    fit: E2E, small_proxy: RecordingProxy, wire_server: WireServer, provider: str
) -> None:
    wire_server.enqueue(Reply(pieces=["They talked about volcanoes, ", "bees and bridges."]))
    conversation = seed_history(fit.data_dir, PAIRS, "wire", "big")
    app = fit.make_app(provider, resume_id=conversation)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await switch_and_ask(pilot, provider, small_proxy, wire_server)
        await press(pilot, "2")
        await settle(pilot)
        (summarise,) = wire_server.generation_requests
        assert summarise.body["model"] == "big"
        assert "Summarise the conversation" in summarise.body["messages"][-1]["content"]
        reply_is_complete(app, f"{provider}/{MODEL}")
        (request,) = small_proxy.generations()
        assert request.status == 200 and request.finished
        (role, system), *rest = sent_messages(request)
        assert role == "system" and SUMMARY in str(system)
        assert rest[-1] == ("user", QUESTION) and len(rest) < 2 * PAIRS + 1
        assert session_of(app).turns[0].content.startswith("Summary of the earlier conversation")
    assert rejections(small_proxy) == []


@pytest.mark.parametrize("provider", PROTOCOLS)
async def test_picking_a_model_whose_window_fits(
    fit: E2E, small_proxy: RecordingProxy, wire_server: WireServer, provider: str
) -> None:
    wire_server.enqueue(Reply(pieces=["The first ", "was volcanoes."]))
    conversation = seed_history(fit.data_dir, PAIRS, "wire", "big")
    app = fit.make_app(provider, resume_id=conversation)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await switch_and_ask(pilot, provider, small_proxy, wire_server)
        await press(pilot, "3")
        await wait_until(pilot, lambda: isinstance(app.screen, ModelPicker), "the picker")
        offered = [o.id for o in app.screen.query_one("#picker-options").options]  # type: ignore[attr-defined]
        assert BIG in offered and f"{provider}/{MODEL}" not in offered, offered
        await press(pilot, *"big", "enter")
        await settle(pilot)
        assert session_of(app).model == ModelRef("wire", "big")
        (request,) = wire_server.generation_requests
        assert request.body["model"] == "big"
        assert len(request.body["messages"]) == 2 * PAIRS + 1  # all of it, and the question
        assert session_of(app).turns[-1].content == "The first was volcanoes."
        reply_is_complete(app, BIG)
    assert small_proxy.generations() == [] and rejections(small_proxy) == []


@pytest.mark.parametrize("provider", PROTOCOLS)
def test_ask_continue_sends_what_fits(
    fit: E2E, small_proxy: RecordingProxy, wire_server: WireServer, provider: str
) -> None:
    seed_history(fit.data_dir, PAIRS, "wire", "big")
    result = fit.chatui("ask", "-c", "-m", f"{provider}/{MODEL}", QUESTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip()
    found = re.search(r"sent the last (\d+) of (\d+) messages", result.stderr)
    assert found, result.stderr
    assert 1 <= int(found[1]) < int(found[2]) == 2 * PAIRS + 1
    (request,) = small_proxy.generations()
    assert request.status == 200 and len(conversation_sent(request)) == int(found[1])
    assert rejections(small_proxy) == [] and wire_server.generation_requests == []


@pytest.fixture
def halved_estimates(monkeypatch: pytest.MonkeyPatch) -> None:
    """The estimator counts half the tokens there are: requests it says fit do not."""
    real: Callable[[str, Profile], int] = estimate.text_tokens

    def half(text: str, profile: Profile) -> int:
        return real(text, profile) // 2

    monkeypatch.setattr(fitting, "text_tokens", half)


@pytest.mark.parametrize("provider", PROTOCOLS)
async def test_a_rejection_the_estimate_let_through_leads_to_the_choice(
    fit: E2E, small_proxy: RecordingProxy, halved_estimates: None, provider: str
) -> None:
    conversation = seed_history(fit.data_dir, 3, "wire", "big")  # ~2.6k tokens: ~1.3k estimated
    app = fit.make_app(provider, resume_id=conversation)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pick_model(pilot, QUERY[provider], f"{provider}/{MODEL}")
        await wait_until(pilot, lambda: meter(app).endswith("/2k"), "the 2k window", WAIT)
        session = session_of(app)
        await press(pilot, *QUESTION, "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, OverflowChoice), "the choice", WAIT)
        (rejected,) = small_proxy.generations()
        assert rejected.status == 400 and len(conversation_sent(rejected)) == 7
        failed = session.turns[-1].error or ""  # the server's word, as it said it
        assert "exceeds the available context size (2048 tokens)" in failed, failed
        await press(pilot, "1")
        await settle(pilot)
        reply_is_complete(app, f"{provider}/{MODEL}")
        first, answered = small_proxy.generations()
        assert first is rejected
        assert answered.status == 200 and sent_messages(answered)[-1] == ("user", QUESTION)
        assert len(conversation_sent(answered)) < 7
        assert f"Earlier messages were not sent to {provider}/{MODEL}" in notices(app)
    assert rejections(small_proxy) == [rejected]
