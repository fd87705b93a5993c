"""`chatui ask` tells how a reply ended: refused, stopped by the content filter, or for a reason
it does not know; and an in-stream 400 is a rejected request, not a server fault to retry."""

from __future__ import annotations

from pathlib import Path

import pytest

from chatui.store import TranscriptStore
from tests.test_ask_cli import chatui, env  # noqa: F401  (env: the fixture)
from tests.wireserver import Reply, WireServer

REFUSAL = ["I'm sorry, ", "I can't help with that."]
MODELS = {"chat": "local/test-model", "anthropic": "claude/test-model"}


@pytest.mark.parametrize(
    ("model", "reply"),
    [
        ("chat", Reply(pieces=REFUSAL, refusal=True)),
        ("anthropic", Reply(pieces=REFUSAL, stop_reason="refusal")),
    ],
)
def test_a_refusal_is_printed_and_said_on_stderr_exit_0(
    env: dict[str, str],  # noqa: F811
    wire_server: WireServer,
    tmp_path: Path,
    model: str,
    reply: Reply,
) -> None:
    wire_server.enqueue(reply)
    result = chatui(env, "ask", "-m", MODELS[model], "hi")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "".join(REFUSAL) + "\n"
    assert result.stderr == "chatui: The model refused.\n"
    with TranscriptStore.open(tmp_path / "data" / "chatui.db") as store:
        (summary,) = store.list_conversations()
        saved = store.get_conversation(summary.id).messages[-1]
    assert (saved.role, saved.content, saved.status) == ("assistant", "".join(REFUSAL), "complete")


@pytest.mark.parametrize(
    ("pieces", "exit_code"), [(["Partly ", "said"], 0), ([], 1)], ids=["text", "none"]
)
def test_a_content_filter_stop_is_said_exit_1_only_when_nothing_arrived(
    env: dict[str, str],  # noqa: F811
    wire_server: WireServer,
    pieces: list[str],
    exit_code: int,
) -> None:
    wire_server.enqueue(Reply(pieces=pieces, stop_reason="content_filter"))
    result = chatui(env, "ask", "--no-save", "hi")
    assert result.returncode == exit_code, result.stderr
    assert result.stdout == ("Partly said\n" if pieces else "")
    assert result.stderr == "chatui: Stopped by the provider's content filter.\n"


def test_an_unknown_stop_reason_is_shown_not_fatal(
    env: dict[str, str],  # noqa: F811
    wire_server: WireServer,
) -> None:
    wire_server.enqueue(Reply(pieces=["ok"], stop_reason="guardrail_intervened"))
    result = chatui(env, "ask", "--no-save", "hi")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "ok\n"
    assert "guardrail_intervened" in result.stderr


def test_an_error_chunk_with_code_400_is_a_rejected_request(
    env: dict[str, str],  # noqa: F811
    wire_server: WireServer,
) -> None:
    body = {"error": {"code": 400, "message": "Token limit reached"}}  # OpenRouter
    wire_server.enqueue(Reply(pieces=["a", "b"], error_event_after=1, error_body=body))
    result = chatui(env, "ask", "--no-save", "hi")
    assert result.returncode == 1
    assert result.stdout == "a\n"
    assert "Request rejected" in result.stderr and "Token limit reached" in result.stderr
    assert "try again" not in result.stderr
