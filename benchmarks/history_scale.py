"""History in the TUI at scale: 10,000 conversations / 200,000 messages in the store.

Prints medians of several runs: the history screen's first page after the key, each keystroke
of a search (until the results are shown), and opening a 1,000-message conversation to its last
screen, with the memory that opening costs and the number of widgets mounted.

Run: .venv/bin/python benchmarks/history_scale.py [--runs 5] [--db PATH]
(`--db` keeps the built database for later runs.) Targets: first page <= 150 ms, keystroke
<= 50 ms, open <= 300 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from store_scale import build
from textual.widgets import Input

from chatui.config import Config
from chatui.core import ModelRef
from chatui.store import TranscriptStore
from chatui.ui.app import ChatApp
from chatui.ui.chat.screen import ChatScreen
from chatui.ui.screens.history import HistoryScreen, Opened


async def until(condition: object, timeout: float = 10.0) -> float:
    """perf_counter() once `condition()` holds, polled every 4 ms (tighter slows the app)."""
    deadline = time.perf_counter() + timeout
    while not condition():  # type: ignore[operator]
        if time.perf_counter() > deadline:
            raise TimeoutError
        await asyncio.sleep(0.004)
    return time.perf_counter()


async def open_history(app: ChatApp) -> tuple[HistoryScreen, float]:
    """Run what ctrl+b runs (Pilot.press adds waits of its own); when the first page shows."""
    chat = app.screen
    assert isinstance(chat, ChatScreen)
    start = time.perf_counter()
    chat.action_history()
    await until(lambda: isinstance(app.screen, HistoryScreen))
    history = app.screen
    assert isinstance(history, HistoryScreen)
    shown = await until(lambda: len(history.rows) > 0 and history.options.option_count > 1)
    return history, (shown - start) * 1000


async def type_query(history: HistoryScreen, query: str) -> list[float]:
    """Type `query` a letter at a time; each keystroke's time until its results are shown."""
    search = history.query_one("#history-search", Input)
    times = []
    for length in range(2, len(query) + 1):
        before = history.rows
        start = time.perf_counter()
        search.value = query[:length]
        done = await until(lambda b=before: history.rows is not b)  # type: ignore[misc]
        times.append((done - start) * 1000)
    return times


async def open_conversation(app: ChatApp, history: HistoryScreen, big_id: str) -> float:
    """Open the big conversation; ms until its last screen is drawn."""
    chat = app.screen_stack[0]
    assert isinstance(chat, ChatScreen)
    view = chat.view
    painted: list[float] = []
    original = view.render_line

    def render_line(y: int) -> Any:
        if not painted and len(view.entries) >= 1000 and view.scroll_y == view.max_scroll_y > 0:
            painted.append(time.perf_counter())
        return original(y)

    view.render_line = render_line  # type: ignore[method-assign]
    start = time.perf_counter()
    history.dismiss(Opened(big_id))
    shown = await until(lambda: bool(painted))
    view.render_line = original  # type: ignore[method-assign]
    await until(lambda: view.laid_out, timeout=60)  # background layout done before the next run
    return (shown - start) * 1000


async def measure(db: Path, big_id: str, runs: int) -> dict[str, float]:
    store = TranscriptStore.open(db)
    words = [w for w in store.get_conversation(big_id).messages[-1].content.split() if len(w) > 4]
    app = ChatApp(Config(db.parent / "none.toml", {}), store, ModelRef("x", "y"))
    figures: dict[str, list[float]] = {"first page ms": [], "keystroke ms": [], "open ms": []}
    async with app.run_test(size=(120, 40)) as pilot:
        for run in range(runs):
            history, first_page = await open_history(app)
            figures["first page ms"].append(first_page)
            figures["keystroke ms"] += await type_query(history, words[run % len(words)])
            figures["open ms"].append(await open_conversation(app, history, big_id))
            await pilot.pause()
        history, _ = await open_history(app)  # once more, tracing memory (slow) instead of time
        tracemalloc.start()
        await open_conversation(app, history, big_id)
        peak = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()
        widgets = len(list(app.screen.walk_children()))
    store.close()
    result = {key: statistics.median(values) for key, values in figures.items()}
    result["open peak MB (tracemalloc)"] = peak
    result["widgets mounted"] = float(widgets)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--db", type=Path, help="database to build once and reuse")
    args = parser.parse_args()
    db = args.db or Path(tempfile.mkdtemp()) / "chatui.db"
    marker = db.with_suffix(".big-id")
    if not marker.exists():
        print(f"building 10,000 conversations / 200,000 messages in {db} …", flush=True)
        with TranscriptStore.open(db) as store:
            marker.write_text(build(store, 10_000, 200_000, random.Random(42)))
    os.environ["CHATUI_DATA_DIR"] = str(db.parent)
    figures = asyncio.run(measure(db, marker.read_text(), args.runs))
    targets = {"first page ms": 150, "keystroke ms": 50, "open ms": 300}
    for key, value in figures.items():
        target = f"  (target <= {targets[key]})" if key in targets else ""
        print(f"{key:<28} {value:9.1f}{target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
