"""The provider contract (streaming, what a model can do), retries, and the shared SDK client."""

from __future__ import annotations

import asyncio
import json
from abc import ABC, abstractmethod
from collections.abc import AsyncGenerator, Mapping
from contextlib import aclosing
from dataclasses import replace
from typing import Any, ClassVar, Generic, TypeVar
from urllib.parse import urlparse

from chatui.config import ProviderConfig
from chatui.core import (
    UNKNOWN,
    Capabilities,
    ChatError,
    ChatRequest,
    StreamEvent,
    StreamTimeout,
)
from chatui.providers.errors import map_exception
from chatui.providers.models.catalog import by_prefix
from chatui.providers.models.counting import COUNT_TIMEOUT, Uncountable

MAX_RETRY_WAIT = 8.0
ClientT = TypeVar("ClientT")


class Provider(ABC):
    """Streams replies from one configured endpoint as core events."""

    retry_base_delay = 0.5
    is_local: ClassVar[bool] = False  # runs on this machine (a small model: the UI says so)

    def __init__(self, config: ProviderConfig) -> None:
        self.config = config
        self.served: dict[str, Capabilities] = {}  # what the server said of its models
        self.learned: dict[str, Capabilities] = {}  # what its rejections said (the window)
        self.uncountable: set[str] = set()  # models the server has no route to count

    @property
    def name(self) -> str:
        return self.config.name

    def served_by(self, host: str) -> bool:
        """Whether the endpoint is `host` (no base URL: the SDK's default, the vendor's own)."""
        base = self.config.base_url
        return base is None or urlparse(base).hostname == host

    def installed(self) -> bool:
        """Whether what it needs on this machine is there (nothing, for a remote endpoint)."""
        return True

    def supports_thinking(self, model: str) -> bool:
        """Whether `model` takes a budget of extended thinking (`options.thinking_budget`)."""
        return False

    def capabilities(self, model: str) -> Capabilities:
        """What `model` can take here: the config's word over the server's, over what a
        rejection taught, over chatui's table; unknown where none of them says."""
        caps = self.known(model)
        for said in (self.learned.get(model), self.served.get(model), self.config.override(model)):
            if said is not None:
                caps = said.over(caps)
        return caps

    async def fetch_capabilities(self, models: list[str]) -> None:  # noqa: B027 - optional
        """Ask the server what `models` can take (into `served`); nothing when it can't say."""

    def known(self, model: str) -> Capabilities:
        """What chatui's own table says of `model` on this endpoint (prices only on the
        vendor's own: a compatible server's are unknown)."""
        return UNKNOWN

    async def count_tokens(self, request: ChatRequest) -> int | None:
        """The prompt tokens of `request` as the server counts them (its chat template
        included), or None where it can't count, fails or is late. Never raises for the
        network or the answer's shape."""
        return None

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


class SDKProvider(Provider, Generic[ClientT]):
    """A provider over a vendor SDK client: the client built once (the SDK imported on first
    use), its exceptions mapped to core errors, and the live model list, written once here."""

    _client: ClientT | None = None
    count_timeout = COUNT_TIMEOUT  # seconds each request of a count may take

    @abstractmethod
    def _new_client(self) -> ClientT:
        """Import the SDK and build its client from `client_options()`."""

    @abstractmethod
    def _run(self, request: ChatRequest) -> AsyncGenerator[StreamEvent, None]:
        """One attempt with the SDK; its exceptions are mapped by `_stream`."""

    def client(self) -> ClientT:
        """The SDK client, built once (importing the SDK on first use)."""
        if self._client is None:
            self._client = self._new_client()
        return self._client

    def build_client(self) -> None:
        _ = self.sdk_client().models

    async def count_tokens(self, request: ChatRequest) -> int | None:
        if request.model in self.uncountable:
            return None
        if self._client is None:  # importing the SDK blocks: not on the event loop
            await asyncio.to_thread(self.client)
        try:
            return await self._count(request)
        except Uncountable:  # no route to count with here: not asked again
            self.uncountable.add(request.model)
            return None

    async def _count(self, request: ChatRequest) -> int | None:
        """The server's count of `request` with the SDK client (built); None where the
        endpoint can't count. May raise Uncountable."""
        return None

    def sdk_client(self) -> Any:
        """The client, untyped: both SDKs have `models.list()` and an async `close()`."""
        return self.client()

    async def _stream(self, request: ChatRequest) -> AsyncGenerator[StreamEvent, None]:
        try:
            async with aclosing(self._run(request)) as events:
                async for event in events:
                    yield event
        except Exception as exc:
            raise map_exception(exc, self.config) from exc

    async def list_models(self) -> list[str]:
        try:
            listed = [model async for model in self.sdk_client().models.list()]
        except Exception as exc:
            raise map_exception(exc, self.config) from exc
        self.listed(listed)
        return merge_models(self.ordered([model.id for model in listed]), self.config.models)

    def listed(self, models: list[Any]) -> None:
        """What the SDK's model list says of each model, kept in `served` where it says."""

    def ordered(self, live: list[str]) -> list[str]:
        """The live list in the order the picker shows it (the endpoint's own, here)."""
        return live

    async def aclose(self) -> None:
        if self._client is not None:
            await self.sdk_client().close()
            self._client = None


def merge_models(live: list[str], configured: tuple[str, ...]) -> list[str]:
    """Configured models first, then live ones not already listed."""
    seen = dict.fromkeys(configured)
    seen.update(dict.fromkeys(live))
    return list(seen)


def from_table(table: Mapping[str, Capabilities], model: str, *, priced: bool) -> Capabilities:
    """`model`'s row of `table`, without its price unless `priced` (the vendor's endpoint)."""
    row = by_prefix(table, model)
    if row is None:
        return UNKNOWN
    return row if priced else replace(row, price=None)


def plain_json(**fields: object) -> dict[str, object]:
    """Request fields that are plain JSON already (the conversation), for the SDK's documented
    `extra_body`, which is merged into the body as is (it wins over the typed argument of the
    same name). Passed as typed arguments, the SDKs walk every message against their
    TypedDicts: half a second for a 1,000-message conversation, before anything is sent."""
    return fields


def stop_word(value: object) -> str | None:
    """A stop reason as the server wrote it, as text: a value of another type (a number, an
    object) is shown as written rather than crashing what reads it; empty or null: None."""
    if value is None or value == "":
        return None
    return value if isinstance(value, str) else json.dumps(value)
