"""Makes the README's screenshots (SVG, from Textual's screenshot support) of the chat, the model
picker and the history, from a made-up history in a temporary folder: run it after UI changes.

    python3 scripts/screenshots.py [OUTPUT_DIR]      # default: docs/screenshots
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from _venv import ROOT, ensure  # noqa: E402

sys.path.insert(0, str(ROOT))
from tests.wireserver import WireServer  # noqa: E402

SIZE = (110, 34)
QUESTION = "How do I stream a reply without re-rendering the whole message?"
ANSWER = """Split the reply into **top-level Markdown blocks** and keep a cache:

1. A finished block is rendered *once* per width, then reused.
2. Only the open tail block is re-rendered, at most once per frame.

```python
def render(blocks, width):
    done = [cache.get(b, width) for b in blocks[:-1]]
    return done + [render_block(blocks[-1], width)]
```

| approach            | lag after last token |
|---------------------|----------------------|
| re-render per token | minutes              |
| cached blocks       | a frame              |
"""
MODELS = (
    ("gpt-4.1", "gpt-4.1-mini", "gpt-4o", "o4-mini", "gpt-5"),
    ("claude-sonnet-4-6", "claude-haiku-4-5", "claude-sonnet-5-5"),
    ("llama3.2:3b", "qwen2.5-coder:7b", "gemma3:4b"),
)
HISTORY = [
    ("Trip plan for Lisbon in May", "Plan three days in Lisbon", "Day 1: Alfama and the castle…"),
    ("SQLite FTS5 ranking", "How does bm25 rank FTS5 matches?", "bm25() scores each row…"),
    ("Regex for ISO dates", "A regex for ISO 8601 dates", "`^\\d{4}-\\d{2}-\\d{2}$` matches…"),
    ("Rust lifetimes, briefly", "Explain lifetimes like I know C", "A lifetime names a scope…"),
]


def prepare(folder: Path) -> list[WireServer]:
    """Three providers, each a loopback server that lists its models (the test suite's wire
    server: nothing leaves the machine), and a history to show."""
    servers = [WireServer(models=list(models)).start() for models in MODELS]
    openai, anthropic, ollama = (server.base_url for server in servers)
    config = folder / "config.toml"
    config.write_text(
        'default_model = "anthropic/claude-sonnet-4-6"\n'
        f'[providers.ollama]\nbase_url = "{ollama}/v1"\n'
        f'[providers.local]\nmodel_path = "{folder}/none.gguf"\n'
    )
    os.environ.update(
        CHATUI_CONFIG=str(config),
        CHATUI_DATA_DIR=str(folder / "data"),
        CHATUI_CACHE_DIR=str(folder / "cache"),
        OPENAI_API_KEY="sk-screenshot",
        ANTHROPIC_API_KEY="sk-ant-screenshot",
        OPENAI_BASE_URL=f"{openai}/v1",
        ANTHROPIC_BASE_URL=anthropic,
    )
    from chatui.store import TranscriptStore

    with TranscriptStore.open() as store:
        for title, question, answer in HISTORY:
            conversation = store.create_conversation(title)
            user = store.add_message(conversation.id, "user", question)
            store.add_message(
                conversation.id, "assistant", answer, parent_id=user.id,
                provider="openai", model="gpt-4.1-mini",
            )  # fmt: skip
        conversation = store.create_conversation("Streaming Markdown fast")
        user = store.add_message(conversation.id, "user", QUESTION)
        store.add_message(
            conversation.id, "assistant", ANSWER, parent_id=user.id,
            provider="anthropic", model="claude-sonnet-4-6", input_tokens=412, output_tokens=168,
        )  # fmt: skip
    return servers


async def shoot(output: Path) -> list[Path]:
    from textual.pilot import Pilot

    from chatui.config import load_config
    from chatui.core import ModelRef
    from chatui.store import TranscriptStore
    from chatui.ui.app import ChatApp

    async def settle(pilot: Pilot[None]) -> None:
        for widget in pilot.app.query("*").results():
            if hasattr(widget, "cursor_blink"):
                widget.cursor_blink = False
        await pilot.app.workers.wait_for_complete()
        await pilot.pause(0.3)

    shots: list[Path] = []
    for name, keys in (("chat", ()), ("picker", ("ctrl+o",)), ("history", ("ctrl+f",))):
        with TranscriptStore.open() as store:
            app = ChatApp(
                load_config(), store, ModelRef.parse("anthropic/claude-sonnet-4-6"),
                resume_id=store.last_conversation_id(),
            )  # fmt: skip
            async with app.run_test(size=SIZE) as pilot:
                await settle(pilot)
                await pilot.press(*keys)
                await settle(pilot)
                path = output / f"{name}.svg"
                path.write_text(app.export_screenshot(title=f"chatui — {name}"))
                shots.append(path)
    return shots


def main() -> None:
    if Path(sys.prefix).resolve() != (ROOT / ".venv").resolve() and "CHATUI_VENV" not in os.environ:
        python = ensure("test")
        os.execv(python, [str(python), __file__, *sys.argv[1:]])
    output = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots"
    output.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        servers = prepare(Path(folder))
        try:
            for path in asyncio.run(shoot(output)):
                print(path)
        finally:
            for server in servers:
                server.stop()


if __name__ == "__main__":
    main()
