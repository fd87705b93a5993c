"""Hostile output: markup, escape sequences, bidi and control characters, invalid UTF-8 and huge
replies are shown inert and readable; nothing reaches the terminal; the app keeps working. Also
for conversation titles, exported Markdown and `chatui ask` on a terminal."""

from __future__ import annotations

import asyncio
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from chatui.ui.conversation.entries import EntryStyles
from chatui.ui.conversation.view import ConversationView
from chatui.ui.screens.history import HistoryScreen
from tests.reliability.cli import run_chatui
from tests.reliability.harness import MODELS, Env, conversation_ids, messages
from tests.reliability.hostile import (
    BIG_FENCE,
    HOSTILE,
    ONE_MB_LINE,
    READABLE,
    assert_inert,
    assert_lines_inert,
    nested_list,
)
from tests.reliability.tui import (
    MAX_FREEZE,
    chat,
    responsive,
    screen_text,
    send,
    settle,
    watch_loop,
)
from tests.wireserver import Reply, WireServer

BAD_UTF8 = {"@BAD@": b"\xff\xfe\xc3"}  # not UTF-8: each byte reads as U+FFFD
STORED = HOSTILE + "bytes:\ufffd\ufffd\ufffd:end"


def hostile_reply() -> Reply:
    """HOSTILE in 3-character pieces (escape sequences arrive split across chunks), then a
    piece with bytes that are not UTF-8."""
    reply = Reply.from_text(HOSTILE, size=3, raw_bytes=BAD_UTF8)
    reply.pieces.append("bytes:@BAD@:end")
    return reply


def check_view(app: object) -> None:
    """Every row of every entry, and the painted strips, are inert."""
    view = chat(app).view  # type: ignore[arg-type]
    width = view.scrollable_content_region.width
    for entry in view.entries:
        assert_lines_inert(entry.render(width, EntryStyles()))
    assert_lines_inert(list(view.render_line(y)) for y in range(view.size.height))


@pytest.mark.parametrize("protocol", ["chat", "anthropic"])
async def test_hostile_reply(protocol: str, env: Env, wire_server: WireServer) -> None:
    wire_server.enqueue(hostile_reply())
    app = env.make_app(MODELS[protocol])
    async with app.run_test(size=(120, 40)) as pilot:
        await send(pilot, "Say something " + HOSTILE)
        check_view(app)
        shown = " ".join(screen_text(app).split())
        for part in READABLE:
            assert part in shown, part
        assert "bytes:\ufffd\ufffd\ufffd:end" in shown
        assert_inert(app.export_screenshot())
        assert app.title == "chatui"
        # clicking the text that looks like a click action does nothing
        view = chat(app).view
        row = next(y for y in range(view.size.height) if "click me" in view.render_line(y).text)
        column = view.render_line(row).text.index("click me")
        await pilot.click(ConversationView, offset=(column + 2, row))
        await responsive(pilot)
        assert chat(app).session is not None and not chat(app).session.busy  # type: ignore[union-attr]
    user, reply = messages(env.db)
    assert user.content == "Say something " + HOSTILE  # stored exactly, made inert only on show
    assert (reply.status, reply.content) == ("complete", STORED)


@pytest.mark.timing
async def test_huge_replies(env: Env, wire_server: WireServer) -> None:
    """A 1 MB line, a 10,000-line code fence and a 60-deep list: shown, nothing lost, and the
    app never stops answering for long while they stream in and close."""
    cases = [(ONE_MB_LINE, "LINE-END"), (BIG_FENCE, "FENCE-END"), (nested_list(60), "level 59")]
    for text, _ in cases:
        wire_server.enqueue(Reply.from_text(text, size=4096, interval=0.005))
    app = env.make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        for text, end in cases:
            gaps: list[float] = []
            watcher = asyncio.ensure_future(watch_loop(gaps))
            await send(pilot, "Big one")
            watcher.cancel()
            assert max(gaps) < MAX_FREEZE, (end, max(gaps))
            assert end in screen_text(app)  # the view followed the reply to its end
            check_view(app)
            await responsive(pilot)
            session = chat(app).session
            assert session is not None and session.turns[-1].content == text
            reply = chat(app).view.entries[-1]
            width = chat(app).view.scrollable_content_region.width
            shown = "".join(
                segment.text for row in reply.render(width, EntryStyles()) for segment in row
            )
            await pilot.press("ctrl+n")
    flat = "".join(shown.split())  # deep levels wrap at their indentation
    for level in range(60):  # every level of the deep list is shown: none dropped by the parser
        assert f"-level{level}" in flat, level
    assert [m.content for m in messages(env.db)] == ["Big one", cases[2][0]]


