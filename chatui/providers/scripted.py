"""A scripted in-memory provider for tests and demos: replies are queued with `enqueue`."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Sequence

from chatui.config import ProviderConfig
from chatui.core import ChatError, ChatRequest, Finished, StreamEvent, TextDelta, Usage, UsageReport
from chatui.providers.base import Provider

Step = str | StreamEvent | ChatError | float


class ScriptedProvider(Provider):
    """Plays queued scripts: strings are text deltas, floats are pauses, errors are raised."""

    def __init__(self, config: ProviderConfig | None = None) -> None:
        super().__init__(config or ProviderConfig("scripted", max_retries=0))
        self.scripts: list[Sequence[Step]] = []
        self.requests: list[ChatRequest] = []

    def enqueue(self, *steps: Step) -> None:
        self.scripts.append(steps)

    async def _stream(self, request: ChatRequest) -> AsyncGenerator[StreamEvent, None]:
        self.requests.append(request)
        steps = self.scripts.pop(0) if self.scripts else ("ok",)
        text = 0
        for step in steps:
            if isinstance(step, float):
                await asyncio.sleep(step)
            elif isinstance(step, str):
                text += len(step)
                yield TextDelta(step)
            elif isinstance(step, ChatError):
                raise step
            else:
                yield step
        if not any(isinstance(step, Finished) for step in steps):
            yield UsageReport(Usage(sum(len(m.content) for m in request.messages), text))
            yield Finished("stop")

    async def list_models(self) -> list[str]:
        return list(self.config.models) or ["scripted-1"]
