"""Streaming render: how far the screen lags a fast reply, and what it costs.

Streams a Markdown reply (42 KB in ~6,200 chunks, and 150 KB) at 2,000 chunks/s over the
OpenAI wire format from a loopback server into the real app, and prints: lag from the server's
last chunk to the last line being drawn, CPU seconds of the app, frames, and the worst event-loop
stall; with 0 and 300 earlier messages. `--tmux` also measures in a real terminal (tmux): lag to
the last line being visible, launch to a focused prompt, and Enter to request at the server.
`--baseline` measures Textual's own `Markdown.get_stream()` on the same stream for comparison.

Run: .venv/bin/python benchmarks/stream_render.py [--runs 3] [--tmux] [--baseline]
Targets: lag <= 0.1 s, CPU <= 2 s per 42 KB reply, launch <= 0.3 s, Enter->server <= 0.05 s.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench_common import END_MARKER, make_markdown, server_for, write_config

from chatui.config import load_config
from chatui.core import ModelRef
from chatui.store import TranscriptStore
from chatui.ui.app import ChatApp
from chatui.ui.chat.screen import ChatScreen
from chatui.ui.conversation.entries import AssistantEntry
from chatui.ui.conversation.view import ConversationView

RATE = 2000.0
SAMPLE = make_markdown(1500, seed=3)


class StallMonitor:
    """Measures the worst lateness of a 5 ms sleep on the event loop."""

    def __init__(self) -> None:
        self.worst = 0.0
        self.task: asyncio.Task[None] | None = None

    async def run(self) -> None:
        while True:
            start = time.perf_counter()
            await asyncio.sleep(0.005)
            self.worst = max(self.worst, time.perf_counter() - start - 0.005)


async def headless(text: str, chunks: int, earlier: int) -> dict[str, float]:
    server = server_for(text, chunks, RATE)
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["CHATUI_DATA_DIR"] = tmp
        config = load_config(write_config(Path(tmp), server))
        store = TranscriptStore.open()
        app = ChatApp(config, store, ModelRef("bench", "bench-model"))
        painted: dict[str, float] = {}
        try:
            async with app.run_test(size=(120, 40)) as pilot:
                screen = app.screen
                assert isinstance(screen, ChatScreen)
                view = screen.query_one(ConversationView)
                for i in range(earlier // 2):
                    view.add_user(f"earlier question {i}")
                    entry = view.add_assistant("bench/bench-model")
                    view.append(entry, SAMPLE)
                    view.finish(entry)
                await pilot.pause(0.3)
                original = view.render_line

                def render_line(y: int) -> Any:
                    entries = [e for e in view.entries if isinstance(e, AssistantEntry)]
                    if entries and END_MARKER in entries[-1].text and "t" not in painted:
                        painted["t"] = time.perf_counter()
                    return original(y)

                view.render_line = render_line  # type: ignore[method-assign]
                monitor = StallMonitor()
                task = asyncio.create_task(monitor.run())
                cpu, frames = time.thread_time(), view.pacer.frames
                screen.send("write the document")
                deadline = time.perf_counter() + 60 + len(text) / 5000
                while time.perf_counter() < deadline:
                    await asyncio.sleep(0.01)
                    sent = server.generation_requests
                    done = bool(sent) and sent[-1].finished_at is not None
                    if done and "t" in painted and screen.session and not screen.session.busy:
                        break
                await pilot.pause(0.1)
                cpu = time.thread_time() - cpu
                task.cancel()
                finished = server.generation_requests[-1].finished_at or 0.0
                return {
                    "lag_s": max(0.0, painted.get("t", float("inf")) - finished),
                    "cpu_s": cpu,
                    "frames": view.pacer.frames - frames,
                    "worst_stall_s": monitor.worst,
                }
        finally:
            store.close()
            server.stop()


def median(runs: list[dict[str, float]]) -> dict[str, float]:
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}


def show(label: str, figures: dict[str, float]) -> None:
    parts = [f"{key}={value:.3f}" if key != "frames" else f"frames={value:.0f}"
             for key, value in figures.items()]  # fmt: skip
    print(f"{label:<44} " + "  ".join(parts), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--tmux", action="store_true", help="also measure in a real terminal")
    parser.add_argument("--baseline", action="store_true", help="also measure Textual Markdown")
    args = parser.parse_args()
    cases = [
        ("42 KB, 6,200 chunks", make_markdown(42_000), 6200, 0),
        ("42 KB, 6,200 chunks, 300 earlier messages", make_markdown(42_000), 6200, 300),
        ("150 KB, 22,000 chunks", make_markdown(150_000), 22_000, 0),
    ]
    print(f"headless (run_test), {RATE:.0f} chunks/s, median of {args.runs} runs")
    for label, text, chunks, earlier in cases:
        show(
            label, median([asyncio.run(headless(text, chunks, earlier)) for _ in range(args.runs)])
        )
    if args.baseline:
        from stream_baseline import baseline

        text = make_markdown(42_000)
        show("baseline: Textual Markdown.get_stream, 42 KB", asyncio.run(baseline(text, 6200)))
    if args.tmux:
        from stream_tmux import launch_baseline, tmux_figures

        floor = statistics.median(launch_baseline() for _ in range(args.runs))
        print(f"{'tmux: a minimal Textual app launches in':<44} launch_s={floor:.3f}")
        for label, text, chunks, earlier in cases[:2]:
            runs = [tmux_figures(text, chunks, earlier) for _ in range(args.runs)]
            show(f"tmux: {label}", median(runs))


if __name__ == "__main__":
    sys.exit(main())
