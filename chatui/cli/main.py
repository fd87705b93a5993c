"""Command line: `chatui` (the TUI), `chatui ask`, `chatui models`, `chatui history ...`."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import TypeVar

from chatui import __version__
from chatui.cli import history_args
from chatui.core import Attachment, ChatError, ConfigError
from chatui.services.session.files_to_attach import AttachmentError, decode_text
from chatui.services.session.settings import parse_max_tokens, parse_temperature

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
ON_OVERFLOW = ("window", "fail", "compact")  # `ask --on-overflow`: nothing can be asked there
T = TypeVar("T")

USAGE = (
    "chatui [--config FILE] [-m PROVIDER/MODEL] [-p PRESET] [-c] [PROMPT ...]\n"
    "       chatui COMMAND ..."
)
DESCRIPTION = """A keyboard-driven terminal chat client for LLMs.

Without a command, chatui opens the full-screen app:
  -m, --model PROVIDER/MODEL   start on this model (e.g. openai/gpt-4o)
  -p, --preset NAME            start with a preset from the config ([presets.NAME])
  -c, --continue               reopen the last conversation
  PROMPT ...                   open the app and send this prompt"""

EXIT_CODES = """exit codes:
  0    success
  1    the request or operation failed: provider error, empty reply, storage problem,
       no such conversation, nothing found
  2    bad usage or configuration: unknown option or model, invalid config file,
       no provider available
  130  interrupted (Ctrl+C)"""

EPILOG = f"""examples:
  chatui                                   open the app
  chatui -c                                continue the last conversation
  chatui -m anthropic/claude-haiku-4-5 "Explain this stack trace"
  chatui ask "What is WAL mode?"           one reply on stdout, no app
  chatui history import chatgpt-export.zip

Every command has its own --help, e.g. `chatui history import --help`.
environment: CHATUI_CONFIG (config file), CHATUI_DATA_DIR (history database),
  OPENAI_API_KEY, ANTHROPIC_API_KEY (built-in providers)

{EXIT_CODES}"""

ASK_DESCRIPTION = """Stream one reply to stdout and save the exchange to the history.
The prompt is the words given. Text piped to stdin goes with them as a file named `stdin`
(the words say what to do with it); with no words, or the word '-', stdin is the prompt.
Stdin is read whenever it is not a terminal: give `< /dev/null` to leave it out.
Errors and notes go to stderr, so stdout holds only the reply.

