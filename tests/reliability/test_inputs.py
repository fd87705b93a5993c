"""Bad input and bad files: a 1 MB paste, broken configs, a missing key, an unknown model, and
damaged, read-only, full or too-new databases. Each gets a clear message; nothing already saved
is lost or overwritten."""

from __future__ import annotations

import asyncio
import re
from contextlib import nullcontext

import pytest
from textual import events

from chatui.ui.chat.prompt import PromptInput
from tests.reliability.cli import run_chatui
from tests.reliability.files import (
    fill_disk,
    from_newer_version,
    full_disk_after_open,
    read_only,
    seed_earlier,
)
from tests.reliability.harness import MODELS, Env, conversation_ids, messages
from tests.reliability.terminal import Tmux
from tests.reliability.tui import (
    MAX_FREEZE,
    chat,
    notices,
    replies,
    responsive,
    send,
    settle,
    watch_loop,
)
from tests.wireserver import Reply, WireServer

LONG = "".join(
    f"Paragraph {i} of a long answer that will not fit. " * 6 + "\n\n" for i in range(200)
)
PASTE = "".join(f"{i:06d} pasted log line with some words in it\n" for i in range(23_000))


@pytest.mark.timing
async def test_1mb_paste_is_sent_and_saved(env: Env, wire_server: WireServer) -> None:
    assert len(PASTE) > 1_000_000
    app = env.make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        prompt = app.query_one(PromptInput)
        gaps: list[float] = []
        watcher = asyncio.ensure_future(watch_loop(gaps))
        app.post_message(events.Paste(PASTE))  # as the terminal delivers it
        await pilot.pause()
        assert prompt.text == PASTE
        await pilot.press("enter")
        await settle(pilot)
        watcher.cancel()
        assert max(gaps) < MAX_FREEZE, max(gaps)
        assert prompt.text == ""
        await responsive(pilot)
        assert replies(app)[-1].text == "Hello world"
    assert wire_server.generation_requests[-1].body["messages"][-1]["content"] == PASTE
    user, reply = messages(env.db)
    assert (user.content, reply.content, reply.status) == (PASTE, "Hello world", "complete")


BROKEN_CONFIGS = {
    "toml-syntax": ('default_model = "oai/test-model"\nmax_tokens = = 5\n', 2, "invalid TOML"),
    "wrong-type": ('max_tokens = "many"\n', 1, "max_tokens: expected int"),
    "unknown-setting": ("[timeouts]\nread = 1\nraed = 3\n", 3, "timeouts.raed: unknown setting"),
    "zero-timeout": ("[timeouts]\nread = 0\n", 2, "timeouts.read: must be a number of seconds"),
    "bad-kind": ('[providers.x]\nkind = "telepathy"\n', 2, "kind: must be one of"),
}


@pytest.mark.parametrize("name", BROKEN_CONFIGS)
@pytest.mark.parametrize("command", [["ask", "hello"], []], ids=["ask", "tui"])
def test_invalid_config_says_file_line_problem(name: str, command: list[str], env: Env) -> None:
    text, line, problem = BROKEN_CONFIGS[name]
    env.config.write_text(text)
    result = run_chatui(env.environ, *command)
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    assert result.stderr.startswith(f"chatui: Configuration problem: {env.config}")
    assert problem in result.stderr
    assert re.search(rf"line {line}\b", result.stderr), result.stderr
    assert "Traceback" not in result.stderr and result.stderr.count("\n") == 1
    assert not env.data.exists()  # nothing was created or changed


