"""`chatui history import`: a chatui, ChatGPT or Claude export into the history, reported."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from chatui.cli.output import Terminal
from chatui.cli.progress import ProgressLine
from chatui.core import BadExport
from chatui.services.history import History, one_line


def _read(file: str, source: str) -> bytes:
    try:
        if file != "-":
            return Path(file).read_bytes()
        stdin: Any = sys.stdin
        buffer = getattr(stdin, "buffer", None)
        return buffer.read() if buffer is not None else str(stdin.read()).encode("utf-8")
    except OSError as exc:
        raise BadExport(f"cannot read {source}: {exc.strerror or exc}") from exc


def run_import(history: History, args: argparse.Namespace, term: Terminal) -> int:
    """Import the file named by `args.file`; 1 when it, or any conversation in it, is unreadable."""
    source = "stdin" if args.file == "-" else args.file
    progress = ProgressLine(sys.stderr)
    try:
        pending = history.read_import(_read(args.file, source), source, progress.step("reading"))
        progress.finish()
        for problem in pending.problems:
            print(f"chatui: skipped {one_line(problem)}", file=sys.stderr)
        # all or nothing
        report = history.store_import(
            pending, new_ids=args.new_ids, progress=progress.step("storing")
        )
    finally:
        progress.finish()
    term.stream.write(report.summary + "\n")
    for short_id, label in report.listed:
        term.line([(f"  {short_id}  ", "33"), (label, "")])
    for line in (report.more and f"  {report.more}", report.skipped):
        if line:
            term.stream.write(line + "\n")
    return 1 if pending.problems else 0
