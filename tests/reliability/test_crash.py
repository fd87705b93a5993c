"""kill -9 of the full-screen app while a reply streams: on restart the conversation holds the
user message and the reply up to the last flush (at most a second lost), marked interrupted,
and `chatui --continue` carries on with that history."""

from __future__ import annotations

import os
import signal
import sqlite3
import time

from chatui.store import TranscriptStore
from chatui.store.records import MessageRecord
from tests.reliability.harness import Env, messages
from tests.reliability.terminal import Tmux
from tests.wireserver import Reply, WireServer

INTERVAL = 0.01  # seconds between words: 100 words a second
STORY = "Tell me a long story"


def saved_words(env: Env) -> int:
    """Words of the streaming reply saved so far (read-only: the app is writing)."""
    if not env.db.exists():
        return 0
    with sqlite3.connect(f"file:{env.db}?mode=ro", uri=True) as conn:
        row = conn.execute("SELECT content FROM messages WHERE role = 'assistant'").fetchone()
    return len(row[0].split()) if row else 0


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def done(saved: tuple[MessageRecord, ...]) -> bool:
    return len(saved) == 4 and saved[-1].status == "complete"


def test_kill_9_then_continue(env: Env, wire_server: WireServer) -> None:
    wire_server.enqueue(Reply(pieces=[f"w{i} " for i in range(3000)], interval=INTERVAL))
    with Tmux(env.root, env.environ) as term:
        pid = term.start()
        term.wait_for(lambda: "oai/test-model" in term.screen(), "the app to start")
        term.type(STORY)
        term.keys("Enter")
        term.wait_for(lambda: saved_words(env) >= 50, "the reply to be flushed", timeout=30)
        time.sleep(1.2)
        started = wire_server.generation_requests[0].received_at
        sent = (time.perf_counter() - started) / INTERVAL  # words sent so far, at most
        assert "w40" in term.screen()  # the reply was on screen
        os.kill(pid, signal.SIGKILL)
        term.wait_for(lambda: not alive(pid), "tmux to reap the killed app")
    with TranscriptStore.open(env.db) as store:
        assert store.recover_interrupted() == 1
    user, reply = messages(env.db)
    assert (user.role, user.content, user.status) == ("user", STORY, "complete")
    assert (reply.role, reply.status, reply.parent_id) == ("assistant", "interrupted", user.id)
    words = reply.content.split()
    assert words == [f"w{i}" for i in range(len(words))]  # in order, nothing garbled
    assert len(words) >= sent - 1.0 / INTERVAL, (len(words), sent)  # at most 1 s of text lost

    with Tmux(env.root, env.environ) as term:
        term.start("--continue")
        term.wait_for(lambda: "interrupted" in term.screen(), "the conversation to reopen")
        term.type("Go on")
        term.keys("Enter")
        term.wait_for(lambda: len(wire_server.generation_requests) == 2, "the second request")
        term.wait_for(lambda: done(messages(env.db)), "the second reply to be saved")
        term.keys("C-q")
    body = wire_server.generation_requests[1].body
    assert [(m["role"], m["content"]) for m in body["messages"]] == [
        ("user", STORY),
        ("assistant", reply.content),
        ("user", "Go on"),
    ]
    kept = messages(env.db)
    assert [(m.role, m.status) for m in kept] == [
        ("user", "complete"),
        ("assistant", "interrupted"),
        ("user", "complete"),
        ("assistant", "complete"),
    ]
    assert kept[1].content == reply.content and kept[3].content == "Hello world"
