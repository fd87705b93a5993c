"""Importing a 100 MB ChatGPT export through `chatui history import`: wall time and peak memory.

Generates conversations.json (realistic shapes: hidden system nodes, thoughts and recaps, web
searches with citations, generated images, canvas documents, regenerated replies and edited
questions, replies from 300 B to 40 KB), then imports it into an empty history in a child
process, as a person would, and prints the wall seconds and the child's peak RSS.

Run: .venv/bin/python benchmarks/import_scale.py [--megabytes 100] [--keep DIR]
Targets: under 60 s and under 1 GB (2 cores).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from chatgpt_export import write_export

TARGET_SECONDS = 60.0
TARGET_RSS_MB = 1024.0


def import_file(path: Path, data_dir: Path) -> tuple[float, float, int, str]:
    """(wall seconds, peak RSS in MB, exit code, stdout's first line) of importing `path`."""
    env = {**os.environ, "CHATUI_DATA_DIR": str(data_dir)}
    env["PYTHONPATH"] = str(Path(__file__).resolve().parent.parent)
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", "chatui", "history", "import", str(path)],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    first = child.stdout.readline().strip()
    child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_maxrss / 1024, child.returncode, first


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=float, default=100.0)
    parser.add_argument("--keep", type=Path, help="write the export and history here and keep them")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        export = folder / "conversations.json"
        started = time.perf_counter()
        conversations, nodes = write_export(export, int(args.megabytes * 1e6))
        size = export.stat().st_size / 1e6
        print(
            f"generated {size:.1f} MB: {conversations:,} conversations, {nodes:,} nodes"
            f" ({time.perf_counter() - started:.1f} s)"
        )
        wall, rss, code, summary = import_file(export, folder / "data")
        print(f"import: exit {code}; {summary}")
        ok = code == 0 and wall < TARGET_SECONDS and rss < TARGET_RSS_MB
        print(f"wall {wall:.1f} s (target < {TARGET_SECONDS:.0f} s)")
        print(f"peak RSS {rss:.0f} MB (target < {TARGET_RSS_MB:.0f} MB)")
        print("PASS" if ok else "FAIL")
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
