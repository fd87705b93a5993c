"""Transcript store at scale: 10,000 conversations / 200,000 messages; list, search, load, flush.

Run: .venv/bin/python benchmarks/store_scale.py [--conversations N] [--messages M] [--runs R]
Prints medians in milliseconds. Targets: list <= 50 ms, search <= 50 ms, load <= 100 ms.
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from chatui.store import TranscriptStore
from chatui.store.ids import new_id
from chatui.store.queries import insert_messages
from chatui.store.records import MessageRecord

TARGETS_MS = {"list first page": 50.0, "search": 50.0, "load 1,000-message conversation": 100.0}
MODELS = [("openai", "gpt-4o"), ("anthropic", "claude-sonnet-4"), ("local", "smollm2")]


def vocabulary(size: int, rng: random.Random) -> list[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    words = {"".join(rng.choice(letters) for _ in range(rng.randint(2, 9))) for _ in range(size)}
    ordered = sorted(words)
    rng.shuffle(ordered)  # so that frequency (by position) is unrelated to spelling
    return ordered


def make_text(rng: random.Random, words: list[str], weights: list[float], n: int) -> str:
    return " ".join(rng.choices(words, weights, k=n))


def build(store: TranscriptStore, conversations: int, messages: int, rng: random.Random) -> str:
    """Fill the store; return the id of one 1,000-message conversation."""
    words = vocabulary(5000, rng)
    weights = [1.0 / (rank + 1) for rank in range(len(words))]  # Zipf-like word frequencies
    conn = store._connection()
    big_id = ""
    others = max(1, conversations - 1)
    per_conversation, extra = divmod(max(0, messages - 1000), others)
    start = time.time() - 86400 * 365
    conn.execute("BEGIN")
    for index in range(conversations):
        conv = store_conversation(conn, rng, words, weights, start + index * 60)
        other_index = index if index < conversations // 2 else index - 1
        count = per_conversation + (1 if other_index < extra else 0)
        if index == conversations // 2:
            count = 1000
            big_id = conv
        batch = []
        parent = None
        for turn in range(count):
            role = "user" if turn % 2 == 0 else "assistant"
            provider, model = rng.choice(MODELS) if role == "assistant" else (None, None)
            length = rng.randint(5, 40) if role == "user" else rng.randint(30, 250)
            created = start + index * 60 + turn
            record = MessageRecord(
                new_id(), conv, parent, role, make_text(rng, words, weights, length), "",
                provider, model, "complete", None, 100, 200, 0.001, 0.4, 3.0, created, created,
                os.getpid(),
            )  # fmt: skip
            parent = record.id
            batch.append(record)
        insert_messages(conn, batch)
        if index % 1000 == 999:
            conn.execute("COMMIT")
            conn.execute("BEGIN")
    conn.execute("COMMIT")
    return big_id


def store_conversation(
    conn: sqlite3.Connection,
    rng: random.Random,
    words: list[str],
    weights: list[float],
    created: float,
) -> str:
    conversation_id = new_id()
    title = make_text(rng, words, weights, rng.randint(2, 6)).capitalize()
    conn.execute(
        "INSERT INTO conversations (id, title, system_prompt, settings, created_at, updated_at)"
        " VALUES (?, ?, '', '{}', ?, ?)",
        (conversation_id, title, created, created + 600),
    )
    return conversation_id


def median_ms(operation: Callable[[], object], runs: int) -> float:
    operation()  # warm the page cache
    timings = []
    for _ in range(runs):
        began = time.perf_counter()
        operation()
        timings.append((time.perf_counter() - began) * 1000)
    return statistics.median(timings)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=10_000)
    parser.add_argument("--messages", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    rng = random.Random(42)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "chatui.db"
        store = TranscriptStore.open(path)
        began = time.perf_counter()
        big_id = build(store, args.conversations, args.messages, rng)
        built = time.perf_counter() - began
        total = store._connection().execute("SELECT count(*) FROM messages").fetchone()[0]
        size_mb = sum(p.stat().st_size for p in Path(tmp).iterdir()) / 1e6
        print(f"built {args.conversations:,} conversations / {total:,} messages in {built:.1f} s"
              f" ({size_mb:.0f} MB)")  # fmt: skip
        store.close()
        store = TranscriptStore.open(path)  # fresh connection, as the app would have
        words = vocabulary(5000, random.Random(42))
        middling = words[300]  # a moderately common word
        rare = words[4000]
        results = {
            "list first page": median_ms(lambda: store.list_conversations(limit=50), args.runs),
            "list page 100 (offset 4,950)": median_ms(
                lambda: store.list_conversations(limit=50, offset=4950), args.runs
            ),
            "search": median_ms(lambda: store.search(middling), args.runs),
            "search, rare word": median_ms(lambda: store.search(rare), args.runs),
            "search, two words + prefix": median_ms(
                lambda: store.search(f"{words[50]} {words[120][:3]}"), args.runs
            ),
            "search, most common word": median_ms(lambda: store.search(words[0]), args.runs),
            "search as you type: 2 letters": median_ms(lambda: store.search("ab"), args.runs),
            "search as you type: 3 letters": median_ms(lambda: store.search("abc"), args.runs),
            "load 1,000-message conversation": median_ms(
                lambda: store.get_conversation(big_id), args.runs
            ),
        }
        conv = store.create_conversation("streaming")
        reply = store.add_message(conv.id, "assistant", "", provider="p", model="m",
                                  status="streaming")  # fmt: skip
        text = make_text(rng, words, [1.0] * len(words), 3000)  # ~20 KB reply
        flushes = []
        for step in range(1, 61):
            partial = text[: len(text) * step // 60]
            began = time.perf_counter()
            store.update_streaming(reply.id, partial)
            flushes.append((time.perf_counter() - began) * 1000)
        results["update_streaming per flush (reply grows to 20 KB)"] = statistics.median(flushes)
        began = time.perf_counter()
        store.finish_message(reply.id, text, status="complete")
        results["finish_message (indexes the 20 KB reply)"] = (time.perf_counter() - began) * 1000
        store.close()
    failed = False
    for name, value in results.items():
        target = TARGETS_MS.get(name)
        verdict = ""
        if target is not None:
            verdict = f"  (target <= {target:.0f} ms: {'ok' if value <= target else 'MISSED'})"
            failed |= value > target
        print(f"{name:55s} {value:9.2f} ms{verdict}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
