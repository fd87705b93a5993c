"""Shared by the benchmarks: a realistic Markdown reply, a loopback server and a config for it."""

from __future__ import annotations

import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.wireserver import Reply, WireServer

END_MARKER = "END-OF-REPLY-7Q3X"
WORDS = [
    "stream",
    "render",
    "token",
    "frame",
    "block",
    "cache",
    "width",
    "layout",
    "widget",
    "terminal",
    "markdown",
    "parse",
    "buffer",
    "socket",
    "event",
    "loop",
    "latency",
    "python",
    "textual",
    "table",
    "list",
    "code",
    "fence",
    "heading",
]


def paragraph(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text.capitalize() + ". Some **bold** and `inline code` here."


def make_markdown(target_bytes: int, seed: int = 7) -> str:
    """Headings, paragraphs, bullet and numbered lists, code fences and tables, ~target size."""
    rng = random.Random(seed)
    parts: list[str] = []
    size = 0
    section = 0
    while size < target_bytes:
        section += 1
        block = [f"## Section {section}: {rng.choice(WORDS)}", paragraph(rng, 40)]
        block.append("\n".join(f"- {paragraph(rng, 8)}" for _ in range(rng.randint(3, 8))))
        block.append(paragraph(rng, 30))
        code = "\n".join(
            f"def step_{section}_{i}(x):\n    return x * {i} + {rng.randint(1, 99)}"
            for i in range(rng.randint(2, 5))
        )
        block.append(f"```python\n{code}\n```")
        block.append("\n".join(f"{i}. {paragraph(rng, 6)}" for i in range(1, rng.randint(3, 6))))
        rows = "\n".join(
            f"| {rng.choice(WORDS)} | {rng.randint(1, 999)} | {rng.choice(WORDS)} |"
            for _ in range(rng.randint(3, 8))
        )
        block.append(f"| name | value | note |\n|---|---|---|\n{rows}")
        text = "\n\n".join(block)
        parts.append(text)
        size += len(text) + 2
    parts.append(f"The end: {END_MARKER}")
    return "\n\n".join(parts) + "\n"


def split_chunks(text: str, count: int) -> list[str]:
    size = max(1, round(len(text) / count))
    return [text[i : i + size] for i in range(0, len(text), size)]


def write_config(directory: Path, server: WireServer) -> Path:
    path = directory / "config.toml"
    path.write_text(
        'default_model = "bench/bench-model"\n'
        f'[providers.bench]\nbase_url = "{server.base_url}/v1"\nmodels = ["bench-model"]\n'
    )
    return path


def server_for(text: str, chunks: int, rate: float) -> WireServer:
    """A started server whose every reply is `text` in `chunks` pieces at `rate` per second."""
    reply = Reply(pieces=split_chunks(text, chunks), interval=1 / rate)
    return WireServer(default_reply=reply).start()
