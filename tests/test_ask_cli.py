"""`chatui ask` end to end against the loopback wire server: in this process, and as a real
process where only that shows it (exit codes, signals)."""

from __future__ import annotations

import contextlib
import io
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from chatui.cli.main import main
from chatui.store import TranscriptStore
from tests.wireserver import Reply, WireServer


def cli_environ(tmp_path: Path, config_text: str) -> dict[str, str]:
    """The environment for a `chatui` subprocess: this config, a private data folder, no real
    API keys, and the test key of the `claude` provider."""
    config = tmp_path / "config.toml"
    config.write_text(config_text)
    environ = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")}
    environ.update(
        CHATUI_CONFIG=str(config),
        CHATUI_DATA_DIR=str(tmp_path / "data"),
        CLAUDE_TEST_KEY="sk-ant-secret-value",
    )
    return environ


def wire_config(wire_server: WireServer) -> str:
    """`local` (Chat Completions, the default) and `claude` (Anthropic) on the wire server."""
    return (
        f'default_model = "local/test-model"\n'
        f"[providers.local]\n"
        f'base_url = "{wire_server.base_url}/v1"\n'
        f'[providers.claude]\nkind = "anthropic"\nbase_url = "{wire_server.base_url}"\n'
        f'api_key_env = "CLAUDE_TEST_KEY"\n'
    )


@pytest.fixture
def env(tmp_path: Path, wire_server: WireServer) -> dict[str, str]:
    return cli_environ(tmp_path, wire_config(wire_server))


