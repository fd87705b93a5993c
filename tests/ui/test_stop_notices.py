"""How a reply ended, told under it: a refusal, the provider's content filter, an unknown reason."""

from __future__ import annotations

from typing import Any

import pytest

from chatui.store import TranscriptStore
from chatui.ui.chat.reply import EMPTY_REPLY
from tests.pilot import notices, press, screen_text, settle, settle_for_snapshot
from tests.transcripts import seed
from tests.ui.conftest import AppFactory
from tests.wireserver import Reply, WireServer

REFUSAL = ["I'm sorry, ", "I can't help with that."]


@pytest.mark.parametrize(
    ("model", "reply"),
    [
        ("oai/test-model", Reply(pieces=REFUSAL, refusal=True)),  # delta.refusal, content null
        ("claude/test-model", Reply(pieces=REFUSAL, stop_reason="refusal")),
    ],
)
async def test_a_refusal_is_the_reply_marked_as_refused(
    make_app: AppFactory, wire_server: WireServer, model: str, reply: Reply
) -> None:
    wire_server.enqueue(reply)
    app = make_app(model)
    async with app.run_test(size=(100, 30)) as pilot:
        await press(pilot, *"hi", "enter")
        await settle(pilot)
        assert "I'm sorry, I can't help with that." in screen_text(app)
        assert notices(app) == ["The model refused."]
    with TranscriptStore.open() as store:
        (summary,) = store.list_conversations()
        saved = store.get_conversation(summary.id).messages[-1]
    assert (saved.content, saved.stop_reason) == ("".join(REFUSAL), "refusal")


@pytest.mark.parametrize(
    ("stop_reason", "notice"),
    [
        ("refusal", "The model refused."),
        ("content_filter", "Stopped by the provider's content filter."),
    ],
)
async def test_the_notice_is_shown_again_when_the_conversation_is_reopened(
    make_app: AppFactory, stop_reason: str, notice: str
) -> None:
    conversation = seed("Refused", [("hi", "".join(REFUSAL))], stop_reason=stop_reason)
    app = make_app(resume_id=conversation)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert notices(app) == [notice]


@pytest.mark.parametrize("pieces", [["Partly ", "said"], []], ids=["text", "none"])
async def test_a_content_filter_stop_is_told_once(
    make_app: AppFactory, wire_server: WireServer, pieces: list[str]
) -> None:
    wire_server.enqueue(Reply(pieces=pieces, stop_reason="content_filter"))
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await press(pilot, *"hi", "enter")
        await settle(pilot)
        assert notices(app) == ["Stopped by the provider's content filter."]
        assert EMPTY_REPLY not in screen_text(app)
        assert ("Partly said" in screen_text(app)) is bool(pieces)


async def test_an_unknown_stop_reason_is_shown(
    make_app: AppFactory, wire_server: WireServer
) -> None:
    wire_server.enqueue(Reply(pieces=["ok"], stop_reason="guardrail_intervened"))
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await press(pilot, *"hi", "enter")
        await settle(pilot)
        (notice,) = notices(app)
        assert "guardrail_intervened" in notice


@pytest.mark.parametrize(
    ("stop_reason", "answer"),
    [("refusal", "".join(REFUSAL)), ("content_filter", "Here is the first half of the st")],
    ids=["refusal", "content_filter"],
)
def test_snapshot(snap_compare: Any, make_app: AppFactory, stop_reason: str, answer: str) -> None:
    conversation = seed("Marked", [("Tell me a story", answer)], stop_reason=stop_reason)
    app = make_app(resume_id=conversation)
    assert snap_compare(app, terminal_size=(90, 16), run_before=settle_for_snapshot)
