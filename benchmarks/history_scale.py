"""History in the TUI at scale: 10,000 conversations / 200,000 messages in the store, plus
conversations of 100, 1,000 and 10,000 Markdown messages and one with a 1 MB reply.

For each big conversation, opened from the history screen (medians of `--runs`):
  drawn ms      until its last screen is painted
  cpu s         main-thread CPU from the key until the app is idle again
  idle s        wall time until then
  enter ms      Enter -> the request at the (loopback) server, typed right after the drawing
  home ms       ctrl+home -> the top drawn
  peak MB       tracemalloc peak while opening (a separate pass)
and for the history screen: its first page and each keystroke of a search, median and 95th
percentile over 5 runs, cold (a fresh app and database connection per run, the screen built for
the first time once the app has started) and warm, each until the rows are on the terminal (see
Frames); and, not a target, the first page when the history is opened while the app starts (its
model warm-up and endpoint probes still running in threads: issue 16's subject).

Run: .venv/bin/python benchmarks/history_scale.py [--runs 3] [--db PATH] [--history-only]
(`--db` keeps the built database for later runs; `--history-only` skips the big conversations.)
Targets: after opening 1,000 messages CPU idle within 0.5 s, Enter -> request <= 50 ms, Home
<= 100 ms; 10,000 messages and the 1 MB reply open within 2x of 100 messages; first page <= 150
ms, keystroke <= 50 ms (95th percentile), both until the rows are painted.
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

from bench_common import make_markdown, write_config
from painted import Frames
from store_scale import build, vocabulary
from textual.widgets import Input

from chatui.config import load_config
from chatui.core import ModelRef
from chatui.store import TranscriptStore
from chatui.store.ids import new_id
from chatui.store.queries import insert_messages
from chatui.store.records import MessageRecord
from chatui.ui.app import ChatApp
from chatui.ui.chat.screen import TAIL, ChatScreen
from chatui.ui.screens.history import HistoryScreen, Opened
from tests.wireserver import Reply, WireServer

POLL = 0.002
MODEL = ModelRef("bench", "bench-model")
BIG = {"100 messages": 100, "1,000 messages": 1000, "10,000 messages": 10_000, "1 MB reply": 2}


def add_markdown_conversation(store: TranscriptStore, title: str, messages: int) -> str:
    """A conversation of `messages` alternating questions and Markdown replies (~1.5 KB each;
    with 2 messages, one reply of 1 MB)."""
    replies = [make_markdown(1500, seed) for seed in range(40)]
    if messages == 2:
        replies = [make_markdown(1_000_000, 1)]
    conversation = store.create_conversation(title)
    records, parent, start = [], None, time.time() - 86400
    for index in range(messages):
        user = index % 2 == 0
        reply = replies[index // 2 % len(replies)]
        text = f"Question {index}: how does it work?" if user else reply
        record = MessageRecord(
            new_id(), conversation.id, parent, "user" if user else "assistant", text, "",
            None if user else MODEL.provider, None if user else MODEL.model, "complete", None,
            100, 200, 0.001, 0.4, 3.0, start + index, start + index, os.getpid(),
        )  # fmt: skip
        records.append(record)
        parent = record.id
    connection = store._connection()
    connection.execute("BEGIN")
    insert_messages(connection, records)
    connection.execute("COMMIT")
    return conversation.id


async def until(condition: Any, timeout: float = 30.0) -> float:
    """perf_counter() once `condition()` holds, polled every 2 ms."""
    deadline = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError
        await asyncio.sleep(POLL)
    return time.perf_counter()


async def until_idle(window: float = 0.1) -> tuple[float, float]:
    """(perf_counter, main-thread CPU) at the start of the first `window` in which the process
    used under 5% of a core: the app has nothing left to do (start-up's imports and probes
    in threads included)."""
    while True:
        wall, cpu, process = time.perf_counter(), time.thread_time(), time.process_time()
        await asyncio.sleep(window)
        if time.process_time() - process < 0.05 * window:
            return wall, cpu


def chat_of(app: ChatApp) -> ChatScreen:
    chat = app.screen_stack[0]
    assert isinstance(chat, ChatScreen)
    return chat


FRAMES = Frames()


async def open_history(app: ChatApp) -> tuple[HistoryScreen, float]:
    """Run what ctrl+f runs; ms until the first page is painted."""
    start = time.perf_counter()
    chat_of(app).action_history()
    await until(lambda: isinstance(app.screen, HistoryScreen))
    history = app.screen
    assert isinstance(history, HistoryScreen)
    await until(  # the rows read for this opening (the screen is kept: the last ones show)
        lambda: not history.stale and len(history.rows) > 0 and FRAMES.shown(history.rows, start)
    )
    shown = FRAMES.shown(history.rows, start)
    assert shown is not None
    return history, (shown - start) * 1000


async def type_query(history: HistoryScreen, query: str) -> list[float]:
    """Type `query` a letter at a time; each keystroke's ms until its results are painted."""
    search = history.query_one("#history-search", Input)
    times = []
    for length in range(2, len(query) + 1):
        before = history.rows
        start = time.perf_counter()
        search.value = query[:length]
        await until(
            lambda b=before, s=start: history.rows is not b and FRAMES.shown(history.rows, s)
        )
        shown = FRAMES.shown(history.rows, start)
        assert shown is not None
        times.append((shown - start) * 1000)
    return times


