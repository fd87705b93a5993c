"""`chatui history import`: a chatui, ChatGPT or Claude export into the history, reported."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from chatui.cli.output import Terminal, field
from chatui.core import BadExport, StoreError
from chatui.exchange.chatui_json import import_json
from chatui.exchange.importers import (
    KINDS,
    ParsedExport,
    detect,
    parse_export,
    read_export,
)
from chatui.store import ImportOutcome, TranscriptStore

#: At most this many imported conversations are listed one per line.
LISTED = 20


def _read(file: str, source: str) -> bytes:
    try:
        if file != "-":
            return Path(file).read_bytes()
        stdin: Any = sys.stdin
        buffer = getattr(stdin, "buffer", None)
        return buffer.read() if buffer is not None else str(stdin.read()).encode("utf-8")
    except OSError as exc:
        raise BadExport(f"cannot read {source}: {exc.strerror or exc}") from exc


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _report(
    store: TranscriptStore, parsed: ParsedExport, outcome: ImportOutcome, term: Terminal
) -> None:
    kind = KINDS[parsed.kind]
    stored = outcome.stored
    if stored:
        messages = sum(len(t.messages) for t in stored)
        term.stream.write(
            f"Imported {_plural(len(stored), 'conversation')} ({_plural(messages, 'message')})"
            f" from a {kind} export:\n"
        )
        short = store.short_ids([t.conversation.id for t in stored[:LISTED]])
        for transcript in stored[:LISTED]:
            conversation = transcript.conversation
            title = field(conversation.title).strip() or "(untitled)"
            count = _plural(len(transcript.messages), "message")
            term.line([(f"  {short[conversation.id]}  ", "33"), (f"{title} ({count})", "")])
        if len(stored) > LISTED:
            term.stream.write(f"  … and {len(stored) - LISTED} more (see `chatui history`)\n")
    else:
        term.stream.write(f"Nothing new to import from this {kind} export.\n")
    skipped = [
        f"{len(outcome.skipped)} already imported" if outcome.skipped else "",
        f"{parsed.empty} without messages" if parsed.empty else "",
        f"{len(parsed.problems)} that could not be read" if parsed.problems else "",
    ]
    if any(skipped):
        term.stream.write(f"Skipped {', '.join(part for part in skipped if part)}.\n")


def run_import(store: TranscriptStore, args: argparse.Namespace, term: Terminal) -> int:
    """Import the file named by `args.file`; 1 when it, or any conversation in it, is unreadable."""
    source = "stdin" if args.file == "-" else args.file
    data = read_export(_read(args.file, source), source)
    kind = detect(data, source)
    if kind == "chatui":
        try:
            record = import_json(store, data, new_ids=args.new_ids)
        except StoreError as exc:
            raise type(exc)(f"{source}: {exc.message}") from exc
        count = len(data.get("messages", []))
        title = field(record.title).strip() or "(untitled)"
        term.stream.write(f"Imported {record.id} ({count} messages): {title}\n")
        return 0
    parsed = parse_export(data, kind)
    for problem in parsed.problems:
        print(f"chatui: skipped {field(problem)}", file=sys.stderr)
    outcome = store.import_transcripts(parsed.transcripts)  # all or nothing
    _report(store, parsed, outcome, term)
    return 1 if parsed.problems else 0
