"""Config parsing: defaults, custom endpoints, and errors that name file, line and problem."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from chatui.config import load_config
from chatui.core import ConfigError, ModelRef


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text)
    return path


def test_missing_file_gives_builtin_providers(tmp_path: Path) -> None:
    config = load_config(tmp_path / "absent.toml")
    assert set(config.providers) == {"openai", "anthropic", "local"}
    assert config.providers["anthropic"].api_key_env == "ANTHROPIC_API_KEY"


def test_custom_endpoint_is_keyless_and_available(tmp_path: Path) -> None:
    config = load_config(
        write(
            tmp_path,
            'default_model = "ollama/llama3.2"\n'
            "[providers.ollama]\n"
            'kind = "openai-compatible"\nbase_url = "http://127.0.0.1:11434/v1"\n'
            'models = ["llama3.2"]\n[providers.ollama.timeouts]\nread = 5\n',
        )
    )
    ollama = config.providers["ollama"]
    assert ollama.kind == "openai" and ollama.available and ollama.api_key() == "not-needed"
    assert ollama.timeouts.read == 5.0
    assert config.default_model == ModelRef("ollama", "llama3.2")


def test_key_comes_from_named_env_var(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, '[providers.router]\nbase_url = "http://x/v1"\napi_key_env = "R_KEY"\n')
    monkeypatch.delenv("R_KEY", raising=False)
    assert not load_config(path).providers["router"].available
    monkeypatch.setenv("R_KEY", "secret")
    assert load_config(path).providers["router"].api_key() == "secret"


@pytest.mark.parametrize(
    ("text", "line", "problem"),
    [
        ("max_tokens = 5\n[providers\n", "line 2", "invalid TOML"),
        ("max_tokens = 'many'\n", "line 1", "max_tokens: expected int"),
        ("\n\n[providers.x]\nkind = 'bogus'\n", "line 4", "must be one of"),
        ("[providers.x]\nbase_url = 'http://u'\napi = 'rest'\n", "line 3", '"responses" or "chat"'),
        (
            "[providers.x]\nbase_url = 'htp://x'\n",
            "line 2",
            "providers.x.base_url: 'htp://x' is not a valid URL (it needs http:// or https://)",
        ),
        ("[providers.y]\nbase_url = 'http://:8080'\n", "line 2", "(it has no host name)"),
        ("colour = 1\n", "line 1", "unknown setting"),
        ("default_model = 'gpt'\n", "line 1", "provider/model"),
        # presets
        ("[presets.a]\nsystem_prompt = 'x'\ncolour = 1\n", "line 3", "presets.a.colour: unknown"),
        ("[presets.a]\ntemperature = 2.5\n", "line 2", "between 0 and 2"),
        ("[presets.a]\ntemperature = 'hot'\n", "line 2", "expected float"),
        ("[presets.a]\nmax_tokens = 0\n", "line 2", "at least 1"),
        ("[presets.a]\nmodel = 'gpt-4o'\n", "line 2", "provider/model"),
        ("[presets.a]\nsystem_prompt = 3\n", "line 2", "expected str"),
        ("presets = 1\n", "line 1", "expected dict"),
        ("[presets]\na = 1\n", "line 2", "presets.a: expected a table"),
        ("temperature = -1\n", "line 1", "between 0 and 2"),
        ("theme = 'x'\non_overflow = 'shrink'\n", "line 2", 'on_overflow: must be one of "ask"'),
        ("on_overflow = 1\n", "line 1", "on_overflow: expected str"),
    ],
)
def test_bad_config_names_file_line_and_problem(
    tmp_path: Path, text: str, line: str, problem: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    message = str(info.value)
    assert str(path) in message and line in message and problem in message


def test_on_overflow_defaults_to_ask_and_takes_each_policy(tmp_path: Path) -> None:
    assert load_config(tmp_path / "absent.toml").on_overflow == "ask"
    for policy in ("ask", "window", "compact"):
        assert load_config(write(tmp_path, f'on_overflow = "{policy}"\n')).on_overflow == policy


PRESETS = """\
system_prompt = "default prompt"
temperature = 0.5
max_tokens = 1000

[presets.coder]
system_prompt = "You write Python."
temperature = 0.2
max_tokens = 2000
model = "anthropic/claude-haiku-4-5"

[presets.terse]
system_prompt = "Be terse."
"""


def test_presets_are_read_with_their_optional_values(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, PRESETS))
    coder = config.preset("coder")
    assert (coder.system_prompt, coder.temperature, coder.max_tokens) == (
        "You write Python.",
        0.2,
        2000,
    )
    assert coder.model == ModelRef("anthropic", "claude-haiku-4-5")
    terse = config.preset("terse")
    assert (terse.system_prompt, terse.temperature, terse.max_tokens, terse.model) == (
        "Be terse.",
        None,
        None,
        None,
    )


def test_unknown_preset_lists_the_defined_ones(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, PRESETS))
    with pytest.raises(ConfigError, match=r"unknown preset 'nope' \(defined: coder, terse\)"):
        config.preset("nope")
    empty = load_config(tmp_path / "absent.toml")
    with pytest.raises(ConfigError, match=r"no presets are defined .*\[presets\.nope\]"):
        empty.preset("nope")


@pytest.mark.parametrize(
    ("variable", "value", "problem"),
    [
        ("OPENAI_BASE_URL", "127.0.0.1:8851/v1", "it needs http:// or https://"),
        ("ANTHROPIC_BASE_URL", "htp://x", "it needs http:// or https://"),
        ("OPENAI_BASE_URL", "http://127.0.0.1:88a1/v1", "its port must be a number"),
    ],
)
def test_malformed_base_url_in_the_environment_is_a_config_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, variable: str, value: str, problem: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path / "absent.toml")
    assert str(info.value).startswith(
        f"Configuration problem: {variable} {value!r} is not a valid URL ({problem}"
    )


@pytest.mark.parametrize("argv", [["ask", "-m", "openai/gpt-4o", "hi"], ["models"], []])
def test_every_command_refuses_a_malformed_base_url_at_start(
    argv: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Not "Connection dropped … may be temporary" once a request fails: exit 2 before any."""
    from chatui.cli import main as cli
    from chatui.ui.app import ChatApp

    monkeypatch.setenv("CHATUI_CONFIG", str(tmp_path / "absent.toml"))
    monkeypatch.setenv("CHATUI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    monkeypatch.setenv("OPENAI_BASE_URL", "127.0.0.1:9/v1")
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    started: list[ChatApp] = []
    monkeypatch.setattr(ChatApp, "run", lambda self, *args, **kwargs: started.append(self))
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert err == (
        "chatui: Configuration problem: OPENAI_BASE_URL '127.0.0.1:9/v1' is not a valid URL"
        " (it needs http:// or https://)\n"
    )
    assert started == []