def painted_when(app: ChatApp, condition: Any) -> list[float]:
    """A list that gets the time of the first paint of the view at which `condition()` holds."""
    view, painted = chat_of(app).view, []
    original = view.render_line

    def render_line(y: int) -> Any:
        if not painted and condition():
            painted.append(time.perf_counter())
            del view.render_line  # the class's again
        return original(y)

    view.render_line = render_line  # type: ignore[method-assign]
    return painted


async def open_big(app: ChatApp, conversation_id: str, entries: int) -> dict[str, float]:
    """Open from the history; drawn ms, CPU and wall seconds until idle."""
    history, _ = await open_history(app)
    await until_idle()
    view = chat_of(app).view
    shown = min(entries, TAIL)  # the newest turns are drawn first, the others read after

    def last_screen() -> bool:
        at_end = view.scroll_y == view.max_scroll_y > 0 and view.pending_layout != "view"
        return len(view.entries) >= shown and at_end

    painted = painted_when(app, last_screen)
    start, cpu = time.perf_counter(), time.thread_time()
    history.dismiss(Opened(conversation_id))
    drawn = await until(lambda: bool(painted))
    idle, idle_cpu = await until_idle()
    return {
        "drawn ms": (drawn - start) * 1000,
        "cpu s": idle_cpu - cpu,
        "idle s": idle - start,
    }


async def enter_to_request(app: ChatApp, server: WireServer) -> float:
    """Type a question and press Enter at once; ms until the server has the request."""
    chat = chat_of(app)
    count = len(server.generation_requests)
    chat.prompt.text = "one more question"
    start = time.perf_counter()
    chat.prompt.action_submit()
    await until(lambda: len(server.generation_requests) > count)
    received = server.generation_requests[-1].received_at
    await until(lambda: chat.session is not None and not chat.session.busy)
    return (received - start) * 1000


async def home(app: ChatApp) -> float:
    """ctrl+home's action; ms until the top is painted, laid out."""
    view = chat_of(app).view
    painted = painted_when(app, lambda: view.scroll_y == 0 and view.pending_layout != "view")
    start = time.perf_counter()
    view.go("top")
    return (await until(lambda: bool(painted)) - start) * 1000


def summary(values: list[float]) -> tuple[float, float]:
    """(median, 95th percentile)."""
    ordered = sorted(values)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, round(0.95 * len(ordered)))]


def new_app(db: Path, config_path: Path) -> tuple[ChatApp, TranscriptStore]:
    store = TranscriptStore.open(db)
    app = ChatApp(load_config(config_path), store, MODEL)
    FRAMES.watch(app)
    return app, store


