"""The 30 streams recorded from real servers (`../shared/wire-recordings/`) through `chatui ask`."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from chatui.providers.base import Provider
from chatui.store import TranscriptStore
from tests.test_ask_cli import chatui

#: The recordings are public data the project may not hold: they sit beside the clone (here and
#: in CI), or where CHATUI_WIRE_RECORDINGS says. Their README and run_replay.py say how to use them.
ROOT = Path(__file__).resolve().parents[2]
RECORDINGS = Path(
    os.environ.get("CHATUI_WIRE_RECORDINGS") or ROOT.parent / "shared" / "wire-recordings"
)
CASES = RECORDINGS / "cases"
#: What run_replay.py configures: a read timeout long enough for a busy machine, and the
#: Responses API on the `openai` provider (chatui uses Chat Completions on any other base URL).
CONFIG = "[timeouts]\nconnect = 5\nread = 20\n"
CONFIG_OF = {
    "chat": CONFIG,
    "anthropic": CONFIG,
    "responses": CONFIG + '\n[providers.openai]\napi = "responses"\n',
}


def case_names() -> list[Any]:
    """Each case's name (cases/NAME.json), or one skipped test saying why there are none."""
    names = sorted(path.stem for path in CASES.glob("*.json"))
    if names:
        return names
    reason = f"no wire recordings in {CASES} (set CHATUI_WIRE_RECORDINGS to their folder)"
    return [pytest.param("none", marks=pytest.mark.skip(reason=reason))]


@pytest.fixture(scope="module")
def replay_url() -> Iterator[str]:
    """The recordings' own replay server (imported by path) on a free loopback port: it answers
    each request with the case its `model` names, byte for byte, in 61-byte pieces."""
    spec = importlib.util.spec_from_file_location("replay_server", RECORDINGS / "replay_server.py")
    assert spec is not None and spec.loader is not None
    replay = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(replay)
    handler = replay.Handler
    handler.cases, handler.fixed_case, handler.quiet = replay.Cases(str(CASES)), None, True
    handler.piece_size, handler.max_pieces, handler.delay = 61, 400, 0.002
    server = replay.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def ask_environ(protocol: str, url: str, folder: Path) -> dict[str, str]:
    """This environment without chatui's or either SDK's variables, plus a fake key and the
    base URL of the provider that speaks `protocol`, the config and a data folder."""
    environ = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("OPENAI_", "ANTHROPIC_", "CHATUI_"))
    }
    config = folder / "config.toml"
    config.write_text(CONFIG_OF[protocol])
    environ.update(CHATUI_CONFIG=str(config), CHATUI_DATA_DIR=str(folder / "data"))
    if protocol == "anthropic":
        environ.update(ANTHROPIC_API_KEY="sk-x", ANTHROPIC_BASE_URL=url)
    else:
        environ.update(OPENAI_API_KEY="sk-x", OPENAI_BASE_URL=f"{url}/v1")
    return environ


def without_last_newline(text: str) -> str:
    """`chatui ask` ends the answer's last line itself: one trailing newline is not compared."""
    return text.removesuffix("\n")


def printed_problems(case: dict[str, Any], code: int, stdout: str, stderr: str) -> list[str]:
    """How `chatui ask --no-save` differed from what the recording says the user should see."""
    problems = []
    if without_last_newline(stdout) != without_last_newline(case["expected_text"]):
        problems.append(f"stdout {stdout!r}, expected {case['expected_text']!r}")
    if code != case["expect_exit"]:
        problems.append(f"exit code {code}, expected {case['expect_exit']}")
    if case.get("expect_stderr") and not re.search(case["expect_stderr"], stderr):
        problems.append(f"stderr {stderr!r} lacks /{case['expect_stderr']}/")
    return problems


def saved_problems(case: dict[str, Any], database: Path) -> list[str]:
    """How the saved reply differed from the recording: its answer, its reasoning, and its token
    counts where the stream reported them."""
    if not database.exists():
        return ["nothing saved"]
    with TranscriptStore.open(database) as store:
        summaries = store.list_conversations()
        messages = store.get_conversation(summaries[0].id).messages if summaries else []
    reply = next((message for message in messages if message.role == "assistant"), None)
    if reply is None:
        return [f"no saved reply among {[message.role for message in messages]}"]
    problems = []
    if without_last_newline(reply.content) != without_last_newline(case["expected_text"]):
        problems.append(
            f"answer saved {reply.content!r:.300}, expected {case['expected_text']!r:.300}"
        )
    if reply.reasoning != case.get("expected_reasoning", ""):
        expected = case.get("expected_reasoning", "")
        problems.append(f"reasoning saved {reply.reasoning!r:.300}, expected {expected!r:.300}")
    tokens = [reply.input_tokens, reply.output_tokens]
    if case.get("expected_usage") and tokens != case["expected_usage"]:
        problems.append(f"tokens saved {tokens}, the stream reported {case['expected_usage']}")
    return problems


@pytest.mark.parametrize("name", case_names())
def test_recorded_stream_reads_as_the_server_meant(
    name: str, replay_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As run_replay.py --saved checks it: `chatui ask --no-save` prints the answer and exits
    as the recording says; asked again and saved, it exits the same and the reply holds the
    answer, its reasoning and tokens."""
    case = json.loads((CASES / f"{name}.json").read_text(encoding="utf-8"))
    provider = "anthropic" if case["protocol"] == "anthropic" else "openai"
    ask = ("ask", "-m", f"{provider}/{name}", "hi")
    # a stream error some servers send may be retried: how long chatui waits between is not
    # what this test is about
    monkeypatch.setattr(Provider, "retry_base_delay", 0.01)

    unsaved = chatui(ask_environ(case["protocol"], replay_url, tmp_path), *ask, "--no-save")
    problems = printed_problems(case, unsaved.returncode, unsaved.stdout, unsaved.stderr)
    (tmp_path / "saved").mkdir()
    saved = chatui(ask_environ(case["protocol"], replay_url, tmp_path / "saved"), *ask)
    if saved.returncode != case["expect_exit"]:
        problems.append(f"saved run: exit code {saved.returncode}, expected {case['expect_exit']}")
    problems += saved_problems(case, tmp_path / "saved" / "data" / "chatui.db")

    assert problems == [], f"{case['notes']}\n" + "\n".join(problems)
