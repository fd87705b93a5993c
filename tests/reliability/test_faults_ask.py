"""Fault matrix for `chatui ask`: a clear message on stderr (no traceback), exit code 1, the
partial reply on stdout and in the store with the right status, and a rerun works once the
fault clears. Every run is its own process (see tests/reliability/cli.py).

The cases run side by side (each with its own wire server and data folder) in a module fixture
that records what happened; each test then checks its own case."""

from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from chatui.store.records import MessageRecord
from tests.reliability.cli import Result, run_chatui, start_forkserver
from tests.reliability.faults import FAULTS, MATRIX, MATRIX_IDS, PROMPT, RECOVERED, Fault
from tests.reliability.harness import (
    MODELS,
    Env,
    ServerSwitch,
    chatui_variables,
    messages,
    process_environ,
)
from tests.wireserver import Reply, WireServer


@dataclass(frozen=True)
class Outcome:
    """Both runs of one case: into the fault, and again once it cleared."""

    first: Result
    kept: tuple[MessageRecord, ...]  # the conversation after the first run
    again: Result
    newest: tuple[MessageRecord, ...]  # the newest conversation after the second run
    earlier: tuple[MessageRecord, ...]  # the first run's conversation, after the second
    invalid_requests: list[str]


def play(protocol: str, fault: Fault, root: Path) -> Outcome:
    with WireServer() as wire:
        environ = process_environ(chatui_variables(root, wire.base_url))
        db = root / "data" / "chatui.db"
        server = ServerSwitch(wire)
        server.arm(fault.reply)
        first = run_chatui(environ, "ask", "-m", MODELS[protocol], PROMPT)
        kept = messages(db)
        server.clear(Reply(pieces=[RECOVERED]))
        again = run_chatui(environ, "ask", "-m", MODELS[protocol], PROMPT)
        return Outcome(first, kept, again, messages(db), messages(db, 1), wire.validation_errors)


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Outcome | BaseException]:
    start_forkserver()
    with ThreadPoolExecutor(max_workers=3) as pool:
        futures = {
            name: pool.submit(play, protocol, fault, tmp_path_factory.mktemp(name))
            for name, (protocol, fault) in zip(MATRIX_IDS, MATRIX, strict=True)
        }
    return {name: future.exception() or future.result() for name, future in futures.items()}


@pytest.mark.parametrize(("protocol", "fault"), MATRIX, ids=MATRIX_IDS)
def test_fault(
    protocol: str,
    fault: Fault,
    outcomes: dict[str, Outcome | BaseException],
    request: pytest.FixtureRequest,
) -> None:
    outcome = outcomes[request.node.callspec.id]
    if isinstance(outcome, BaseException):
        raise outcome
    first = outcome.first
    succeeded = fault.status == "complete" and bool(fault.partial)
    assert first.returncode == (0 if succeeded else 1), first.stderr
    if fault.says:
        fault.check_message(first.stderr, protocol, "try again")
        assert first.stderr.startswith("chatui: ") and first.stderr.count("\n") == 1
    else:
        assert first.stderr == ""
    shown = fault.partial + ("\n" if fault.partial and not fault.partial.endswith("\n") else "")
    assert first.stdout == shown  # what arrived was printed (and the line ended)

    user, saved = outcome.kept
    assert (user.role, user.content, user.status) == ("user", PROMPT, "complete")
    assert (saved.role, saved.status, saved.parent_id) == ("assistant", fault.status, user.id)
    assert saved.content == fault.partial
    assert (saved.error is None) == (fault.status == "complete")

    again = outcome.again
    assert (again.returncode, again.stdout, again.stderr) == (0, RECOVERED + "\n", ""), again
    assert [m.content for m in outcome.newest] == [PROMPT, RECOVERED]
    assert outcome.earlier == outcome.kept  # the failed run's record is untouched
    assert outcome.invalid_requests == []


@pytest.mark.parametrize(("protocol", "fault"), [("chat", "401"), ("anthropic", "dropped")])
def test_real_entry_point(protocol: str, fault: str, env: Env, wire_server: WireServer) -> None:
    """The same through `python -m chatui` in a fresh interpreter."""
    case = next(f for f in FAULTS if f.name == fault)
    assert case.reply is not None
    wire_server.enqueue(case.reply)
    result = subprocess.run(
        [sys.executable, "-m", "chatui", "ask", "-m", MODELS[protocol], PROMPT],
        stdin=subprocess.DEVNULL,  # `ask` sends piped stdin with the words
        capture_output=True,
        text=True,
        env=env.environ,
        timeout=60,
    )
    assert result.returncode == 1
    case.check_message(result.stderr, protocol, "try again")
    assert result.stdout == (case.partial + "\n" if case.partial else "")
    reply = messages(env.db)[-1]
    assert (reply.status, reply.content) == ("error", case.partial)
