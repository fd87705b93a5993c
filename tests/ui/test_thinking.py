"""Reasoning in the chat: a collapsed block that streams, ctrl+t, resume, palette, exports."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from chatui.core import MessageStatus
from chatui.ui.conversation.entries import AssistantEntry, EntryStyles
from chatui.ui.conversation.plain_text import StreamingPlain
from chatui.ui.conversation.thinking_block import ThinkingBlock
from tests.pilot import (
    chat,
    press,
    press_at_once,
    run_from_palette,
    screen_text,
    settle,
    settle_for_snapshot,
    wait_until,
)
from tests.transcripts import seed
from tests.ui.conftest import AppFactory
from tests.ui.test_conversation_view import ViewApp, rows, view_of
from tests.wireserver import Reply, WireServer

THOUGHT = "The user greets me.\nA short, friendly answer fits."


def seed_with_reasoning() -> str:
    pair = ("Hello?", "Hi! How can I help?")
    return seed(
        "Thoughtful", [pair], reasoning=THOUGHT, provider="claude", model="claude-sonnet-4-5"
    )


async def wait_while_streaming(pilot: Pilot[Any], text: str) -> str:
    """The conversation's visible text once it shows `text`, looked for between frames: waiting
    for the app to idle first could wait out the streaming that shows it."""
    await wait_until(
        pilot, lambda: text in screen_text(pilot.app), f"{text!r} on screen", idle_first=False
    )
    return screen_text(pilot.app)


async def test_reasoning_streams_collapsed_and_ctrl_t_toggles(
    make_app: AppFactory, wire_server: WireServer
) -> None:
    reasoning = ["The user ", "greets me.\n", "A short, friendly ", "answer fits."]
    wire_server.enqueue(Reply(reasoning=reasoning, pieces=["Hi", " there!"], interval=0.15))
    app = make_app()
    async with app.run_test(size=(90, 24)) as pilot:
        await press(pilot, *"hello")
        press_at_once(pilot, "enter")  # pilot.press would wait for the app to idle: it streams
        live = await wait_while_streaming(pilot, "▸ Thinking… · ")
        assert "The user" not in live and "Hi there" not in live
        await settle(pilot)
        shown = screen_text(app)
        assert f"▸ Thinking · {len(THOUGHT)} chars" in shown and "Hi there!" in shown
        assert "greets me" not in shown
        await press(pilot, "ctrl+t")
        await pilot.pause()
        lines = screen_text(app).splitlines()
        opened = next(i for i, line in enumerate(lines) if "▾ Thinking" in line)
        assert lines[opened + 1].strip() == "The user greets me."
        assert lines[opened + 2].strip() == "A short, friendly answer fits."
        assert lines[opened + 3].strip() == "" and lines[opened + 4].strip() == "Hi there!"
        await press(pilot, "ctrl+t")
        await pilot.pause()
        assert "greets me" not in screen_text(app) and "▸ Thinking · " in screen_text(app)


async def test_ctrl_t_toggles_only_the_selected_reply(
    make_app: AppFactory, wire_server: WireServer
) -> None:
    wire_server.enqueue(
        Reply(reasoning=["first thought"], pieces=["one"]),
        Reply(reasoning=["second thought"], pieces=["two"]),
    )
    app = make_app()
    async with app.run_test(size=(90, 30)) as pilot:
        for prompt in ("a", "b"):
            await press(pilot, prompt, "enter")
            await settle(pilot)
        await press(pilot, "alt+up", "alt+up", "alt+up")  # the first reply
        await press(pilot, "ctrl+t")
        await pilot.pause()
        shown = screen_text(app)
        assert "first thought" in shown and "second thought" not in shown
        await press(pilot, "escape", "ctrl+t")  # no selection: all open (some were closed)
        await pilot.pause()
        shown = screen_text(app)
        assert "first thought" in shown and "second thought" in shown
        await press(pilot, "ctrl+t")
        await pilot.pause()
        shown = screen_text(app)
        assert "first thought" not in shown and shown.count("▸ Thinking · ") == 2


async def test_stored_reasoning_shown_after_resume(make_app: AppFactory) -> None:
    app = make_app(resume_id=seed_with_reasoning())
    async with app.run_test(size=(90, 24)) as pilot:
        await settle(pilot)
        shown = screen_text(app)
        assert f"▸ Thinking · {len(THOUGHT)} chars" in shown and "Hi! How can I help?" in shown
        assert "Thinking…" not in shown and "friendly" not in shown
        await press(pilot, "ctrl+t")
        await pilot.pause()
        assert "A short, friendly answer fits." in screen_text(app)


async def test_palette_switches_extended_thinking_for_the_conversation(
    make_app: AppFactory, wire_server: WireServer
) -> None:
    app = make_app("claude/claude-sonnet-4-6")
    async with app.run_test(size=(90, 24)) as pilot:
        await settle(pilot)
        await run_from_palette(pilot, "Extended thinking")
        screen = chat(app)
        assert screen.session is not None and screen.session.options.thinking_budget == 4096
        await press(pilot, *"think", "enter")
        await settle(pilot)
        conversation_id = screen.session.conversation_id
        assert app.store is not None and conversation_id is not None
        saved = app.store.get_conversation(conversation_id).conversation.settings
        assert saved["thinking_budget"] == 4096
    body = wire_server.generation_requests[-1].body
    assert body["thinking"] == {"type": "enabled", "budget_tokens": 4096}

    resumed = make_app("claude/claude-sonnet-4-6", resume_id=conversation_id)
    async with resumed.run_test(size=(90, 24)) as pilot:
        await settle(pilot)
        session = chat(resumed).session
        assert session is not None and session.options.thinking_budget == 4096


async def test_history_exports_leave_reasoning_out_and_undo_keeps_it(
    make_app: AppFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    conversation = seed_with_reasoning()
    monkeypatch.chdir(tmp_path)
    app = make_app()
    async with app.run_test() as pilot:
        await press(pilot, "ctrl+b")
        await settle(pilot)
        await press(pilot, "ctrl+e", "ctrl+s")
        await settle(pilot)
        (md,) = tmp_path.glob("chatui-thoughtful-*.md")
        (js,) = tmp_path.glob("chatui-thoughtful-*.json")
        assert "Hi! How can I help?" in md.read_text() and "friendly" not in md.read_text()
        data = json.loads(js.read_text())
        assert data["messages"][1]["reasoning"] == "" and "friendly" not in js.read_text()
        assert app.store is not None
        await press(pilot, "ctrl+d")
        await pilot.pause()
        await press(pilot, "y")
        await settle(pilot)
        assert app.store.list_conversations() == []
        await press(pilot, "ctrl+z")
        await settle(pilot)
        restored = app.store.get_conversation(conversation)
        assert restored.messages[1].reasoning == THOUGHT


async def test_closed_block_costs_one_row_and_no_wrapping(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    wrapped: list[int] = []
    original = StreamingPlain.render_lines

    def spy(self: StreamingPlain, width: int, style: Any) -> Any:
        wrapped.append(width)
        return original(self, width, style)

    monkeypatch.setattr(StreamingPlain, "render_lines", spy)
    app = ViewApp()
    async with app.run_test(size=(60, 20)) as pilot:
        view = view_of(app)
        reply = view.add_assistant("m")
        for i in range(200):
            view.append_reasoning(reply, f"step {i} of a long chain of thought\n")
            if i % 20 == 0:
                await pilot.pause()
        view.append(reply, "The answer.")
        view.finish(reply)
        await pilot.pause()
        assert wrapped == []  # closed: the reasoning text is never laid out
        shown = [row.rstrip() for row in rows(view)]
        chars = sum(len(f"step {i} of a long chain of thought\n") for i in range(200))
        assert shown[:3] == ["assistant · m", f"▸ Thinking · {chars:,} chars", ""]
        assert shown[3].startswith("The answer.")
        view.set_thinking_open(reply, True)
        await pilot.pause()
        assert "step 199 of a long chain of thought" in "\n".join(rows(view))
        assert len(wrapped) == 1


def test_reasoning_is_never_markup() -> None:
    entry = AssistantEntry("m", MessageStatus.COMPLETE, thinking_open=True)
    entry.reasoning = ThinkingBlock()
    entry.reasoning.append("[bold red]not markup[/] **nor markdown** \x1b[31m")
    text = "".join(segment.text for row in entry.render(80, EntryStyles()) for segment in row)
    assert "[bold red]not markup[/] **nor markdown** ^[[31m" in text and "\x1b" not in text


def test_expanded_thinking_snapshot(snap_compare: Any, make_app: AppFactory) -> None:
    async def expand(pilot: Pilot[Any]) -> None:
        await settle_for_snapshot(pilot)
        await press(pilot, "ctrl+t")
        await settle_for_snapshot(pilot)

    app = make_app(resume_id=seed_with_reasoning())
    assert snap_compare(app, terminal_size=(90, 24), run_before=expand)
