"""Writes a streaming reply to the transcript store off the event loop, batched, never fatal."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Callable
from typing import Any

from chatui.core import InternalError, StoreError
from chatui.errorlog import internal_error
from chatui.store import TranscriptStore

FLUSH_INTERVAL = 0.5
UNSAVED = "nothing more of this conversation is saved"


class Recorder:
    """Serialises store writes in a worker thread; a failed write is reported, not raised.

    A write the disk or the database refused is a StoreError; any other exception is a bug, an
    InternalError (logged with its traceback). Either way nothing more is written."""

    def __init__(self, store: TranscriptStore | None) -> None:
        self.store = store
        self.lock = asyncio.Lock()
        self.pending: set[asyncio.Task[Any]] = set()
        self.failure: StoreError | InternalError | None = None
        self.last_flush = 0.0

    @property
    def saving(self) -> bool:
        return self.store is not None and self.failure is None

    def kept(self, conversation_id: str | None) -> str:
        """What of the conversation is saved, said with an internal error."""
        if conversation_id is None or not self.saving:
            return "the conversation is not saved"
        return "your message and the reply so far are saved"

    async def call(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run one store method in a thread, after every earlier write; None if it failed."""
        if not self.saving:
            return None
        async with self.lock:
            try:
                return await asyncio.to_thread(fn, *args, **kwargs)
            except StoreError as exc:
                self.failure = exc
            except (sqlite3.Error, OSError) as exc:  # what the store did not wrap
                self.failure = StoreError(f"the conversation could not be saved ({exc})")
            except Exception as exc:  # a bug, not the disk: logged, and shown as such
                self.failure = internal_error(exc, "saving the conversation")
                self.failure.noting_saved(UNSAVED)
            return None

    def later(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        """Queue a write without waiting for it."""
        task = asyncio.get_running_loop().create_task(self.call(fn, *args, **kwargs))
        self.pending.add(task)
        task.add_done_callback(self.pending.discard)

    def flush_due(self) -> bool:
        """True at most once per FLUSH_INTERVAL while no flush is queued."""
        now = time.monotonic()
        if now - self.last_flush < FLUSH_INTERVAL or self.pending:
            return False
        self.last_flush = now
        return True

    async def drain(self) -> None:
        """Wait for every queued write."""
        while self.pending:
            await asyncio.gather(*self.pending, return_exceptions=True)