async def measure_conversations(
    db: Path, config_path: Path, server: WireServer, ids: dict[str, str], runs: int
) -> dict[str, dict[str, float]]:
    results: dict[str, dict[str, float]] = {}
    for label, conversation_id in ids.items():
        entries = BIG[label] if BIG[label] > 2 else 2
        figures: dict[str, list[float]] = {}
        for _ in range(runs):  # a fresh app each time: what a user who opens it meets
            app, store = new_app(db, config_path)
            async with app.run_test(size=(120, 40)):
                opened = await open_big(app, conversation_id, entries)
                opened["enter ms"] = await enter_to_request(app, server)
                await until_idle()
                opened["home ms"] = await home(app)
                for key, value in opened.items():
                    figures.setdefault(key, []).append(value)
            store.close()
        app, store = new_app(db, config_path)
        async with app.run_test(size=(120, 40)):
            tracemalloc.start()
            await open_big(app, conversation_id, entries + 2 * runs)
            peak = tracemalloc.get_traced_memory()[1] / 1e6
            tracemalloc.stop()
        store.close()
        results[label] = {key: statistics.median(v) for key, v in figures.items()}
        results[label]["peak MB"] = peak
    return results


async def start_once(db: Path, config_path: Path) -> None:
    """Start an app and wait until it is idle (its start-up imports, done once a process)."""
    app, store = new_app(db, config_path)
    async with app.run_test(size=(120, 40)):
        await until_idle()
    store.close()


async def measure_history(db: Path, config_path: Path, query_words: list[str]) -> dict[str, Any]:
    cold: dict[str, list[float]] = {"first page ms": [], "keystroke ms": []}
    warm: dict[str, list[float]] = {"first page ms": [], "keystroke ms": []}
    starting: dict[str, list[float]] = {"first page ms": []}
    for run in range(5):
        app, store = new_app(db, config_path)  # opened at once, while the app starts
        async with app.run_test(size=(120, 40)):
            starting["first page ms"].append((await open_history(app))[1])
        store.close()
        app, store = new_app(db, config_path)  # cold: a new app and database connection
        async with app.run_test(size=(120, 40)):
            await until_idle()  # started: its warm-up and probes are done
            history, first = await open_history(app)
            cold["first page ms"].append(first)
            cold["keystroke ms"] += await type_query(history, query_words[run])
            history.dismiss(None)
            for again in range(5):
                await until_idle()
                history, first = await open_history(app)
                warm["first page ms"].append(first)
                warm["keystroke ms"] += await type_query(history, query_words[run + again + 5])
                history.dismiss(None)
        store.close()
    return {"cold": cold, "warm": warm, "start": starting}


def print_conversations(results: dict[str, dict[str, float]], runs: int) -> None:
    keys = ["drawn ms", "cpu s", "idle s", "enter ms", "home ms", "peak MB"]
    print(f"opening a conversation from the history (median of {runs} runs, 120x40)")
    print(f"{'':<18}" + "".join(f"{key:>11}" for key in keys))
    for label, figures in results.items():
        print(f"{label:<18}" + "".join(f"{figures[key]:>11.3f}" for key in keys), flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--db", type=Path, help="database to build once and reuse")
    parser.add_argument(
        "--history-only", action="store_true", help="skip opening the big conversations"
    )
    args = parser.parse_args()
    db = args.db or Path(tempfile.mkdtemp()) / "chatui.db"
    marker = db.with_suffix(".ids")
    if not marker.exists():
        print(f"building 10,000 conversations / 200,000 messages in {db} …", flush=True)
        with TranscriptStore.open(db) as store:
            build(store, 10_000, 200_000, random.Random(42))
            ids = [add_markdown_conversation(store, label, n) for label, n in BIG.items()]
        marker.write_text("\n".join(ids))
    ids = dict(zip(BIG, marker.read_text().split(), strict=True))
    os.environ["CHATUI_DATA_DIR"] = str(db.parent)
    server = WireServer(default_reply=Reply(pieces=["Fine."])).start()
    try:
        config_path = write_config(db.parent, server)
        if not args.history_only:
            print_conversations(
                asyncio.run(measure_conversations(db, config_path, server, ids, args.runs)),
                args.runs,
            )
        else:  # as after the conversations: the SDKs imported once, not in the first cold run
            asyncio.run(start_once(db, config_path))
        # words of the stored conversations, from common to rare, as a user might look them up
        words = [w for w in vocabulary(5000, random.Random(42)) if len(w) > 4][100:3000:100]
        history = asyncio.run(measure_history(db, config_path, words))
    finally:
        server.stop()
    print("history screen, 10,000 conversations (ms: median / 95th percentile)")
    for temperature, figures in history.items():
        for key, values in figures.items():
            median, p95 = summary(values)
            print(f"  {temperature:<5} {key:<15} {median:8.1f} / {p95:8.1f}  (n={len(values)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