async def test_missing_key_names_the_variable(
    env: Env, wire_server: WireServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    del env.environ["CLAUDE_KEY"]
    result = run_chatui(env.environ, "ask", "-m", MODELS["anthropic"], "hello")
    assert result.returncode == 1 and result.stdout == ""
    assert "set CLAUDE_KEY in the environment" in result.stderr
    assert "Traceback" not in result.stderr
    assert [m.content for m in messages(env.db)] == ["hello", ""]  # the question is kept

    monkeypatch.delenv("CLAUDE_KEY")
    app = env.make_app(MODELS["anthropic"])
    async with app.run_test(size=(100, 30)) as pilot:
        await send(pilot, "hello")
        assert "set CLAUDE_KEY in the environment" in notices(app)[-1]
        await responsive(pilot)
    assert wire_server.generation_requests == []  # nothing was sent without a key


def test_unknown_model(env: Env, wire_server: WireServer) -> None:
    wire_server.known_models = {"test-model"}
    result = run_chatui(env.environ, "ask", "-m", "oai/no-such-model", "hello")
    assert result.returncode == 1
    assert "Model not found" in result.stderr and "no-such-model" in result.stderr
    assert "pick another model" in result.stderr
    for command in (["ask", "-m", "nowhere/model", "hello"], ["-m", "nowhere/model"]):
        result = run_chatui(env.environ, *command)
        assert result.returncode == 2 and "unknown model 'nowhere/model'" in result.stderr
        assert "Traceback" not in result.stderr


def test_ask_with_corrupt_database(env: Env) -> None:
    env.data.mkdir()
    garbage = b"this is not a database, but it may be someone's only copy " * 50
    env.db.write_bytes(garbage)
    result = run_chatui(env.environ, "ask", "hello")
    assert result.returncode == 0 and result.stdout == "Hello world\n"
    (moved,) = env.data.glob("chatui.db.corrupt-*")
    assert result.stderr == f"chatui: {env.db} was damaged; it was moved to {moved}\n"
    assert moved.read_bytes() == garbage  # set aside, byte for byte
    assert [m.content for m in messages(env.db)] == ["hello", "Hello world"]


def test_ask_with_read_only_newer_or_full_database(env: Env, wire_server: WireServer) -> None:
    earlier, saved = seed_earlier(env.db)
    with read_only(env.data, env.db):
        result = run_chatui(env.environ, "ask", "hello")
    assert env.db.read_bytes() == saved
    assert (result.returncode, result.stdout) == (0, "Hello world\n")  # answered all the same
    assert result.stderr.startswith("chatui: not saved: cannot open the database")
    assert "writable" in result.stderr

    wire_server.enqueue(Reply.from_text(LONG, size=512))
    result = run_chatui(env.environ, "ask", "hello", setup=full_disk_after_open)
    assert (result.returncode, result.stdout) == (0, LONG)
    assert re.fullmatch(r"chatui: not saved: .* was not saved: the disk holding \S+ is full\n",
                        result.stderr), result.stderr  # fmt: skip
    assert conversation_ids(env.db)[-1] == earlier

    from_newer_version(env.db)
    before = env.db.read_bytes()
    result = run_chatui(env.environ, "ask", "hello")
    assert (result.returncode, result.stdout) == (0, "Hello world\n")
    assert "newer version of chatui" in result.stderr and "left untouched" in result.stderr
    assert env.db.read_bytes() == before  # refused, untouched


@pytest.mark.parametrize("disk", ["full", "read-only file"])
async def test_reply_stays_on_screen_when_not_saved(
    disk: str, env: Env, wire_server: WireServer
) -> None:
    earlier, _ = seed_earlier(env.db)
    wire_server.enqueue(Reply.from_text(LONG, size=512))
    with read_only(env.db) if disk != "full" else nullcontext():
        app = env.make_app()
        async with app.run_test(size=(100, 30)) as pilot:
            store = app.store
            assert store is not None
            if disk == "full":
                fill_disk(store)
            await send(pilot, "Tell me")
            assert replies(app)[-1].text == LONG  # still on screen
            said = " ".join(notices(app))
            assert "Not saved" in said and "continues unsaved" in said
            assert ("is full" if disk == "full" else "read-only") in said
            await send(pilot, "And more")  # the conversation goes on, in memory
            session = chat(app).session
            assert session is not None and session.turns[-1].content == "Hello world"
            await responsive(pilot)
    ids = conversation_ids(env.db)
    assert earlier in ids
    kept = messages(env.db, ids.index(earlier))
    assert [m.content for m in kept] == ["Remember this", "Remembered."]  # nothing lost


@pytest.mark.parametrize("problem", ["corrupt", "newer", "read-only folder"])
def test_tui_starts_and_says_what_happened(problem: str, env: Env) -> None:
    env.data.mkdir()
    if problem == "corrupt":
        env.db.write_bytes(b"\x00garbage" * 100)
        expected = "damaged; it was moved to"
    else:
        seed_earlier(env.db)
        expected = "History is off for this session"
        if problem == "newer":
            from_newer_version(env.db)
    before = env.db.read_bytes()
    guard = read_only(env.data, env.db) if problem == "read-only folder" else nullcontext()
    with guard, Tmux(env.root, env.environ) as term:
        term.start()
        term.wait_for(lambda: expected in " ".join(term.screen().split()), "the notice")
        term.type("hi")
        term.keys("Enter")
        term.wait_for(lambda: "Hello world" in term.screen(), "the reply")
        term.keys("C-q")
    if problem == "corrupt":
        (moved,) = env.data.glob("chatui.db.corrupt-*")
        assert moved.read_bytes() == before
    else:
        assert env.db.read_bytes() == before  # refused or unwritable: untouched
