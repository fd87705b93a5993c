"""A long conversation "made on another model" for the context-fit tests: varied text (prose,
code, JSON, Markdown tables) in question/answer pairs, written straight into the store."""

from __future__ import annotations

import json
from pathlib import Path

from tests.transcripts import seed

TOPICS = (
    "volcanoes", "honey bees", "sourdough bread", "sailing knots", "glaciers", "chess openings",
    "steam trains", "coral reefs", "the printing press", "suspension bridges", "green tea",
    "lighthouses", "the Moon", "desert plants", "paper maps", "clock towers",
)  # fmt: skip


def prose(number: int, topic: str) -> str:
    sentences = [
        f"Note {number}: {topic} have a longer history than most people expect, and each "
        f"generation of enthusiasts has added its own vocabulary to describe them.",
        f"When you look closely at {topic}, three questions come up again and again: how they "
        "started, why they changed, and what keeps them useful today.",
        f"Writers in the {1700 + number * 13}s described {topic} with a mixture of wonder and "
        "practical detail, listing measurements, costs and the names of the people involved.",
        "Modern accounts tend to be shorter, but they rely on the same careful observation, "
        "and the best of them admit what is still unknown.",
        f"A good summary of {topic} fits on one page; a complete one would fill a library.",
    ]
    return " ".join(sentences[(number + shift) % len(sentences)] for shift in range(10))


def code(number: int, topic: str) -> str:
    name = topic.replace(" ", "_").lower()
    return (
        "```python\n"
        f"def describe_{name}(items: list[str], limit: int = {number + 3}) -> str:\n"
        f'    """Join the first {number + 3} facts about {topic}."""\n'
        "    chosen = [item.strip() for item in items if item][:limit]\n"
        "    if not chosen:\n"
        f'        return "nothing is known about {topic} yet"\n'
        '    return "; ".join(f"{n}. {text}" for n, text in enumerate(chosen, 1))\n'
        "```\n"
    )


def data(number: int, topic: str) -> str:
    rows = [
        {"id": number * 10 + n, "topic": topic, "year": 1800 + n * 7, "score": n * 3 % 11}
        for n in range(8)
    ]
    return "```json\n" + json.dumps(rows, indent=1) + "\n```\n"


def table(number: int, topic: str) -> str:
    lines = [f"| {topic} | year | measure |", "|---|---|---|"]
    lines += [f"| item {n} | {1850 + n * number} | {n * 2.5:.1f} |" for n in range(10)]
    return "\n".join(lines) + "\n"


def answer(number: int) -> str:
    topic = TOPICS[number % len(TOPICS)]
    block = (code, data, table)[number % 3](number, topic)
    return f"{prose(number, topic)}\n\n{block}\n{prose(number + 1, topic)}"


def pairs(count: int) -> list[tuple[str, str]]:
    """`count` questions with their answers, about 800 SmolLM2 tokens a pair."""
    return [
        (f"Tell me everything about {TOPICS[n % len(TOPICS)]}, please.", answer(n))
        for n in range(count)
    ]


def seed_history(data_dir: Path, count: int, provider: str, model: str) -> str:
    """A conversation of `count` pairs whose replies are by `provider/model`; its id."""
    return seed("Long", pairs(count), provider=provider, model=model, db=data_dir / "chatui.db")
