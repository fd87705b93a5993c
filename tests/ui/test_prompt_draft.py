"""What is typed in the prompt is never lost: an unsent draft survives editing an earlier
question (ctrl+e), whether the edit is cancelled or sent."""

from __future__ import annotations

from chatui.ui.chat.prompt import PromptInput
from tests.pilot import chat, press, settle
from tests.ui.conftest import AppFactory
from tests.wireserver import Reply, WireServer

DRAFT = "my unsent draft"


async def test_cancelling_an_edit_brings_the_draft_back(
    make_app: AppFactory, wire_server: WireServer
) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        prompt = app.query_one(PromptInput)
        await press(pilot, *"q1", "enter")
        await settle(pilot)
        await press(pilot, *DRAFT, "alt+up", "alt+up", "ctrl+e")
        assert prompt.text == "q1"
        await press(pilot, "escape")
        assert prompt.text == DRAFT
        assert chat(app).cursor.editing is None
        await press(pilot, "ctrl+e", "ctrl+n")  # a new chat ends the edit the same way
        assert prompt.text == DRAFT


async def test_the_draft_comes_back_after_the_edit_is_sent(
    make_app: AppFactory, wire_server: WireServer
) -> None:
    wire_server.enqueue(Reply(pieces=["a1"]), Reply(pieces=["a1 again"]))
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        prompt = app.query_one(PromptInput)
        await press(pilot, *"q1", "enter")
        await settle(pilot)
        await press(pilot, *DRAFT, "alt+up", "alt+up", "ctrl+e", *" v2", "enter")
        await settle(pilot)
        assert wire_server.generation_requests[-1].body["messages"][-1]["content"] == "q1 v2"
        assert prompt.text == DRAFT  # back where it was, and in Up-recall
        prompt.clear()
        await press(pilot, "up")
        assert prompt.text == DRAFT
        await press(pilot, "up")
        assert prompt.text == "q1 v2"
