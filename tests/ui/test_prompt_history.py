"""Up-recall across runs: what was sent before a restart, and a reopened conversation's
questions (`chatui -c`)."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from chatui.services import prompt_history
from chatui.store import TranscriptStore
from chatui.ui.chat.prompt import PromptInput
from tests.pilot import press, settle, toasts
from tests.ui.conftest import AppFactory
from tests.wireserver import WireServer


async def recalled(app_factory: AppFactory, presses: int, **kwargs: object) -> list[str]:
    """What Up shows, press after press, in a freshly started app."""
    app = app_factory(**kwargs)
    async with app.run_test() as pilot:
        await settle(pilot)
        prompt = app.query_one(PromptInput)
        shown = []
        for _ in range(presses):
            await press(pilot, "up")
            shown.append(prompt.text)
        return shown


async def test_up_recalls_what_was_sent_before_a_restart(
    make_app: AppFactory, wire_server: WireServer, app_env: Path
) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        for text in ("first question", "second", "second"):
            await press(pilot, *text, "enter")
            await settle(pilot)
    assert await recalled(make_app, 3) == ["second", "first question", "first question"]
    history = app_env / "data" / "prompt_history.jsonl"
    assert stat.S_IMODE(history.stat().st_mode) == 0o600  # prompts are private


async def test_a_reopened_conversation_offers_its_questions(
    make_app: AppFactory, wire_server: WireServer
) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await press(pilot, *"typed earlier", "enter")
        await settle(pilot)
    with TranscriptStore.open() as store:  # e.g. imported: its questions were never typed here
        conversation = store.create_conversation("imported")
        parent = None
        for question in ("old one", "old two"):
            asked = store.add_message(conversation.id, "user", question, parent_id=parent)
            parent = store.add_message(
                conversation.id, "assistant", "answer", parent_id=asked.id, provider="oai",
                model="test-model",
            ).id  # fmt: skip
    shown = await recalled(make_app, 3, resume_id=conversation.id)
    assert shown == ["old two", "old one", "typed earlier"]


async def test_a_history_that_cannot_be_saved_is_said_once(
    make_app: AppFactory, wire_server: WireServer, app_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = app_env / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setattr(prompt_history, "history_path", lambda: blocker / "history.jsonl")
    app = make_app()
    async with app.run_test() as pilot:
        for text in ("one", "two"):
            await press(pilot, *text, "enter")
            await settle(pilot)
        warnings = [text for text in toasts(app) if "prompt history" in text]
        assert len(warnings) == 1 and "this run only" in warnings[0]
        assert len(wire_server.generation_requests) == 2  # both were sent all the same
        await press(pilot, "up")
        assert app.query_one(PromptInput).text == "two"
