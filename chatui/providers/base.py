"""The streaming contract every provider implements, and retry-before-first-token around it."""

from __future__ import annotations

import asyncio
from abc import ABC, abstractmethod
from collections.abc import AsyncGenerator
from contextlib import aclosing
from typing import Any

from chatui.config import ProviderConfig
from chatui.core import ChatError, ChatRequest, StreamEvent, StreamTimeout

MAX_RETRY_WAIT = 8.0


class Provider(ABC):
    """Streams replies from one configured endpoint as core events."""

    retry_base_delay = 0.5

    def __init__(self, config: ProviderConfig) -> None:
        self.config = config

    @property
    def name(self) -> str:
        return self.config.name

    def client_options(self) -> dict[str, Any]:
        """What both SDK clients are built with: key, address, timeouts; no SDK retries (the
        retry loop below is ours: it must stop once a token has arrived)."""
        import httpx2

        times = self.config.timeouts
        return {
            "api_key": self.config.api_key() or "missing",
            "base_url": self.config.base_url,
            "timeout": httpx2.Timeout(times.read, connect=times.connect),
            "max_retries": 0,
        }

    async def stream(self, request: ChatRequest) -> AsyncGenerator[StreamEvent, None]:
        """Yield the reply's events; retry with backoff only while nothing has been yielded."""
        attempt = 0
        while True:
            started = False
            try:
                async with aclosing(self._stream(request)) as events:
                    async for event in events:
                        started = True
                        yield event
                return
            except ChatError as exc:
                wait = self._retry_wait(exc, attempt)
                if started or wait is None:
                    raise
            attempt += 1
            await asyncio.sleep(wait)

    def _retry_wait(self, exc: ChatError, attempt: int) -> float | None:
        # A stall already cost the user `timeouts.read` seconds: report it rather than wait
        # that long again (ctrl+r retries).
        if not exc.retryable or isinstance(exc, StreamTimeout):
            return None
        if attempt >= self.config.max_retries:
            return None
        wait = (
            exc.retry_after if exc.retry_after is not None else self.retry_base_delay * 2**attempt
        )
        return wait if wait <= MAX_RETRY_WAIT else None

    @abstractmethod
    def _stream(self, request: ChatRequest) -> AsyncGenerator[StreamEvent, None]:
        """One attempt: yield events, raise ChatError subclasses, close the stream on exit."""

    @abstractmethod
    async def list_models(self) -> list[str]:
        """Model ids the endpoint offers (live where it can), configured ones included."""

    def build_client(self) -> None:  # noqa: B027 - optional hook
        """Import the SDK and build the client, ready to list models; no model is loaded (may
        block: use a thread)."""

    def warm(self) -> None:  # noqa: B027 - optional hook
        """Import the SDK and build the client ahead of the first request (may block: use a
        thread)."""

    async def aclose(self) -> None:  # noqa: B027 - optional hook
        """Release network resources."""


def merge_models(live: list[str], configured: tuple[str, ...]) -> list[str]:
    """Configured models first, then live ones not already listed."""
    seen = dict.fromkeys(configured)
    seen.update(dict.fromkeys(live))
    return list(seen)
