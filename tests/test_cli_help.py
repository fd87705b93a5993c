"""`chatui --version`, a complete `--help` for every command, and the documented exit codes."""

from __future__ import annotations

import argparse
import io
import re
import sys
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

import pytest

from chatui import __version__
from chatui.cli import main as cli
from chatui.services.context.fitting import Overflow

README = Path(__file__).resolve().parents[1] / "README.md"


def parsers(
    parser: argparse.ArgumentParser, name: str = "chatui"
) -> Iterator[tuple[str, argparse.ArgumentParser]]:
    """Every (command line, parser): chatui, chatui ask, ..., chatui history import."""
    yield name, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub, child in action.choices.items():
                yield from parsers(child, f"{name} {sub}")


def test_version(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(SystemExit) as caught:
        cli.main(["--version"])
    assert caught.value.code == 0
    assert capsys.readouterr().out == f"chatui {cli.version()}\n"
    try:
        assert cli.version() == metadata.version("chatui")
    except metadata.PackageNotFoundError:
        assert cli.version() == __version__

    def missing(name: str) -> str:
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(metadata, "version", missing)
    assert cli.version() == __version__  # not installed: the source tree's version


def test_every_command_has_a_description_helped_options_and_exit_codes() -> None:
    found = dict(parsers(cli.build_parser()))
    assert set(found) == {
        "chatui", "chatui ask", "chatui models", "chatui history",
        *(f"chatui history {c}" for c in ("list", "search", "show", "export", "import", "delete")),
    }  # fmt: skip
    for name, parser in found.items():
        text = parser.format_help()
        assert text.startswith(f"usage: {name}"), name
        assert parser.description and len(parser.description) > 30, name
        assert parser.epilog and "exit codes" in parser.epilog, name
        for action in parser._actions:
            assert action.help and action.help != argparse.SUPPRESS, (name, action.dest)
    assert "examples:" in found["chatui ask"].epilog  # type: ignore[operator]
    assert "ChatGPT" in found["chatui history import"].format_help()


def test_ask_help_says_how_to_continue_and_what_a_history_too_long_does() -> None:
    ask = dict(parsers(cli.build_parser()))["chatui ask"]
    text = ask.format_help()
    for option in ("-c, --continue", "--conversation ID", "--on-overflow {window,fail,compact}"):
        assert option in text, option
    assert "prefix" in text and "on_overflow" in text and "exit 1" in text
    choices = {a.dest: a.choices for a in ask._actions}["on_overflow"]
    assert set(choices or ()) == {p.value for p in Overflow} - {"ask"}  # nothing can be asked
    readme = README.read_text(encoding="utf-8").split("## Command line", 1)[1]
    assert "chatui ask -c" in readme and "--conversation" in readme and "--on-overflow" in readme


def test_help_exits_zero_and_bad_usage_two(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["--help"], ["ask", "--help"], ["history", "import", "--help"]):
        with pytest.raises(SystemExit) as caught:
            cli.main(argv)
        assert caught.value.code == 0
        assert "exit codes" in capsys.readouterr().out
    with pytest.raises(SystemExit) as caught:
        cli.main(["history", "show"])
    assert caught.value.code == 2


def test_readme_documents_the_same_exit_codes() -> None:
    text = README.read_text(encoding="utf-8")
    section = text.split("## Command line", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"^\| `?(\d+)`? \|", section, re.MULTILINE))
    assert documented == {"0", "1", "2", "130"}
    codes = (cli.EXIT_OK, cli.EXIT_ERROR, cli.EXIT_USAGE, cli.EXIT_INTERRUPTED)
    assert {str(code) for code in codes} == documented
    assert "history import" in section


def test_models_without_any_provider_is_a_configuration_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "config.toml"
    config.write_text("")
    monkeypatch.setenv("CHATUI_CONFIG", str(config))
    for key in ("OPENAI_API_KEY", "ANTHROPIC_API_KEY"):
        monkeypatch.delenv(key, raising=False)
    for where in ("chatui.services.models", "chatui.providers.registry"):
        monkeypatch.setattr(f"{where}.available_providers", lambda config: [])
    assert cli.main(["models"]) == 2
    assert "no provider is available" in capsys.readouterr().err
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))  # nothing piped
    assert cli.main(["ask", "hello"]) == 2  # the same problem gives the same code
    assert "no provider is available" in capsys.readouterr().err
