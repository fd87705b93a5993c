"""Config parsing: defaults, custom endpoints, and errors that name file, line and problem."""

from __future__ import annotations

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
        ("[providers.x]\nbase_url = 'u'\napi = 'rest'\n", "line 3", '"responses" or "chat"'),
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
