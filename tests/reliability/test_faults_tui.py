"""Fault matrix in the full-screen app: every fault is shown with what to do, the app keeps
answering keys, what arrived is saved with the right status, and ctrl+r works once it clears.

One app per protocol meets its faults one after another (ctrl+n between them), which is also
what a long session looks like; each fault's failure is reported under its own name."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from chatui.config import Timeouts, load_config
from chatui.core import ChatMessage, ChatRequest, Role, StreamTimeout
from chatui.providers import create_provider
from tests.reliability.faults import BIG, FAULTS, PROMPT, RECOVERED, Fault
from tests.reliability.harness import MODELS, READ_TIMEOUT, Env, ServerSwitch, messages
from tests.reliability.tui import chat, notices, replies, responsive, screen_text, send, settle
from tests.wireserver import Reply, WireServer

RESPONSES_STREAM_FAULTS = ("error-event", "dropped", "stall", "malformed", "empty")


def test_default_timeouts_notice_a_stall_within_60_s(tmp_path: Path) -> None:
    assert Timeouts().read <= 60 and Timeouts().connect <= 60
    config = load_config(tmp_path / "absent.toml")
    assert all(p.timeouts.read <= 60 for p in config.providers.values())


@pytest.mark.parametrize("protocol", ["chat", "anthropic"])
@pytest.mark.timing
async def test_a_stall_is_reported_after_one_timeout(
    protocol: str, env: Env, wire_server: WireServer
) -> None:
    """Not retried: a silent server would otherwise cost the user three read timeouts."""
    wire_server.default_reply = Reply(stall_after=0)
    provider = create_provider(load_config().provider(MODELS[protocol].partition("/")[0]))
    provider.warm()  # the SDK's import is not part of the wait
    began = time.monotonic()
    with pytest.raises(StreamTimeout):
        async for _ in provider.stream(ChatRequest("test-model", (ChatMessage(Role.USER, "hi"),))):
            pass
    await provider.aclose()
    assert time.monotonic() - began < 2 * READ_TIMEOUT
    assert len(wire_server.generation_requests) == 1


async def meet(
    pilot: Pilot[Any], protocol: str, fault: Fault, env: Env, wire: WireServer, server: ServerSwitch
) -> None:
    """Send a prompt into `fault`, check what is shown and kept, then retry once it clears."""
    app = pilot.app
    server.arm(fault.reply)
    await send(pilot, PROMPT)
    session = chat(app).session
    assert session is not None and not session.busy
    shown = notices(app)
    if fault.says:
        assert shown, "no message was shown"
        fault.check_message(shown[-1], protocol, "press ctrl+r to retry")
        assert " ".join(shown[-1].split())[:50] in " ".join(screen_text(app).split())
    else:
        assert shown == []
    (reply,) = replies(app)
    assert (reply.status, reply.text) == (fault.status, fault.partial)  # what arrived stays
    if fault.partial is BIG:
        assert "THE-END" in screen_text(app)
    await responsive(pilot)

    user, saved = messages(env.db)
    assert (user.role, user.content, user.status) == ("user", PROMPT, "complete")
    assert (saved.role, saved.status, saved.parent_id) == ("assistant", fault.status, user.id)
    assert saved.content == fault.partial

    server.clear(Reply(pieces=[RECOVERED]))
    await pilot.press("ctrl+r")
    await settle(pilot)
    assert (session.turns[-1].content, session.turns[-1].status) == (RECOVERED, "complete")
    assert RECOVERED in screen_text(app)
    await responsive(pilot)
    body = wire.generation_requests[-1].body
    sent = [m["content"] for m in body.get("messages") or body["input"]]
    assert sent == [PROMPT]  # the reply being replaced is not sent back
    kept = messages(env.db)
    assert [(m.role, m.status) for m in kept] == [
        ("user", "complete"),
        ("assistant", fault.status),
        ("assistant", "complete"),
    ]
    assert kept[1].content == fault.partial and kept[2].content == RECOVERED
    assert kept[2].parent_id == user.id  # the retry is a sibling of the failed reply


@pytest.mark.parametrize("protocol", ["chat", "responses", "anthropic"])
async def test_faults(
    protocol: str, env: Env, wire_server: WireServer, server: ServerSwitch
) -> None:
    cases = [f for f in FAULTS if protocol in f.protocols and f.partial is not BIG]
    if protocol == "responses":  # its HTTP errors take the chat path; `chatui ask` has them all
        cases = [f for f in cases if f.name in RESPONSES_STREAM_FAULTS]
    failed: dict[str, str] = {}
    app = env.make_app(MODELS[protocol])
    async with app.run_test(size=(110, 36)) as pilot:
        await settle(pilot)  # the warm-up's model listing is done
        for fault in cases:
            try:
                await meet(pilot, protocol, fault, env, wire_server, server)
            except AssertionError as exc:
                failed[fault.name] = str(exc).splitlines()[0]
                server.clear(Reply())
            await pilot.press("ctrl+n")
    assert not failed, failed
    assert len(messages(env.db, len(cases) - 1)) == 3  # every case left its conversation


@pytest.mark.parametrize("protocol", ["chat", "anthropic"])
async def test_5mb_reply(
    protocol: str, env: Env, wire_server: WireServer, server: ServerSwitch
) -> None:
    (fault,) = [f for f in FAULTS if f.partial is BIG]
    app = env.make_app(MODELS[protocol])
    async with app.run_test(size=(110, 36)) as pilot:
        await meet(pilot, protocol, fault, env, wire_server, server)
