"""Reading files to attach, limits and refusals, path completion, and what the model is sent."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from chatui.config import Config, ProviderConfig
from chatui.core import Attachment, ModelRef, Role
from chatui.core.attachments import human_size, with_attachments
from chatui.providers.scripted import ScriptedProvider
from chatui.services.pool import ProviderPool
from chatui.services.session import files_to_attach as files
from chatui.services.session.branches import build_tree
from chatui.services.session.chat import ChatSession
from chatui.services.session.files_to_attach import (
    AttachmentError,
    add_attachment,
    complete_path,
    read_attachment,
)
from chatui.services.session.turns import Turn, history
from chatui.store import TranscriptStore


@pytest.fixture
def cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return work


def test_reads_a_text_file_named_relative_to_the_working_directory(cwd: Path) -> None:
    (cwd / "docs").mkdir()
    (cwd / "docs" / "notes.md").write_text("héllo\n", encoding="utf-8")
    assert read_attachment("docs/notes.md") == Attachment("docs/notes.md", "héllo\n", 7)
    assert read_attachment(str(cwd / "docs" / "notes.md")).name == "docs/notes.md"


def test_tilde_expands_and_names_stay_short(cwd: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = cwd.parent / "home"
    home.mkdir()
    (home / "todo.txt").write_text("milk")
    monkeypatch.setenv("HOME", str(home))
    assert read_attachment("~/todo.txt") == Attachment("~/todo.txt", "milk", 4)


@pytest.mark.parametrize(
    ("make", "typed", "message"),
    [
        (None, "absent.txt", "absent.txt: no such file"),
        ("dir", "folder", "folder is a directory"),
        ("fifo", "pipe", "pipe is not a regular file"),
        ("binary", "image.png", "image.png looks binary (it has NUL bytes)"),
        ("latin1", "old.txt", "old.txt is not UTF-8 text (byte 0xE9 at offset 3)"),
        ("big", "huge.log", "huge.log is 300 KB: the limit is 256 KB per file"),
        (None, "  ", "Type the path of a file to attach"),
    ],
)
def test_refusals_say_which_file_and_why(
    cwd: Path, make: str | None, typed: str, message: str
) -> None:
    path = cwd / typed.strip()
    if make == "dir":
        path.mkdir()
    elif make == "fifo":
        os.mkfifo(path)  # opening it would block: refused before
    elif make == "binary":
        path.write_bytes(b"\x89PNG\r\n\x00\x00")
    elif make == "latin1":
        path.write_bytes(b"caf\xe9\n")
    elif make == "big":
        path.write_bytes(b"x" * 300 * 1024)
    with pytest.raises(AttachmentError) as raised:
        read_attachment(typed)
    assert message in str(raised.value)


def test_unreadable_file_is_refused(cwd: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (cwd / "secret.txt").write_text("s")

    def denied(self: Path, *args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "open", denied)  # root can read a chmod 000 file
    with pytest.raises(AttachmentError, match=r"secret.txt: permission denied"):
        read_attachment("secret.txt")


def test_message_total_limit_and_same_file_twice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(files, "MAX_MESSAGE_BYTES", 100)
    a, b = Attachment("a.txt", "a" * 60, 60), Attachment("b.txt", "b" * 50, 50)
    current, replaced = add_attachment([], a)
    assert (current, replaced) == ([a], False)
    with pytest.raises(AttachmentError, match=r"b.txt \(50 B\) would make .* 110 B: the limit"):
        add_attachment(current, b)
    newer = Attachment("a.txt", "A" * 90, 90)  # the same file, read again: replaces it
    assert add_attachment(current, newer) == ([newer], True)


def test_human_sizes() -> None:
    assert [human_size(n) for n in (0, 1023, 2150, 256 * 1024, 1024 * 1024)] == [
        "0 B",
        "1023 B",
        "2.1 KB",
        "256 KB",
        "1 MB",
    ]


def test_completion_like_a_shell(cwd: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("notes.md", "notes.txt", ".hidden"):
        (cwd / name).write_text("x")
    (cwd / "src").mkdir()
    (cwd / "src" / "app.py").write_text("x")
    assert complete_path("no") == files.PathCompletion("notes.", ("notes.md", "notes.txt"))
    assert complete_path("notes.m") == files.PathCompletion("notes.md")
    assert complete_path("sr") == files.PathCompletion("src/")  # a directory gains a slash
    assert complete_path("src/a") == files.PathCompletion("src/app.py")
    assert complete_path("").candidates == ("notes.md", "notes.txt", "src/")  # no dot files
    assert complete_path(".h") == files.PathCompletion(".hidden")
    assert complete_path("zz") == files.PathCompletion("zz", matched=False)
    monkeypatch.setenv("HOME", str(cwd / "src"))
    assert complete_path("~/a") == files.PathCompletion("~/app.py")
    assert complete_path("~") == files.PathCompletion("~/")


def test_file_blocks_follow_the_text_with_a_safe_fence() -> None:
    code = Attachment("x.md", "````\ninner\n````", 15)
    assert with_attachments("look", [Attachment("a.txt", "one\n", 4), code]) == (
        "look\n\nFile: a.txt\n```\none\n```\n\nFile: x.md\n`````\n````\ninner\n````\n`````"
    )
    assert with_attachments("", [Attachment("e.txt", "", 0)]) == "File: e.txt\n```\n```"
    assert with_attachments("plain", []) == "plain"


def test_history_sends_attachments_with_their_message() -> None:
    notes = Attachment("n.md", "N", 1)
    turns = [
        Turn(Role.USER, "read", attachments=(notes,)),
        Turn(Role.ASSISTANT, "ok"),
        Turn(Role.USER, "", attachments=(notes,)),  # files alone are sent too
    ]
    sent = history(turns)
    assert [m.content for m in sent] == [
        "read\n\nFile: n.md\n```\nN\n```",
        "ok",
        "File: n.md\n```\nN\n```",
    ]


async def test_session_saves_attachments_and_resends_them_when_resumed(tmp_path: Path) -> None:
    provider = ScriptedProvider(ProviderConfig("alpha", max_retries=0))
    pool = ProviderPool(Config(tmp_path / "config.toml", {}))
    pool.providers["alpha"] = provider
    notes = Attachment("notes.md", "zebra", 5)
    with TranscriptStore.open(tmp_path / "chatui.db") as store:
        session = ChatSession(pool, store, ModelRef("alpha", "m"))
        provider.enqueue("fine")
        _ = [event async for event in session.send("", [notes])]
        assert session.conversation_id is not None
        saved = store.get_conversation(session.conversation_id)
        assert saved.conversation.title == "notes.md"
        assert saved.messages[0].attachments == (notes,)
        _, turns = build_tree(saved.messages)
        assert turns[0].attachments == (notes,)
        assert "zebra" in history(turns)[0].content
        assert provider.requests[0].messages[0].content == "File: notes.md\n```\nzebra\n```"
        provider.enqueue("again")
        _ = [event async for event in session.edit(0, "what is this?")]  # an edit keeps files
        assert session.turns[0].attachments == (notes,)
        assert "zebra" in provider.requests[1].messages[0].content
