"""`chatui history`: list, search, show, export, import and delete saved conversations."""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable

from chatui.cli.history_args import register
from chatui.cli.history_import import run_import
from chatui.cli.output import Terminal
from chatui.core import StoreError
from chatui.services.history import History, one_line, title_line
from chatui.store import TranscriptStore

__all__ = ["main", "register", "run"]


def _when(timestamp: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(timestamp))


def _list(history: History, args: argparse.Namespace, term: Terminal) -> int:
    summaries = history.page(getattr(args, "limit", 50))
    if not summaries:
        print("No saved conversations.", file=sys.stderr)
        return 0
    short = history.short_ids([summary.id for summary in summaries])
    for summary in summaries:
        label = summary.title or summary.preview or "(empty)"
        models = f"  [{one_line(', '.join(summary.models))}]" if summary.models else ""
        term.line(
            [
                (short[summary.id], "33"),
                (f"  {_when(summary.updated_at)}  {summary.message_count:>4} msgs  ", "2"),
                (one_line(label), "1" if summary.title else ""),
                (models, "2"),
            ]
        )
    return 0


def _search(history: History, args: argparse.Namespace, term: Terminal) -> int:
    # One line per conversation, its best hit first.
    hits = history.best_hits(" ".join(args.query), getattr(args, "limit", 50))
    if not hits:
        print("No matches.", file=sys.stderr)
        return 1
    short = history.short_ids([hit.conversation_id for hit in hits])
    for hit in hits:
        where = f"{hit.role}: " if hit.message_id else "title: "
        head = [(short[hit.conversation_id], "33"), (f"  {title_line(hit.title)}  ", "1")]
        pieces = [(one_line(text), "1;7" if matched else "") for text, matched in hit.segments()]
        term.line([*head, (where, "2"), *pieces])
    return 0


def _show(history: History, args: argparse.Namespace, term: Terminal) -> int:
    conversation_id = history.resolve(args.id)
    hint = None
    if not args.all_branches:
        flags = " --reasoning" if args.reasoning else ""
        hint = f"`chatui history show {args.id.strip()}{flags} --all-branches` prints them"
    text = history.export_text(conversation_id, "md", reasoning=args.reasoning, others_hint=hint)
    term.stream.write(text)  # inert, as every export
    return 0


def _export(history: History, args: argparse.Namespace, term: Terminal) -> int:
    conversation_id = history.resolve(args.id)
    kind = "json" if args.format == "json" else "md"
    if args.output not in (None, "-"):
        history.export_to(conversation_id, kind, args.output, reasoning=args.reasoning)
        print(f"Exported {conversation_id} to {args.output}", file=sys.stderr)
    else:
        term.stream.write(history.export_text(conversation_id, kind, reasoning=args.reasoning))
    return 0


def _delete(history: History, args: argparse.Namespace, term: Terminal) -> int:
    conversation_id = history.resolve(args.id)
    transcript = history.transcript(conversation_id)
    title = title_line(transcript.conversation.title)
    if not args.yes:
        if not sys.stdin.isatty():
            print("chatui: not deleting without confirmation; pass -y", file=sys.stderr)
            return 2
        question = f"Delete {conversation_id} {title!r} ({len(transcript.messages)} messages)?"
        print(f"{question} [y/N] ", end="", file=sys.stderr, flush=True)
        try:
            answer = input()
        except EOFError:
            answer = ""
        if answer.strip().lower() not in ("y", "yes"):
            print("Not deleted.", file=sys.stderr)
            return 1
    history.delete(conversation_id)
    term.stream.write(f"Deleted {conversation_id} {title}\n")
    return 0


_HANDLERS: dict[str, Callable[[History, argparse.Namespace, Terminal], int]] = {
    "list": _list,
    "search": _search,
    "show": _show,
    "export": _export,
    "import": run_import,
    "delete": _delete,
}


def run(args: argparse.Namespace) -> int:
    """Run a parsed `chatui history ...` command; return the exit code. Errors go to stderr."""
    handler = _HANDLERS[getattr(args, "history_command", None) or "list"]
    try:
        with TranscriptStore.open() as store:
            if store.recovered_from is not None:
                print(
                    f"chatui: the history database was damaged; it was moved to "
                    f"{store.recovered_from} and a new one was started",
                    file=sys.stderr,
                )
            return handler(History(store), args, Terminal(sys.stdout))
    except StoreError as exc:
        print(f"chatui: {exc}", file=sys.stderr)
        return 1
    except (KeyboardInterrupt, EOFError):
        print(file=sys.stderr)
        return 130
    except BrokenPipeError:
        try:  # stdout's reader went away (e.g. `| head`); don't complain at exit
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        return 0


def main(argv: list[str] | None = None) -> int:
    """`python -m chatui.cli.history [COMMAND ...]`, the same as `chatui history ...`."""
    parser = argparse.ArgumentParser(prog="chatui")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["history", *(sys.argv[1:] if argv is None else argv)])
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