def chatui_process(
    env: dict[str, str], *args: str, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """`python -m chatui ARGS` with `stdin` as its input (none: an empty, closed stdin): for what
    only a real process shows (its exit code, signals); `chatui` runs the same in-process."""
    feed: dict[str, Any] = {"input": stdin} if stdin is not None else {"stdin": subprocess.DEVNULL}
    return subprocess.run(
        [sys.executable, "-m", "chatui", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        **feed,
    )


def chatui(
    env: dict[str, str], *args: str, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """`chatui ARGS` run as `chatui_process` runs it, but in this process: `main` with exactly
    the environment `env`, `stdin` piped in (none: empty), stdout and stderr captured, and
    its exit code (returned, or raised by argparse). A subprocess re-imports chatui and an SDK
    (about half a second of CPU each time)."""
    out, err = io.StringIO(), io.StringIO()
    piped = io.TextIOWrapper(io.BytesIO((stdin or "").encode()), encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        for name in set(os.environ) - set(env):
            patch.delenv(name)
        for name, value in env.items():
            patch.setenv(name, value)
        patch.setattr(sys, "stdin", piped)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code: int | str | None = main(list(args))
            except SystemExit as exc:
                code = exc.code
    assert isinstance(code, int), code
    return subprocess.CompletedProcess(["chatui", *args], code, out.getvalue(), err.getvalue())


def test_ask_streams_to_stdout_and_saves(
    env: dict[str, str], wire_server: WireServer, tmp_path: Path
) -> None:
    wire_server.enqueue(Reply(pieces=["The answer", " is 42."]))
    result = chatui_process(env, "ask", "What is it?")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "The answer is 42.\n"
    with TranscriptStore.open(tmp_path / "data" / "chatui.db") as store:
        (summary,) = store.list_conversations()
        messages = store.get_conversation(summary.id).messages
    assert [(m.role, m.content) for m in messages] == [
        ("user", "What is it?"),
        ("assistant", "The answer is 42."),
    ]


def test_ask_anthropic_model_with_system_and_stdin(
    env: dict[str, str], wire_server: WireServer
) -> None:
    wire_server.enqueue(Reply(pieces=["ok"]))
    result = chatui(
        env, "ask", "-m", "claude/test-model", "-s", "terse", "--max-tokens", "50", "-",
        stdin="from stdin",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    body = wire_server.requests[-1].body
    assert body["system"] == "terse" and body["max_tokens"] == 50
    assert body["messages"] == [{"role": "user", "content": "from stdin"}]
    headers = wire_server.requests[-1].headers
    sent = {headers.get("x-api-key"), headers.get("authorization", "").removeprefix("Bearer ")}
    assert "sk-ant-secret-value" in sent


def test_ask_error_goes_to_stderr_with_exit_code(
    env: dict[str, str], wire_server: WireServer
) -> None:
    wire_server.enqueue(Reply(status=401, error_message="bad key"))
    result = chatui(env, "ask", "-m", "claude/test-model", "--no-save", "hi")
    assert result.returncode == 1
    assert result.stdout == ""
    assert "Authentication failed" in result.stderr and "CLAUDE_TEST_KEY" in result.stderr
    assert "Traceback" not in result.stderr
    assert "sk-ant-secret-value" not in result.stderr


def test_ask_unknown_provider_and_missing_prompt(env: dict[str, str]) -> None:
    result = chatui(env, "ask", "-m", "nowhere/model", "hi")
    assert result.returncode == 2 and "unknown model" in result.stderr
    result = chatui(env, "ask", stdin="")
    assert result.returncode == 2 and "needs a prompt" in result.stderr


def interruptible() -> None:
    """Run in the child before exec: SIGINT acted on, as in a terminal's foreground job.

    A child inherits an ignored SIGINT, and Python then leaves it ignored: when the tests run
    as a background job of a script (`.ci/run &`, no job control), or under anything else that
    ignores SIGINT, the signal below would do nothing and the 10 s reply would end with exit 0.
    chatui is right to honour an ignored SIGINT (`trap '' INT`, `nohup`-style launches)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.fixture(params=["default", "ignored"])
def inherited_sigint(request: pytest.FixtureRequest) -> Iterator[None]:
    """SIGINT as this test process has it: as in a terminal, or ignored as in a script's
    background job (then every child starts with it ignored)."""
    if request.param == "default":
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


@pytest.mark.usefixtures("inherited_sigint")
def test_ctrl_c_stops_cleanly(env: dict[str, str], wire_server: WireServer) -> None:
    wire_server.enqueue(Reply(pieces=["tick "] * 500, interval=0.02))
    proc = subprocess.Popen(
        [sys.executable, "-m", "chatui", "ask", "go"],
        stdin=subprocess.DEVNULL,  # piped stdin would be read and sent with the words
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        preexec_fn=interruptible,
    )
    assert proc.stdout is not None
    proc.stdout.read(5)  # the reply has started
    time.sleep(0.1)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=20)
    assert proc.returncode == 130
    assert "interrupted" in err and "Traceback" not in err
    assert wire_server.wait_for_disconnect(5.0)


def test_models_lists_live_and_configured(env: dict[str, str], wire_server: WireServer) -> None:
    result = chatui(env, "models")
    assert result.returncode == 0, result.stderr
    assert "local/test-model-large" in result.stdout
    assert "claude/test-model" in result.stdout


def test_models_long_shows_what_each_model_takes(tmp_path: Path, wire_server: WireServer) -> None:
    config = wire_config(wire_server).replace(
        "[providers.local]\n",
        '[providers.local]\nmodels."test-model" = { context = 32768, images = false }\n',
    )
    result = chatui(cli_environ(tmp_path, config), "models", "--long")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["MODEL", "WINDOW", "OUTPUT", "IMAGES", "TOOLS"]
    rows = {line.split()[0]: line.split()[1:] for line in lines[1:]}
    assert rows["local/test-model"] == ["33k", "?", "no", "?"]  # the config's word
    assert rows["claude/test-model"] == ["?", "?", "?", "?"]  # nobody says
    assert chatui(cli_environ(tmp_path, config), "models").stdout.splitlines()[0] == (
        "local/test-model"
    )  # piped: names only


def test_piped_stdin_goes_with_the_words(
    env: dict[str, str], wire_server: WireServer, tmp_path: Path
) -> None:
    wire_server.enqueue(Reply(pieces=["Looks fine."]))
    diff = "-old line\n+new line\n"
    result = chatui(env, "ask", "Review this diff", stdin=diff)
    assert result.returncode == 0, result.stderr
    (message,) = wire_server.generation_requests[-1].body["messages"]
    assert message["content"] == f"Review this diff\n\nFile: stdin\n```\n{diff}```"
    with TranscriptStore.open(tmp_path / "data" / "chatui.db") as store:
        (summary,) = store.list_conversations()
        question = store.get_conversation(summary.id).messages[0]
    assert question.content == "Review this diff"  # the words are the message, stdin its file
    assert [(a.name, a.content) for a in question.attachments] == [("stdin", diff)]
    wire_server.enqueue(Reply(pieces=["ok"]))
    assert chatui(env, "ask", "--no-save", "Just words", stdin="").returncode == 0
    assert wire_server.generation_requests[-1].body["messages"][0]["content"] == "Just words"


def test_stdin_that_is_not_text_is_a_usage_error(
    env: dict[str, str], wire_server: WireServer
) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "chatui", "ask", "Summarise"],
        input=b"caf\xe9 latin-1",
        capture_output=True,
        env=env,
        timeout=60,
    )
    err = result.stderr.decode()
    assert result.returncode == 2 and "Traceback" not in err
    assert "chatui ask: error: stdin is not UTF-8 text (byte 0xE9 at offset 3)" in err
    assert wire_server.requests == []


@pytest.mark.parametrize(
    ("option", "value", "problem"),
    [
        ("-t", "7", "expected a number from 0 to 2, not '7'"),
        ("-t", "-1", "expected a number from 0 to 2, not '-1'"),
        ("--max-tokens", "-5", "expected a whole number above 0, not '-5'"),
        ("--max-tokens", "0", "expected a whole number above 0, not '0'"),
    ],
)
def test_ask_checks_temperature_and_max_tokens(
    env: dict[str, str], wire_server: WireServer, option: str, value: str, problem: str
) -> None:
    wire_server.enqueue(Reply(pieces=["should not be asked"]))
    result = chatui(env, "ask", option, value, "hi")
    assert result.returncode == 2
    assert result.stderr.startswith("usage: chatui ask ") and problem in result.stderr
    assert wire_server.requests == []


def test_ask_usage_errors_show_the_ask_usage(env: dict[str, str]) -> None:
    for args in (["ask", "--bogus", "hi"], ["ask"]):
        result = chatui(env, *args)
        assert result.returncode == 2
        assert result.stderr.startswith("usage: chatui ask "), result.stderr
    assert "unrecognized arguments: --bogus" in chatui(env, "ask", "--bogus", "hi").stderr


def test_config_option_before_or_after_the_command(
    env: dict[str, str], wire_server: WireServer, tmp_path: Path
) -> None:
    config = env.pop("CHATUI_CONFIG")
    wire_server.enqueue(Reply(pieces=["from the named config"]))
    result = chatui(env, "ask", "--config", config, "hi")
    assert (result.returncode, result.stdout) == (0, "from the named config\n"), result.stderr
    listed = chatui(env, "models", "--config", config)
    assert listed.returncode == 0 and "local/test-model" in listed.stdout.split()
    assert chatui(env, "history", "list", "--config", config).returncode == 0
    missing = str(tmp_path / "no-such.toml")
    for args in (["--config", missing, "ask", "hi"], ["ask", "--config", missing, "hi"],
                 ["models", "--config", missing], ["history", "--config", missing]):  # fmt: skip
        result = chatui(env, *args)
        assert result.returncode == 2, args
        assert f"{missing}: there is no such file (named by --config)" in result.stderr


def test_models_prints_one_name_per_line(env: dict[str, str]) -> None:
    result = chatui(env, "models")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "local/test-model" in lines and "claude/test-model" in lines
    assert all(re.fullmatch(r"[\w.-]+/\S+", line) for line in lines), lines
