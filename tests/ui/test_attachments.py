"""Attaching files in the app: `/file`, Tab completion, the ctrl+l dialog, chips, send, resume."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from textual.pilot import Pilot

from chatui.core import Attachment
from chatui.store import TranscriptStore
from chatui.ui.app import ChatApp
from chatui.ui.chat.attachment_bar import AttachmentBar, PathDialog
from chatui.ui.conversation.entries import UserEntry
from tests.pilot import chat, press, screen_text, settle, toasts
from tests.ui.conftest import AppFactory
from tests.wireserver import Reply, WireServer


@pytest.fixture
def work(app_env: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The working directory, with a few files to attach."""
    directory = app_env / "work"
    directory.mkdir()
    (directory / "notes.md").write_text("# Notes\nzebra crossing\n")
    (directory / "todo.txt").write_text("buy milk\n")
    (directory / "tone.txt").write_text("calm\n")
    monkeypatch.chdir(directory)
    return directory


def bar(app: ChatApp) -> AttachmentBar:
    return chat(app).query_one(AttachmentBar)


async def command(pilot: Pilot[None], text: str) -> None:
    """Type `text` into the prompt and press Enter."""
    chat(pilot.app).prompt.text = text
    await press(pilot, "enter")
    await settle(pilot)


async def test_file_command_attaches_and_shows_a_chip(make_app: AppFactory, work: Path) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        assert not bar(app).display and bar(app).region.height == 0  # no space when empty
        await command(pilot, "/file notes.md")
        assert [a.name for a in bar(app).files] == ["notes.md"]
        assert bar(app).display and bar(app).region.height == 1
        assert "📎 notes.md 23 B" in str(bar(app).render())
        assert chat(app).prompt.text == ""  # the command is done
        assert not [e for e in chat(app).view.entries if isinstance(e, UserEntry)]  # not sent


async def test_tab_completes_a_unique_path(make_app: AppFactory, work: Path) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        chat(app).prompt.text = "/file no"
        chat(app).prompt.move_cursor(chat(app).prompt.document.end)
        await press(pilot, "tab")
        await pilot.pause()
        assert chat(app).prompt.text == "/file notes.md"
        assert app.focused is chat(app).prompt  # Tab did not move the focus


async def test_tab_lists_candidates_when_ambiguous(make_app: AppFactory, work: Path) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        chat(app).prompt.text = "/file t"
        await press(pilot, "tab")
        await pilot.pause()
        assert chat(app).prompt.text == "/file to"  # the common prefix
        assert "todo.txt  tone.txt" in toasts(app)


async def test_ctrl_l_dialog_completes_and_attaches(make_app: AppFactory, work: Path) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        chat(app).prompt.text = "half a question"
        await press(pilot, "ctrl+l")
        await pilot.pause()
        assert isinstance(app.screen, PathDialog)
        await press(pilot, "t", "o", "tab")
        await pilot.pause()
        assert "todo.txt  tone.txt" in str(app.screen.query_one("#attach-note").render())
        await press(pilot, "d", "tab", "enter")
        await settle(pilot)
        assert not isinstance(app.screen, PathDialog)
        assert [a.name for a in bar(app).files] == ["todo.txt"]
        assert chat(app).prompt.text == "half a question"  # what was typed is kept


async def test_dialog_shows_a_refusal_and_stays_open(make_app: AppFactory, work: Path) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await press(pilot, "ctrl+l", *"nope.txt", "enter")
        await settle(pilot)
        assert isinstance(app.screen, PathDialog)
        assert "nope.txt: no such file" in str(app.screen.query_one("#attach-note").render())
        await press(pilot, "escape")
        await pilot.pause()
        assert not isinstance(app.screen, PathDialog) and bar(app).files == []


async def test_backspace_on_empty_prompt_removes_the_last_chip(
    make_app: AppFactory, work: Path
) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await command(pilot, "/file notes.md")
        await command(pilot, "/file todo.txt")
        chat(app).prompt.text = "x"
        await press(pilot, "end", "backspace")  # deletes the x, not a chip
        await pilot.pause()
        assert len(bar(app).files) == 2
        await press(pilot, "backspace")
        await pilot.pause()
        assert [a.name for a in bar(app).files] == ["notes.md"]
        await press(pilot, "backspace")
        await pilot.pause()
        assert bar(app).files == [] and not bar(app).display