-c or --conversation adds the question to a saved conversation (its history is sent with it,
on its last model unless -m). When the conversation is too long for the model's window,
--on-overflow says what to do (default: what the conversation chose in the app, else the
config's on_overflow; "ask" means window, as nothing can be asked here):
  window    send the newest messages that fit, and say on stderr how many went
  fail      send nothing and exit 1
  compact   summarise the earlier messages first (not available yet: window)
A server that rejects the request as too long anyway is asked once more with what fits."""
ASK_EPILOG = f"""examples:
  chatui ask "Explain WAL mode in SQLite"
  chatui ask -m anthropic/claude-haiku-4-5 -s "Be terse" "Why is the sky blue?"
  chatui ask -c "And in PostgreSQL?"                  # continue the last conversation
  chatui ask --conversation 01JB3K2Q -m local/smollm2 "Sum it up"
  git diff | chatui ask -m ollama/llama3.2 "Review this diff"   # the words, then the diff
  chatui ask --no-save - < question.txt

{EXIT_CODES}"""
MODELS_DESCRIPTION = """List the models of every available provider, provider by provider: on a
terminal a table of each model's window (tokens of prompt and reply), longest reply, and whether
it reads images and calls tools (`?` where unknown); piped, one `provider/model` per line (the
names `-m` accepts). Providers are asked live; when one cannot be reached, the models listed for
it in the config are shown and the error goes to stderr."""
MODELS_EPILOG = """exit codes: 0 listed (a provider that failed is reported on stderr),
2 no provider is available (no API key, no endpoint configured), 130 interrupted"""


def version() -> str:
    """The installed distribution's version; the source tree's when chatui is not installed."""
    try:
        return metadata.version("chatui")
    except metadata.PackageNotFoundError:
        return __version__


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="chatui",
        usage=USAGE,
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"chatui {version()}")
    parser.add_argument(
        "--config", type=Path, metavar="FILE", help="config file (default: $CHATUI_CONFIG, else "
        "config.toml in the platform's config folder)",
    )  # fmt: skip
    commands = parser.add_subparsers(
        dest="command", metavar="COMMAND", title="commands", prog="chatui",
        help="each has its own --help",
    )  # fmt: skip

    add = history_args.add_command
    ask = add(commands, "ask", "stream one reply to stdout", ASK_DESCRIPTION, ASK_EPILOG)
    ask.add_argument(
        "prompt", nargs="*", help="the prompt; piped stdin is sent with it ('-' or none: stdin)"
    )
    ask.add_argument(
        "-m", "--model", metavar="PROVIDER/MODEL",
        help="e.g. openai/gpt-4o (default: a continued conversation's last model, else "
        "default_model from the config)",
    )  # fmt: skip
    ask.add_argument(
        "-s", "--system", metavar="TEXT",
        help="system prompt (default: the continued conversation's, else the config's)",
    )  # fmt: skip
    ask.add_argument(
        "-p", "--preset", metavar="NAME",
        help="start from a preset in the config ([presets.NAME]); -m, -s, -t and --max-tokens "
        "override its values",
    )  # fmt: skip
    ask.add_argument(
        "--max-tokens",
        type=_checked(parse_max_tokens, "a whole number above 0"),
        metavar="N",
        help="maximum tokens in the reply (default: the config's max_tokens, 4096)",
    )
    ask.add_argument(
        "-t",
        "--temperature",
        type=_checked(parse_temperature, "a number from 0 to 2"),
        metavar="T",
        help="sampling temperature, e.g. 0.7 (default: the config's, else the model's)",
    )
    ask.add_argument("--no-save", action="store_true", help="do not save to the history")
    continued = ask.add_mutually_exclusive_group()
    continued.add_argument(
        "-c", "--continue", dest="continue_", action="store_true",
        help="continue the most recently updated conversation",
    )  # fmt: skip
    continued.add_argument(
        "--conversation", metavar="ID",
        help="continue this conversation (a unique prefix of its id will do, as `chatui "
        "history` shows it)",
    )  # fmt: skip
    ask.add_argument(
        "--on-overflow", choices=ON_OVERFLOW,
        help="when the conversation does not fit the model: send the newest messages that fit, "
        "send nothing (exit 1), or compact (default: the conversation's choice, else the config's "
        "on_overflow)",
    )  # fmt: skip

    models = add(commands, "models", "list the models of every provider", MODELS_DESCRIPTION,
                 MODELS_EPILOG)  # fmt: skip
    shape = models.add_mutually_exclusive_group()
    shape.add_argument("-l", "--long", action="store_true", default=None,
                       help="a table: each model's window, longest reply, images, tools "
                       "(the default on a terminal)")  # fmt: skip
    shape.add_argument("--names", dest="long", action="store_false",
                       help="names only, one per line (the default when piped)")  # fmt: skip
    history_args.register(commands)
    return parser


def _checked(parse: Callable[[str], T | None], expected: str) -> Callable[[str], T]:
    """An argparse type from one of the settings dialog's checks (the same limits)."""

    def convert(text: str) -> T:
        try:
            value = parse(text)
        except ValueError:
            value = None
        if value is None:
            raise argparse.ArgumentTypeError(f"expected {expected}, not {text!r}")
        return value

    return convert


def read_stdin() -> str:
    """Everything piped to stdin, as UTF-8 text; AttachmentError when it is not text."""
    stream = sys.stdin
    try:
        data = stream.buffer.read() if hasattr(stream, "buffer") else stream.read().encode()
    except OSError as exc:
        raise AttachmentError(f"cannot read stdin: {exc.strerror or exc}") from None
    return decode_text("stdin", data, "pipe text to chatui ask")


def read_prompt(words: list[str]) -> tuple[str, list[Attachment]]:
    """The prompt and its attachments: the words, with piped stdin attached as `stdin`;
    stdin alone when the words are '-' or none (and it is piped)."""
    piped = sys.stdin is not None and not sys.stdin.isatty()
    if words == ["-"] or (not words and piped):
        return read_stdin(), []
    text = read_stdin() if piped else ""
    if not text.strip():
        return " ".join(words), []
    return " ".join(words), [Attachment("stdin", text, len(text.encode()))]


COMMANDS = ("ask", "models", "history")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser()
    if tui_invocation(argv):
        args = build_tui_parser().parse_args(argv)
        args.command = None
    else:
        args, unknown = parser.parse_known_args(argv)
        if unknown:  # said by the command's own parser, with its usage
            command_parser = getattr(args, "command_parser", parser)
            command_parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    try:
        use_config(args.config)
        return dispatch(args)
    except ConfigError as exc:
        print(f"chatui: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except ChatError as exc:
        print(f"chatui: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("\nchatui: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        sys.stderr.close()
        return EXIT_OK


def use_config(path: Path | None) -> None:
    """Point CHATUI_CONFIG at the file named by --config, which must exist."""
    if path is None:
        return
    if not path.exists():
        raise ConfigError(f"{path}: there is no such file (named by --config)")
    os.environ["CHATUI_CONFIG"] = str(path)


def dispatch(args: argparse.Namespace) -> int:
    if args.command == "ask":
        from chatui.cli.ask import run_ask

        try:
            prompt, attachments = read_prompt(args.prompt)
        except AttachmentError as exc:
            args.command_parser.error(str(exc))
        if not prompt.strip() and not attachments:
            args.command_parser.error("ask needs a prompt (as arguments, '-' or on stdin)")
        return asyncio.run(run_ask(args, prompt, attachments))
    if args.command == "models":
        from chatui.cli.models import run_models

        return asyncio.run(run_models(args.long))
    if args.command == "history":
        from chatui.cli import history as history_cmd

        return history_cmd.run(args)
    from chatui.cli.launch import run_tui

    return run_tui(args)


def tui_invocation(argv: list[str]) -> bool:
    """True unless the first positional word names a subcommand, or help/version is asked."""
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg in ("-m", "--model", "-p", "--preset", "--config"):
            skip = True
        elif arg in ("-h", "--help", "--version"):
            return False
        elif not arg.startswith("-"):
            return arg not in COMMANDS
    return True


def build_tui_parser() -> argparse.ArgumentParser:
    """`chatui [options] [PROMPT...]` without subcommands, so a prompt can be any words."""
    parser = argparse.ArgumentParser(prog="chatui", add_help=False)
    parser.add_argument("--config", type=Path)
    parser.add_argument("-m", "--model")
    parser.add_argument("-p", "--preset")
    parser.add_argument("-c", "--continue", dest="continue_", action="store_true")
    parser.add_argument("prompt", nargs="*")
    return parser


if __name__ == "__main__":
    sys.exit(main())