async def test_titles_in_history(env: Env) -> None:
    app = env.make_app()
    store = env.stores[-1]
    evil = store.create_conversation("Title " + HOSTILE)
    store.add_message(evil.id, "user", "First " + HOSTILE)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("ctrl+b")
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)
        options = app.screen.options
        lines = [list(options.render_line(y)) for y in range(options.size.height)]
        assert_lines_inert(lines)
        shown = " ".join("".join(s.text for s in line) for line in lines)
        assert "Title [bold red]loud[/]" in shown and "^[[2J" in shown
        await pilot.press(*"evil")  # a search hit in the title and the message
        await settle(pilot)
        lines = [list(options.render_line(y)) for y in range(options.size.height)]
        assert_lines_inert(lines)
        assert_inert(app.export_screenshot())
        assert "evil" in " ".join("".join(s.text for s in line) for line in lines)
        await pilot.press("escape")
        await responsive(pilot)


async def test_exported_markdown_is_inert(
    env: Env, wire_server: WireServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    wire_server.enqueue(Reply(pieces=[HOSTILE]))
    monkeypatch.chdir(env.root)
    app = env.make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await send(pilot, "Title " + HOSTILE)
        await pilot.press("ctrl+b")
        await settle(pilot)
        await pilot.press("ctrl+e")  # export the highlighted conversation as Markdown
        await settle(pilot)
    (exported,) = env.root.glob("chatui-*.md")
    via_cli = env.root / "cli.md"
    (conversation,) = conversation_ids(env.db)
    result = run_chatui(env.environ, "history", "export", conversation, "-o", str(via_cli))
    assert result.returncode == 0, result.stderr
    for path in (exported, via_cli):
        text = path.read_text(encoding="utf-8")
        assert_inert(text)
        for part in READABLE:
            assert part in text, (path, part)
    for command in (["export", conversation], ["show", conversation]):  # `> file`, `| less`
        piped = run_chatui(env.environ, "history", *command)
        assert piped.returncode == 0 and piped.stdout == via_cli.read_text(encoding="utf-8")


def test_ask_on_a_terminal_is_inert_and_raw_into_a_pipe(env: Env, wire_server: WireServer) -> None:
    wire_server.enqueue(hostile_reply(), hostile_reply())
    piped = run_chatui(env.environ, "ask", "-m", MODELS["chat"], "go")
    assert piped.returncode == 0, piped.stderr
    assert piped.stdout_bytes == STORED.encode() + b"\n"  # exactly as sent, into a pipe

    parent, child = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "chatui", "ask", "-m", MODELS["anthropic"], "go"],
        stdin=subprocess.DEVNULL,
        stdout=child,
        stderr=subprocess.PIPE,
        env=env.environ,
    )
    os.close(child)
    out = b""
    while True:
        try:
            chunk = os.read(parent, 65536)
        except OSError:  # EIO: the process closed the terminal
            break
        if not chunk:
            break
        out += chunk
    os.close(parent)
    assert process.wait(30) == 0
    assert process.stderr is not None and process.stderr.read() == b""
    text = out.decode("utf-8").replace("\r\n", "\n")  # the terminal's own newline translation
    assert_inert(text)
    for part in READABLE:
        assert part in text, part
    assert Path(env.db).exists()
