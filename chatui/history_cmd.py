"""`chatui history`: list, search, show, export, import and delete saved conversations."""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from chatui.core import StoreError
from chatui.core.text import inert
from chatui.store import TranscriptStore

_DELETE_HELP = (
    "Delete a conversation. Asks for confirmation when stdin is a terminal; otherwise (scripts,"
    " pipes) refuses unless -y is given."
)
_WHITESPACE = re.compile(r"\s+")
_BIDI_CONTROLS = {*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C}


def _positive(text: str) -> int:
    if not text.strip().isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a number of at least 1, not {text!r}")
    return int(text)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `history` command and its subcommands to a `chatui` argument parser."""
    history = subparsers.add_parser(
        "history",
        help="browse, search and export saved conversations",
        description="Saved conversations. Without a subcommand, list the most recent ones. "
        "IDs may be shortened to any unique prefix.",
    )
    history.add_argument(
        "--limit", type=_positive, default=50, help="how many to list (default 50)"
    )
    commands = history.add_subparsers(dest="history_command", metavar="COMMAND")
    listing = commands.add_parser("list", help="list conversations, most recent first")
    listing.add_argument(
        "--limit", type=_positive, default=argparse.SUPPRESS, help="how many to list"
    )
    search = commands.add_parser(
        "search",
        help="full-text search in messages and titles",
        description="Full-text search, best matches first. Exits with 1 when nothing matches.",
    )
    search.add_argument("query", nargs="+", help="words to find (the last one may be a prefix)")
    search.add_argument("--limit", type=_positive, default=argparse.SUPPRESS, help="at most N hits")
    show = commands.add_parser("show", help="print a conversation as Markdown")
    show.add_argument("id", help="conversation id or unique prefix")
    show.add_argument("--reasoning", action="store_true", help="include the models' thinking")
    export = commands.add_parser("export", help="export a conversation as Markdown or JSON")
    export.add_argument("id", help="conversation id or unique prefix")
    export.add_argument("--format", choices=("md", "json"), default="md", help="default: md")
    export.add_argument("-o", "--output", help="write to FILE (created 0600) instead of stdout")
    export.add_argument(
        "--reasoning", action="store_true", help="include the models' thinking (omitted by default)"
    )
    importing = commands.add_parser(
        "import",
        help="import a JSON export",
        description="Import a conversation exported with `--format json` (ids and times kept). "
        "If it is already in the history this fails, unless --new-ids stores a copy.",
    )
    importing.add_argument("file", help="the JSON file, or - for stdin")
    importing.add_argument("--new-ids", action="store_true", help="import a copy under new ids")
    delete = commands.add_parser("delete", help="delete a conversation", description=_DELETE_HELP)
    delete.add_argument("id", help="conversation id or unique prefix")
    delete.add_argument("-y", "--yes", action="store_true", help="do not ask for confirmation")


class _Terminal:
    """Writes to a stream; on a terminal, fits lines to its width and neutralises escapes."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.tty = stream.isatty()
        self.color = (
            self.tty and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"
        )
        self.width = shutil.get_terminal_size().columns if self.tty else 0

    def clean(self, text: str) -> str:
        """Content for a terminal: control characters shown as ^X; unchanged into a pipe."""
        if not self.tty:
            return text
        return "".join(_visible(char) for char in text.replace("\r\n", "\n"))

    def style(self, text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.color and code and text else text

    def line(self, pieces: list[tuple[str, str]]) -> None:
        """Print (text, style) pieces as one line, cut to the terminal width."""
        room = self.width - 1 if self.width else None
        out: list[str] = []
        for text, code in pieces:
            if room is not None:
                text, room = _fit(text, room)
            out.append(self.style(text, code))
            if room == 0:
                break
        self.stream.write("".join(out) + "\n")


def _field(text: str) -> str:
    """A title/preview/snippet as one safe line, whatever the output: no controls, no newlines."""
    return "".join(_visible(char) for char in _WHITESPACE.sub(" ", text))


def _visible(char: str) -> str:
    code = ord(char)
    if char in "\n\t":
        return char
    if code < 0x20 or code == 0x7F:
        return "^" + chr(code ^ 0x40)
    if 0x80 <= code < 0xA0 or code in _BIDI_CONTROLS:
        return "\ufffd"
    return char


def _cells(char: str) -> int:
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def _fit(text: str, room: int) -> tuple[str, int]:
    """Cut `text` to `room` terminal cells (ending in … if cut); return it and the room left."""
    used, out = 0, list[str]()
    for char in text:
        width = _cells(char)
        if used + width > room:
            while out and used + 1 > room:
                used -= _cells(out.pop())
            return "".join(out) + "…", 0
        out.append(char)
        used += width
    return text, room - used


def _when(timestamp: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(timestamp))


def _list(store: TranscriptStore, args: argparse.Namespace, term: _Terminal) -> int:
    summaries = store.list_conversations(limit=getattr(args, "limit", 50))
    if not summaries:
        print("No saved conversations.", file=sys.stderr)
        return 0
    short = store.short_ids([summary.id for summary in summaries])
    for summary in summaries:
        label = summary.title or summary.preview or "(empty)"
        models = f"  [{_field(', '.join(summary.models))}]" if summary.models else ""
        term.line(
            [
                (short[summary.id], "33"),
                (f"  {_when(summary.updated_at)}  {summary.message_count:>4} msgs  ", "2"),
                (_field(label), "1" if summary.title else ""),
                (models, "2"),
            ]
        )
    return 0


def _search(store: TranscriptStore, args: argparse.Namespace, term: _Terminal) -> int:
    hits = store.search(" ".join(args.query), limit=getattr(args, "limit", 50))
    if not hits:
        print("No matches.", file=sys.stderr)
        return 1
    short = store.short_ids(sorted({hit.conversation_id for hit in hits}))
    for hit in hits:
        where = f"{hit.role}: " if hit.message_id else "title: "
        title = _field(hit.title).strip() or "(untitled)"
        head = [(short[hit.conversation_id], "33"), (f"  {title}  ", "1"), (where, "2")]
        pieces = [(_field(text), "1;7" if matched else "") for text, matched in hit.segments()]
        term.line(head + pieces)
    return 0


def _show(store: TranscriptStore, args: argparse.Namespace, term: _Terminal) -> int:
    text = store.export_markdown(store.resolve_id(args.id), reasoning=args.reasoning)
    term.stream.write(term.clean(text))
    return 0


def _write_private(path: str, text: str) -> None:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with open(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as exc:
        raise StoreError(f"cannot write {path}: {exc.strerror}") from exc


def _export(store: TranscriptStore, args: argparse.Namespace, term: _Terminal) -> int:
    conversation_id = store.resolve_id(args.id)
    to_file = args.output not in (None, "-")
    if args.format == "json":
        data = store.export_json(conversation_id, reasoning=args.reasoning)
        # On a terminal, ASCII-only JSON escapes every control and bidi character.
        text = json.dumps(data, indent=2, ensure_ascii=term.tty and not to_file) + "\n"
    else:
        text = store.export_markdown(conversation_id, reasoning=args.reasoning)
    if to_file:  # a Markdown file is for reading: escapes are shown, never acted on
        _write_private(args.output, inert(text) if args.format == "md" else text)
        print(f"Exported {conversation_id} to {args.output}", file=sys.stderr)
    else:
        term.stream.write(text if args.format == "json" else term.clean(text))
    return 0


def _import(store: TranscriptStore, args: argparse.Namespace, term: _Terminal) -> int:
    source = "stdin" if args.file == "-" else args.file
    try:
        raw = sys.stdin.read() if args.file == "-" else Path(args.file).read_text(encoding="utf-8")
        data: Any = json.loads(raw)
    except OSError as exc:
        raise StoreError(f"cannot read {source}: {exc.strerror}") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise StoreError(f"{source} is not a JSON export: {exc}") from exc
    record = store.import_json(data, new_ids=args.new_ids)
    count = len(data.get("messages", []))
    title = _field(record.title).strip() or "(untitled)"
    term.stream.write(f"Imported {record.id} ({count} messages): {title}\n")
    return 0


def _delete(store: TranscriptStore, args: argparse.Namespace, term: _Terminal) -> int:
    conversation_id = store.resolve_id(args.id)
    transcript = store.get_conversation(conversation_id)
    title = _field(transcript.conversation.title).strip() or "(untitled)"
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


_HANDLERS: dict[str, Callable[[TranscriptStore, argparse.Namespace, _Terminal], int]] = {
    "list": _list,
    "search": _search,
    "show": _show,
    "export": _export,
    "import": _import,
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
            return handler(store, args, _Terminal(sys.stdout))
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
        return 141


def main(argv: list[str] | None = None) -> int:
    """`python -m chatui.history_cmd [COMMAND ...]`, the same as `chatui history ...`."""
    parser = argparse.ArgumentParser(prog="chatui")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["history", *(sys.argv[1:] if argv is None else argv)])
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
