"""Several writers on one history, and secrets: two app instances (real processes in terminals)
stream into one database at once, and so do two `chatui ask` processes with the app; nothing is
lost; API keys never reach a file, a screen or a message;
data files are private."""

from __future__ import annotations

import stat
import threading
from pathlib import Path

import pytest

from chatui.store import TranscriptStore
from tests.reliability.cli import Result, run_chatui, start_forkserver
from tests.reliability.harness import KEYS, MODELS, SECRET_MARK, Env, conversation_ids, messages
from tests.reliability.terminal import Tmux
from tests.reliability.tui import notices, send, settle
from tests.wireserver import Reply, WireServer


def words(tag: str) -> list[str]:
    return [f"{tag}{i} " for i in range(300)]


def saved_replies(env: Env) -> dict[str, str]:
    """question -> its reply, for every conversation whose reply is complete."""
    if not env.db.exists():
        return {}
    saved = {}
    for index in range(len(conversation_ids(env.db))):
        kept = messages(env.db, index)
        if len(kept) == 2 and kept[1].status == "complete":
            assert kept[1].parent_id == kept[0].id
            saved[kept[0].content] = kept[1].content
    return saved


def test_two_app_instances_stream_into_one_store(env: Env, wire_server: WireServer) -> None:
    tags = ("left", "right")  # 6 s each: the second app may still be importing its SDK
    wire_server.enqueue(*(Reply(pieces=words(tag), interval=0.02) for tag in tags))
    with Tmux(env.root, env.environ, "one") as one, Tmux(env.root, env.environ, "two") as two:
        for term, model in ((one, MODELS["chat"]), (two, MODELS["anthropic"])):
            term.start("-m", model)
            term.wait_for(lambda t=term, m=model: m in t.screen(), "the app to start")  # type: ignore[misc]
        for term, question in ((one, "from one"), (two, "from two")):
            term.type(question)
            term.keys("Enter")
        one.wait_for(lambda: len(wire_server.generation_requests) == 2, "both requests")
        first, second = wire_server.generation_requests
        assert first.finished_at is None or second.received_at < first.finished_at  # at once
        one.wait_for(lambda: len(saved_replies(env)) == 2, "both replies to be saved", 40)
        for term in (one, two):
            assert "Not saved" not in term.screen() and "Traceback" not in term.screen()
            term.keys("C-q")
    assert set(saved_replies(env)) == {"from one", "from two"}
    assert set(saved_replies(env).values()) == {"".join(words(tag)) for tag in tags}


async def test_two_processes_and_the_app_stream_into_one_store(
    env: Env, wire_server: WireServer
) -> None:
    # each writer gets one of these, in whatever order their requests arrive: 1.5 s each
    tags = ("first", "second", "third")
    wire_server.enqueue(*(Reply(pieces=words(tag), interval=0.005) for tag in tags))
    results: list[Result] = []

    def ask(model: str) -> None:
        results.append(run_chatui(env.environ, "ask", "-m", model, f"ask via {model}"))

    start_forkserver()
    app = env.make_app(MODELS["anthropic"])
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        others = [threading.Thread(target=ask, args=(MODELS[p],)) for p in ("chat", "responses")]
        for thread in others:
            thread.start()
        assert wire_server.wait_for_requests(len(wire_server.requests) + 2, timeout=20)
        with TranscriptStore.open(env.db) as third:  # a third window starting meanwhile
            assert third.recover_interrupted() == 0  # never interrupts live writers' replies
        await send(pilot, "from the app")
        for thread in others:
            thread.join(30)
        assert not notices(app)  # no "not saved", no error
    assert [r.returncode for r in results] == [0, 0], [r.stderr for r in results]
    expected = {"".join(words(tag)) for tag in tags}
    saved: dict[str, str] = {}
    for index in range(len(conversation_ids(env.db))):
        user, reply = messages(env.db, index)
        assert reply.status == "complete" and reply.parent_id == user.id
        saved[user.content] = reply.content
    assert set(saved) == {"from the app", "ask via oai/test-model", "ask via resp/test-model"}
    assert set(saved.values()) == expected  # every word of every reply, none mixed up
    printed = {r.stdout.rstrip("\n") for r in results}
    assert printed == {saved["ask via oai/test-model"], saved["ask via resp/test-model"]}


def files_under(root: Path) -> dict[Path, bytes]:
    return {path: path.read_bytes() for path in root.rglob("*") if path.is_file()}


async def test_keys_never_leak_and_files_are_private(
    env: Env, wire_server: WireServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(env.root)  # the app exports here
    wire_server.api_key = "sk-the-server-wants-another-key"  # and quotes the one it got, in full
    seen: list[str] = []
    for protocol in MODELS:
        result = run_chatui(env.environ, "ask", "-m", MODELS[protocol], "who am I?")
        assert result.returncode == 1 and "Authentication failed" in result.stderr
        seen += [result.stdout, result.stderr]
    assert any(KEYS["OAI_KEY"][-4:] in text for text in seen)  # the quote, masked
    app = env.make_app(MODELS["chat"])
    async with app.run_test(size=(120, 30)) as pilot:
        await send(pilot, "who am I?")
        assert "Authentication failed" in notices(app)[-1]
        seen += [*notices(app), app.export_screenshot()]
        wire_server.api_key = None
        await send(pilot, "and now?")
        seen.append(app.export_screenshot())
        await pilot.press("ctrl+b")
        await settle(pilot)
        await pilot.press("ctrl+e")  # export Markdown, then JSON
        await pilot.press("ctrl+s")
        await settle(pilot)
        seen.append(app.export_screenshot())
    result = run_chatui(env.environ, "history", "export", conversation_ids(env.db)[0])
    seen += [result.stdout, result.stderr]
    sent = [r.headers.get("authorization", "") + r.headers.get("x-api-key", "") for r in
            wire_server.generation_requests]  # fmt: skip
    assert any(KEYS["OAI_KEY"] in h for h in sent) and any(KEYS["CLAUDE_KEY"] in h for h in sent)

    written = files_under(env.root)
    assert len(list(env.root.glob("chatui-*.md"))) == 1 and len(list(env.root.glob("*.json"))) == 1
    for path, blob in written.items():
        assert SECRET_MARK.encode() not in blob, path
    for text in seen:
        assert SECRET_MARK not in text, text[:300]
    assert stat.S_IMODE(env.data.stat().st_mode) == 0o700
    private = [*env.data.iterdir(), *env.root.glob("chatui-*")]
    assert {stat.S_IMODE(path.stat().st_mode) for path in private} == {0o600}, private
