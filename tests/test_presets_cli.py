"""`chatui -p NAME` and `chatui ask -p NAME`: presets from the config, and unknown ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from chatui.cli.main import main
from chatui.core import ModelRef
from chatui.services.session.settings import ConversationSettings
from chatui.store import TranscriptStore
from chatui.ui.app import ChatApp
from tests.test_ask_cli import chatui, cli_environ, wire_config
from tests.wireserver import Reply, WireServer


@pytest.fixture
def env(tmp_path: Path, wire_server: WireServer) -> dict[str, str]:
    return cli_environ(
        tmp_path,
        'system_prompt = "default prompt"\n'
        + wire_config(wire_server)
        + '[presets.pirate]\nsystem_prompt = "Talk like a pirate."\ntemperature = 0.7\n'
        'max_tokens = 222\nmodel = "claude/claude-test"\n'
        "[presets.cold]\ntemperature = 0.0\n",
    )


def test_ask_with_a_preset_sends_its_settings_and_model(
    env: dict[str, str], wire_server: WireServer, tmp_path: Path
) -> None:
    wire_server.enqueue(Reply(pieces=["Arr"]))
    result = chatui(env, "ask", "-p", "pirate", "Hello")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "Arr\n"
    request = wire_server.generation_requests[-1]
    assert request.path == "/v1/messages" and request.body["model"] == "claude-test"
    assert request.body["system"] == "Talk like a pirate."
    assert (request.body["temperature"], request.body["max_tokens"]) == (0.7, 222)
    with TranscriptStore.open(tmp_path / "data" / "chatui.db") as store:
        (summary,) = store.list_conversations()
        record = store.get_conversation(summary.id).conversation
    assert record.system_prompt == "Talk like a pirate."
    assert record.settings == {"temperature": 0.7, "max_tokens": 222, "preset": "pirate"}


def test_ask_options_override_the_preset(env: dict[str, str], wire_server: WireServer) -> None:
    wire_server.enqueue(Reply(pieces=["ok"]))
    result = chatui(
        env, "ask", "--preset", "cold", "-m", "local/test-model", "-s", "Own.", "--no-save", "hi"
    )
    assert result.returncode == 0, result.stderr
    body = wire_server.generation_requests[-1].body
    assert body["messages"][0] == {"role": "system", "content": "Own."}
    assert body["temperature"] == 0.0 and body["max_tokens"] == 4096


@pytest.mark.parametrize("command", [["ask", "-p", "nope", "hi"], ["-p", "nope"]])
def test_unknown_preset_lists_the_defined_ones(env: dict[str, str], command: list[str]) -> None:
    result = chatui(env, *command)
    assert result.returncode == 2
    assert "unknown preset 'nope' (defined: cold, pirate)" in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_tui_starts_with_the_preset(env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    started: list[ChatApp] = []
    monkeypatch.setattr(ChatApp, "run", lambda self, *a, **k: started.append(self))
    assert main(["-p", "pirate", "Ahoy"]) == 0
    (app,) = started
    assert app.start.model == ModelRef("claude", "claude-test")
    assert app.start.prompt == "Ahoy"
    assert app.start_settings == ConversationSettings("Talk like a pirate.", 0.7, 222, "pirate")
    assert main(["--preset", "cold", "-m", "local/test-model"]) == 0
    assert started[1].start.model == ModelRef("local", "test-model")
    assert started[1].start_settings == ConversationSettings("default prompt", 0.0, 4096, "cold")
    assert started[1].store is not None
    started[1].store.close()
    assert app.store is not None
    app.store.close()
