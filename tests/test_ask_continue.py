"""`chatui ask -c` / `--conversation ID` continue a saved conversation against the loopback wire
server, in this process; a history too long for the model sends what fits, or fails, as
`--on-overflow` (or the config) says, also after the server rejects it as too long."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from chatui.store import TranscriptStore
from tests.providers.test_overflow import LLAMA
from tests.test_ask_cli import chatui, cli_environ, wire_config
from tests.wireserver import Reply, WireServer

LONG = 40  # messages in the seeded conversation


@pytest.fixture
def env(tmp_path: Path, wire_server: WireServer) -> dict[str, str]:
    return cli_environ(tmp_path, wire_config(wire_server))


def database(tmp_path: Path) -> Path:
    return tmp_path / "data" / "chatui.db"


def seed(tmp_path: Path, model: str, messages: int = LONG) -> str:
    """A saved conversation of `messages` long messages (about 100 tokens each), its replies by
    `local/MODEL`; its id."""
    with TranscriptStore.open(database(tmp_path)) as store:
        record = store.create_conversation(title="long")
        parent = None
        for number in range(messages):
            reply = number % 2 == 1
            saved = store.add_message(
                record.id,
                "assistant" if reply else "user",
                f"message {number}: " + "the quick brown fox jumps over a lazy dog " * 10,
                parent_id=parent,
                provider="local" if reply else None,
                model=model if reply else None,
            )
            parent = saved.id
    return record.id


def saved_messages(tmp_path: Path, conversation_id: str) -> list[tuple[str, str]]:
    with TranscriptStore.open(database(tmp_path)) as store:
        messages = store.get_conversation(conversation_id).messages
    return [(m.role, m.content) for m in messages]


def small_window_env(tmp_path: Path, wire_server: WireServer, extra: str = "") -> dict[str, str]:
    """`local/tiny` has a 2,048-token window (the config says); `local/big` an unknown one."""
    config = wire_config(wire_server).replace(
        "[providers.local]\n", '[providers.local]\nmodels."tiny" = { context = 2048 }\n'
    )
    return cli_environ(tmp_path, extra + config)


def sent(wire_server: WireServer, index: int = -1) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = wire_server.generation_requests[index].body["messages"]
    return messages


def test_continue_sends_the_history_and_saves_the_question(
    env: dict[str, str], wire_server: WireServer, tmp_path: Path
) -> None:
    wire_server.enqueue(Reply(pieces=["Paris."]), Reply(pieces=["About 2.1 million."]))
    assert chatui(env, "ask", "-m", "local/other", "Capital of France?").returncode == 0
    result = chatui(env, "ask", "-c", "How many live there?")
    assert (result.returncode, result.stdout) == (0, "About 2.1 million.\n"), result.stderr
    assert sent(wire_server) == [
        {"role": "user", "content": "Capital of France?"},
        {"role": "assistant", "content": "Paris."},
        {"role": "user", "content": "How many live there?"},
    ]
    assert wire_server.generation_requests[-1].body["model"] == "other"  # the conversation's
    with TranscriptStore.open(database(tmp_path)) as store:
        (summary,) = store.list_conversations()
    assert saved_messages(tmp_path, summary.id)[2:] == [
        ("user", "How many live there?"),
        ("assistant", "About 2.1 million."),
    ]
    wire_server.enqueue(Reply(pieces=["Yes."]))
    assert chatui(env, "ask", "-c", "--no-save", "Sure?").returncode == 0
    assert len(sent(wire_server)) == 5  # the history went with it, and nothing was saved:
    assert len(saved_messages(tmp_path, summary.id)) == 4


def test_conversation_by_prefix_and_unknown_or_ambiguous_prefixes(
    env: dict[str, str], wire_server: WireServer, tmp_path: Path
) -> None:
    wire_server.enqueue(Reply(pieces=["one"]), Reply(pieces=["two"]), Reply(pieces=["again"]))
    for question in ("first?", "second?"):
        assert chatui(env, "ask", question).returncode == 0
    with TranscriptStore.open(database(tmp_path)) as store:
        ids = [summary.id for summary in store.list_conversations()]
        first = ids[1]  # the older one: -c would take the other
        prefix = store.short_ids([first])[first]
    assert len(prefix) < len(first)
    result = chatui(env, "ask", "--conversation", prefix.lower(), "and?")
    assert (result.returncode, result.stdout) == (0, "again\n"), result.stderr
    assert [m["content"] for m in sent(wire_server)] == ["first?", "one", "and?"]
    assert saved_messages(tmp_path, first)[-1] == ("assistant", "again")

    asked = len(wire_server.generation_requests)
    differs = next(i for i, (a, b) in enumerate(zip(*ids, strict=True)) if a != b)
    shared = ids[0][:differs]  # made a moment apart: their ids share the time part
    for typed, problem in (
        ("ZZZZZZZZ", "no conversation id starts with 'ZZZZZZZZ'"),
        (shared, "matches several conversations"),
    ):
        result = chatui(env, "ask", "--conversation", typed, "hello?")
        assert result.returncode == 2, result.stderr
        assert problem in result.stderr and "Traceback" not in result.stderr
    assert len(wire_server.generation_requests) == asked
    result = chatui(env, "ask", "-c", "--conversation", prefix, "hi")
    assert result.returncode == 2 and "not allowed with" in result.stderr


def test_continue_without_any_conversation_says_so(env: dict[str, str]) -> None:
    result = chatui(env, "ask", "-c", "hello?")
    assert result.returncode == 1
    assert "there is no saved conversation to continue" in result.stderr


def test_window_sends_the_newest_messages_that_fit(tmp_path: Path, wire_server: WireServer) -> None:
    conversation_id = seed(tmp_path, "tiny")
    wire_server.enqueue(Reply(pieces=["short answer"]))
    result = chatui(small_window_env(tmp_path, wire_server), "ask", "-c", "What now?")
    assert (result.returncode, result.stdout) == (0, "short answer\n"), result.stderr
    messages = sent(wire_server)
    assert 1 < len(messages) < LONG and messages[-1]["content"] == "What now?"
    assert messages[0]["role"] == "user"  # a question and its reply are never split
    note = f"chatui: sent the last {len(messages)} of {LONG + 1} messages: "
    assert note + "local/tiny's window is 2,048 tokens" in result.stderr
    assert len(saved_messages(tmp_path, conversation_id)) == LONG + 2  # nothing was deleted


def test_the_config_policy_ask_means_window_and_fail_sends_nothing(
    tmp_path: Path, wire_server: WireServer
) -> None:
    conversation_id = seed(tmp_path, "tiny")
    env = small_window_env(tmp_path, wire_server, 'on_overflow = "ask"\n')
    result = chatui(env, "ask", "-c", "--on-overflow", "fail", "What now?")
    assert (result.returncode, result.stdout) == (1, "")
    assert "does not fit local/tiny's window of 2,048 tokens: not sent" in result.stderr
    assert wire_server.generation_requests == []
    assert len(saved_messages(tmp_path, conversation_id)) == LONG  # the question not added
    wire_server.enqueue(Reply(pieces=["ok"]))
    result = chatui(env, "ask", "-c", "What now?")
    assert result.returncode == 0 and "sent the last" in result.stderr


def test_a_rejection_as_too_long_is_asked_again_with_what_fits(
    tmp_path: Path, wire_server: WireServer
) -> None:
    seed(tmp_path, "big")  # nobody says its window: all of it is sent
    wire_server.enqueue(Reply(status=400, error_body=LLAMA), Reply(pieces=["fits now"]))
    result = chatui(small_window_env(tmp_path, wire_server), "ask", "-c", "What now?")
    assert (result.returncode, result.stdout) == (0, "fits now\n"), result.stderr
    first, second = wire_server.generation_requests
    assert len(first.body["messages"]) == LONG + 1
    retried = len(second.body["messages"])
    assert 1 < retried < LONG and second.body["messages"][-1]["content"] == "What now?"
    assert (
        f"local/big rejected the request as too long; sent the last {retried} of {LONG + 1} "
        "messages: local/big's window is 2,048 tokens"
    ) in result.stderr

    wire_server.enqueue(Reply(status=400, error_body=LLAMA), Reply(pieces=["never"]))
    result = chatui(small_window_env(tmp_path, wire_server), "ask", "-c", "--on-overflow",
                    "fail", "And?")  # fmt: skip
    assert result.returncode == 1 and "Too long for the model" in result.stderr
    assert len(wire_server.generation_requests) == 3  # fail: rejected, not asked again


def test_compact_summarises_the_earlier_messages_then_sends(
    tmp_path: Path, wire_server: WireServer
) -> None:
    seed(tmp_path, "tiny")
    env = small_window_env(tmp_path, wire_server, 'on_overflow = "compact"\n')
    wire_server.enqueue(Reply(pieces=["They counted ", "things."]), Reply(pieces=["ok"]))
    result = chatui(env, "ask", "-c", "What now?")
    assert result.returncode == 0, result.stderr
    assert "compacting: local/tiny summarises" in result.stderr  # no bigger window is known
    assert re.search(r"compacted: [\d,]+ earlier messages summarised", result.stderr)
    summarise, answer = wire_server.generation_requests
    assert "Summarise the conversation" in summarise.body["messages"][-1]["content"]
    system, *rest = answer.body["messages"]
    assert system["role"] == "system" and "They counted things." in system["content"]
    assert rest[-1] == {"role": "user", "content": "What now?"}
    assert result.stdout.strip() == "ok"


def test_compact_that_fails_falls_back_to_the_newest_messages(
    tmp_path: Path, wire_server: WireServer
) -> None:
    seed(tmp_path, "tiny")
    env = small_window_env(tmp_path, wire_server)
    wire_server.enqueue(Reply(status=400), Reply(pieces=["ok"]))
    result = chatui(env, "ask", "-c", "--on-overflow", "compact", "What now?")
    assert result.returncode == 0, result.stderr
    assert "compacting failed" in result.stderr
    assert re.search(r"sent the last \d+ of 41 messages", result.stderr)


def test_the_window_the_server_says_is_asked_before_sending(
    tmp_path: Path, wire_server: WireServer
) -> None:
    """Nobody has said `local/big`'s window, but its server does (llama-server's /props:
    2,048): the first request already holds only what fits, and none is rejected."""
    wire_server.persona = "llama-server"
    seed(tmp_path, "big")
    wire_server.enqueue(Reply(pieces=["fits"]))
    result = chatui(small_window_env(tmp_path, wire_server), "ask", "-c", "What now?")
    assert (result.returncode, result.stdout) == (0, "fits\n"), result.stderr
    (request,) = wire_server.generation_requests
    messages = request.body["messages"]
    assert 1 < len(messages) < LONG and messages[-1]["content"] == "What now?"
    note = f"sent the last {len(messages)} of {LONG + 1} messages: local/big's window is 2,048"
    assert note in result.stderr and "rejected" not in result.stderr