@pytest.mark.parametrize(
    ("make", "typed", "message"),
    [
        (None, "absent.md", "absent.md: no such file"),
        ("dir", "folder", "folder is a directory"),
        ("binary", "blob.bin", "blob.bin looks binary"),
        ("latin1", "old.txt", "old.txt is not UTF-8 text"),
        ("big", "huge.log", "huge.log is 257 KB: the limit is 256 KB per file"),
    ],
)
async def test_bad_files_are_refused_and_the_prompt_kept(
    make_app: AppFactory, work: Path, make: str | None, typed: str, message: str
) -> None:
    path = work / typed
    if make == "dir":
        path.mkdir()
    elif make == "binary":
        path.write_bytes(b"a\x00b")
    elif make == "latin1":
        path.write_bytes(b"caf\xe9")
    elif make == "big":
        path.write_bytes(b"x" * 257 * 1024)
    app = make_app()
    async with app.run_test() as pilot:
        await command(pilot, f"/file {typed}")
        assert any(message in text for text in toasts(app)), toasts(app)
        assert chat(app).prompt.text == f"/file {typed}"  # to be corrected, not retyped
        assert bar(app).files == []


async def test_message_limit_and_same_file_twice(
    make_app: AppFactory, work: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("chatui.services.session.files_to_attach.MAX_MESSAGE_BYTES", 30)
    app = make_app()
    async with app.run_test() as pilot:
        await command(pilot, "/file notes.md")
        await command(pilot, "/file notes.md")
        assert [a.name for a in bar(app).files] == ["notes.md"]
        assert "notes.md was already attached: read it again." in toasts(app)
        await command(pilot, "/file todo.txt")
        assert any("the limit is 30 B per message" in text for text in toasts(app))
        assert [a.name for a in bar(app).files] == ["notes.md"]


async def test_send_carries_the_files_and_the_entry_shows_chips(
    make_app: AppFactory, work: Path, wire_server: WireServer
) -> None:
    wire_server.enqueue(Reply.from_text("Read them."))
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await command(pilot, "/file notes.md")
        await command(pilot, "/file todo.txt")
        await command(pilot, "what is in these?")
        body = wire_server.generation_requests[-1].body
        assert body["messages"][-1]["content"] == (
            "what is in these?\n\nFile: notes.md\n```\n# Notes\nzebra crossing\n```\n\n"
            "File: todo.txt\n```\nbuy milk\n```"
        )
        shown = screen_text(app)
        assert "📎 notes.md 23 B  📎 todo.txt 9 B" in shown
        assert "zebra" not in shown  # a chip, not the whole file
        assert bar(app).files == [] and not bar(app).display
        assert app.store is not None
        conversation = app.store.list_conversations()[0]
        user = app.store.get_conversation(conversation.id).messages[0]
        assert [a.name for a in user.attachments] == ["notes.md", "todo.txt"]


async def test_files_alone_can_be_sent(
    make_app: AppFactory, work: Path, wire_server: WireServer
) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await command(pilot, "/file todo.txt")
        await press(pilot, "enter")  # an empty prompt sends when files are attached
        await settle(pilot)
        body = wire_server.generation_requests[-1].body
        assert body["messages"][-1]["content"] == "File: todo.txt\n```\nbuy milk\n```"
        await press(pilot, "enter")  # and not when none are
        await settle(pilot)
        assert len(wire_server.generation_requests) == 1


async def test_resume_shows_chips_and_sends_the_files_again(
    make_app: AppFactory, work: Path, wire_server: WireServer
) -> None:
    with TranscriptStore.open() as store:
        conversation = store.create_conversation("old")
        user = store.add_message(
            conversation.id, "user", "remember", attachments=[Attachment("a.md", "walrus", 6)]
        )
        store.add_message(
            conversation.id, "assistant", "ok", parent_id=user.id, provider="oai",
            model="test-model",
        )  # fmt: skip
    app = make_app(resume_id=conversation.id)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert "📎 a.md 6 B" in screen_text(app)
        await command(pilot, "and now?")
        body = wire_server.generation_requests[-1].body
        assert body["messages"][0]["content"] == "remember\n\nFile: a.md\n```\nwalrus\n```"
        assert json.dumps(body).count("walrus") == 1
