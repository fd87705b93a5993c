"""What the context meter costs while typing in a 1,000-message conversation.

A conversation of 1,000 Markdown messages (~0.75 MB) is opened in the TUI; then 200 characters
are typed one at a time, each when the previous one is on the terminal. For each keystroke:
  keystroke ms  from the key to the end of the first frame after the prompt took it (the
                frame turned into terminal bytes, as a real terminal gets them)
  meter ms      the meter's own count (the status bar's budget) in that frame
twice in the same run: with the meter, and with it switched off (the baseline). With the
meter, the model in use has no reply in the conversation, so every message is estimated (the
worst case: nothing is exact).

Run: .venv/bin/python benchmarks/meter_typing.py [--chars 200]
Target: no keystroke slower than 16 ms at the 99th percentile (with the meter).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from history_scale import MODEL, add_markdown_conversation, chat_of, until, until_idle
from painted import Frames

from chatui.config import load_config
from chatui.core import ModelRef
from chatui.store import TranscriptStore
from chatui.ui.app import ChatApp
from chatui.ui.chat.status_bar import StatusBar
from tests.pilot import key_event
from tests.wireserver import WireServer

OTHER = ModelRef(MODEL.provider, "other-model")  # no reply of it in the conversation
TEXT = "how would the same idea look with a streaming parser, and what does it cost? "


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]


async def type_into(app: ChatApp, frames: Frames, chars: int) -> tuple[list[float], list[float]]:
    """Type `chars` characters; each one's ms until a frame after the prompt took it (wall),
    and the app's main-thread CPU ms in that time (its work, without the wait for the frame:
    Textual paints at most 60 times a second, so the wall time holds up to 16.7 ms of it)."""
    chat, walls, cpus = chat_of(app), [], []
    for index in range(chars):
        char = TEXT[index % len(TEXT)]
        before = len(chat.prompt.text)
        start, cpu = time.perf_counter(), time.thread_time()
        app.post_message(key_event(char))
        taken = await until(lambda: len(chat.prompt.text) > before)  # noqa: B023
        await until(lambda: bool(frames.frames) and frames.frames[-1] > taken)  # noqa: B023
        walls.append((frames.frames[-1] - start) * 1000)
        cpus.append((time.thread_time() - cpu) * 1000)
        await asyncio.sleep(0.02)  # a fast typist: 50 keys a second
    return walls, cpus


async def measure(db: Path, config: Path, conversation: str, chars: int, meter: bool) -> Any:
    store = TranscriptStore.open(db)
    app = ChatApp(load_config(config), store, OTHER, resume_id=conversation)
    frames = Frames()
    frames.watch(app)
    spent: list[float] = []
    original = StatusBar.budget

    def timed(bar: StatusBar) -> Any:
        start = time.perf_counter()
        try:
            return original(bar) if meter else None
        finally:
            spent.append((time.perf_counter() - start) * 1000)

    StatusBar.budget = timed  # type: ignore[method-assign]
    try:
        async with app.run_test(size=(120, 40)):
            chat = chat_of(app)
            await until(lambda: chat.session is not None and len(chat.session.turns) == 1000)
            await until(lambda: chat.opening is None)
            assert chat.session is not None
            chat.session.model = OTHER
            chat.prompt.focus()
            await until_idle()
            spent.clear()
            times = await type_into(app, frames, chars)
            shown = chat.status.render().plain
    finally:
        StatusBar.budget = original  # type: ignore[method-assign]
        store.close()
    return times, spent, shown


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--chars", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, WireServer() as server:
        root = Path(folder)
        config = root / "config.toml"
        config.write_text(
            f'default_model = "{MODEL}"\n[providers.{MODEL.provider}]\n'
            f'base_url = "{server.base_url}/v1"\n'
            f'models = {{ "{MODEL.model}" = {{}}, "{OTHER.model}" = {{ context = 1000000 }} }}\n'
        )
        db = root / "chatui.db"
        with TranscriptStore.open(db) as store:
            conversation = add_markdown_conversation(store, "1,000 messages", 1000)
        results = {}
        for label, meter in (("meter off (baseline)", False), ("meter on", True)):
            results[label] = asyncio.run(measure(db, config, conversation, args.chars, meter))
    print(f"typing {args.chars} characters into a 1,000-message conversation (ms)")
    print("                        wall to paint          main-thread CPU        the meter")
    print("                        median   p99    max    median   p99    max    median  p99")
    for label, ((walls, cpus), spent, _) in results.items():
        figures = [f(v) for v in (walls, cpus) for f in (statistics.median, p99, max)]
        figures += [statistics.median(spent), p99(spent)]
        print(f"  {label:<21}" + "".join(f"{value:7.2f}" for value in figures))
    (_, on), (_, off) = results["meter on"][0], results["meter off (baseline)"][0]
    print(f"  status bar with the meter: {results['meter on'][2].split('  ')[1]!r}")
    print(f"  CPU ratio on/off: median {statistics.median(on) / statistics.median(off):.2f}")
    met = p99(on) <= 16
    print(f"target: keystroke work p99 <= 16 ms with the meter: {'met' if met else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
