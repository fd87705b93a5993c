"""The stock approach, measured the same way as chatui for comparison: Textual's
`Markdown.get_stream()` fed from the OpenAI SDK's typed chunk stream."""

from __future__ import annotations

import time
from typing import Any

import openai
from bench_common import END_MARKER, server_for
from textual.app import App, ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Markdown


class StockApp(App[None]):
    CSS = "Markdown { layout: stream; }"

    def compose(self) -> ComposeResult:
        with VerticalScroll() as scroll:
            scroll.anchor()
            yield Markdown()


async def baseline(text: str, chunks: int) -> dict[str, float]:
    """Lag after the server's last chunk until the marker is drawn, and main-thread CPU."""
    server = server_for(text, chunks, 2000.0)
    app = StockApp()
    client = openai.AsyncOpenAI(api_key="x", base_url=server.base_url + "/v1", max_retries=0)
    painted: dict[str, float] = {}
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            markdown = app.query_one(Markdown)
            cpu = time.thread_time()
            stream: Any = await client.chat.completions.create(
                model="m", messages=[{"role": "user", "content": "x"}], stream=True
            )
            writer = Markdown.get_stream(markdown)
            async for chunk in stream:
                if chunk.choices and chunk.choices[0].delta.content:
                    await writer.write(chunk.choices[0].delta.content)
            await writer.stop()
            while END_MARKER not in app.export_screenshot():
                await pilot.pause(0.01)
            painted["t"] = time.perf_counter()
            cpu = time.thread_time() - cpu
            finished = server.generation_requests[-1].finished_at or 0.0
            return {"lag_s": painted["t"] - finished, "cpu_s": cpu}
    finally:
        await client.close()
        server.stop()
