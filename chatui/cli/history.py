"""`chatui history`: list, search, show, export, import and delete saved conversations."""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable

from chatui.cli.history_args import register
from chatui.cli.history_import import run_import
from chatui.cli.output import Terminal, field
from chatui.core import StoreError
from chatui.exchange.chatui_json import export_json, json_text
from chatui.exchange.markdown import export_markdown
from chatui.store import SearchHit, TranscriptStore

__all__ = ["main", "register", "run"]

HITS_PER_LINE = 5  # `history search` reads this many hits per line it may print


def _when(timestamp: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(timestamp))


def _list(store: TranscriptStore, args: argparse.Namespace, term: Terminal) -> int:
    summaries = store.list_conversations(limit=getattr(args, "limit", 50))
    if not summaries:
        print("No saved conversations.", file=sys.stderr)
        return 0
    short = store.short_ids([summary.id for summary in summaries])
    for summary in summaries:
        label = summary.title or summary.preview or "(empty)"
        models = f"  [{field(', '.join(summary.models))}]" if summary.models else ""
        term.line(
            [
                (short[summary.id], "33"),
                (f"  {_when(summary.updated_at)}  {summary.message_count:>4} msgs  ", "2"),
                (field(label), "1" if summary.title else ""),
                (models, "2"),
            ]
        )
    return 0


def _search(store: TranscriptStore, args: argparse.Namespace, term: Terminal) -> int:
    limit = getattr(args, "limit", 50)
    # One line per conversation, its best hit first: ask for more hits than lines, since a
    # conversation can match in many messages.
    best: dict[str, SearchHit] = {}
    for hit in store.search(" ".join(args.query), limit=limit * HITS_PER_LINE):
        best.setdefault(hit.conversation_id, hit)
    hits = list(best.values())[:limit]
    if not hits:
        print("No matches.", file=sys.stderr)
        return 1
    short = store.short_ids(sorted(best))
    for hit in hits:
        where = f"{hit.role}: " if hit.message_id else "title: "
        title = field(hit.title).strip() or "(untitled)"
        head = [(short[hit.conversation_id], "33"), (f"  {title}  ", "1"), (where, "2")]
        pieces = [(field(text), "1;7" if matched else "") for text, matched in hit.segments()]
        term.line(head + pieces)
    return 0


def _show(store: TranscriptStore, args: argparse.Namespace, term: Terminal) -> int:
    text = export_markdown(store, store.resolve_id(args.id), reasoning=args.reasoning)
    term.stream.write(text)  # inert, as every export
    return 0


def _write_private(path: str, text: str) -> None:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with open(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as exc:
        raise StoreError(f"cannot write {path}: {exc.strerror}") from exc


def _export(store: TranscriptStore, args: argparse.Namespace, term: Terminal) -> int:
    conversation_id = store.resolve_id(args.id)
    # Exports are data, the same inert text into a file, a pipe or a terminal.
    if args.format == "json":
        text = json_text(export_json(store, conversation_id, reasoning=args.reasoning))
    else:
        text = export_markdown(store, conversation_id, reasoning=args.reasoning)
    if args.output not in (None, "-"):
        _write_private(args.output, text)
        print(f"Exported {conversation_id} to {args.output}", file=sys.stderr)
    else:
        term.stream.write(text)
    return 0


def _delete(store: TranscriptStore, args: argparse.Namespace, term: Terminal) -> int:
    conversation_id = store.resolve_id(args.id)
    transcript = store.get_conversation(conversation_id)
    title = field(transcript.conversation.title).strip() or "(untitled)"
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
    store.delete(conversation_id)
    term.stream.write(f"Deleted {conversation_id} {title}\n")
    return 0


_HANDLERS: dict[str, Callable[[TranscriptStore, argparse.Namespace, Terminal], int]] = {
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
            return handler(store, args, Terminal(sys.stdout))
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
