"""Command line: `chatui` (the TUI), `chatui ask`, `chatui models`, `chatui history ...`."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path

from chatui import __version__
from chatui.core import ChatError, ConfigError

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130

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

EPILOG = """exit codes: 0 success, 1 provider or storage error, 2 bad usage or configuration,
130 interrupted (Ctrl+C)"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="chatui",
        usage=USAGE,
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"chatui {__version__}")
    parser.add_argument("--config", type=Path, help="config file (default: $CHATUI_CONFIG)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    ask = commands.add_parser(
        "ask", help="stream one reply to stdout", description="Stream one reply to stdout."
    )
    ask.add_argument("prompt", nargs="*", help="the prompt; '-' or piped stdin reads stdin")
    ask.add_argument("-m", "--model", help="provider/model, e.g. openai/gpt-4o")
    ask.add_argument("-s", "--system", help="system prompt")
    ask.add_argument("-p", "--preset", help="a preset from the config ([presets.NAME])")
    ask.add_argument("--max-tokens", type=int, help="maximum tokens in the reply")
    ask.add_argument("-t", "--temperature", type=float, help="sampling temperature")
    ask.add_argument("--no-save", action="store_true", help="do not save to history")

    commands.add_parser(
        "models", help="list models of every available provider", description="List models."
    )
    try:
        from chatui import history_cmd
    except ImportError:  # pragma: no cover - the store ships with chatui
        pass
    else:
        history_cmd.register(commands)
    return parser


def read_prompt(words: list[str]) -> str:
    """The prompt from arguments, or stdin for '-' or when stdin is piped."""
    if words == ["-"] or (not words and not sys.stdin.isatty()):
        return sys.stdin.read()
    return " ".join(words)


COMMANDS = ("ask", "models", "history")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser()
    if tui_invocation(argv):
        args = build_tui_parser(parser).parse_args(argv)
        args.command = None
    else:
        args = parser.parse_args(argv)
    if args.config is not None:
        os.environ["CHATUI_CONFIG"] = str(args.config)
    try:
        return dispatch(parser, args)
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


def dispatch(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    if args.command == "ask":
        from chatui.ask import run_ask

        prompt = read_prompt(args.prompt)
        if not prompt.strip():
            parser.error("ask needs a prompt (as arguments, '-' or on stdin)")
        return asyncio.run(run_ask(args, prompt))
    if args.command == "models":
        from chatui.ask import run_models

        return asyncio.run(run_models())
    if args.command == "history":
        from chatui import history_cmd

        return history_cmd.run(args)
    from chatui.launch import run_tui

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


def build_tui_parser(main_parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
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
