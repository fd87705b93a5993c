"""Saves one reply as it streams: its row at the first token, the text so far, the final state."""

from __future__ import annotations

import time

from chatui.core import MessageStatus, ReasoningDelta, TextDelta
from chatui.services.session.recorder import Recorder
from chatui.services.session.turns import ReplyStats, Turn


class ReplyWriter:
    """Collects a reply's text and reasoning and writes them through the session's recorder:
    the message row when the first token arrives (or at the end, if none did), the text so far
    at most every flush interval, then the final text, status and figures."""

    def __init__(self, recorder: Recorder, conversation_id: str | None, reply: Turn) -> None:
        self.recorder = recorder
        self.conversation_id = conversation_id
        self.reply = reply
        self.parts: list[str] = []
        self.reasoning: list[str] = []

    def add(self, event: TextDelta | ReasoningDelta, stats: ReplyStats) -> None:
        """Take one delta; the first one creates the stored message."""
        if stats.first_token is None:
            stats.first_token = time.monotonic()
            stats.state = "streaming"
            self.create()
        (self.parts if isinstance(event, TextDelta) else self.reasoning).append(event.text)
        stats.chars += len(event.text)
        if self.recorder.flush_due() and self.reply.id:
            self.flush()

    def create(self) -> None:
        """Queue the reply's row (status streaming); its id is set once written."""
        store, conversation, reply = self.recorder.store, self.conversation_id, self.reply
        if store is None or conversation is None:
            return

        def create() -> None:
            record = store.add_message(
                conversation,
                "assistant",
                "",
                parent_id=reply.parent.id if reply.parent is not None else None,
                provider=reply.provider,
                model=reply.model,
                status=MessageStatus.STREAMING,
                window_start=reply.window.id if reply.window is not None else None,
            )
            reply.id = record.id

        self.recorder.later(create)

    def flush(self) -> None:
        """Queue a write of the text so far."""
        store = self.recorder.store
        if store is not None and self.reply.id is not None:
            self.recorder.later(
                store.update_streaming, self.reply.id, "".join(self.parts), "".join(self.reasoning)
            )

    async def finish(self, stats: ReplyStats) -> None:
        """End the reply (complete unless it stopped or failed) and save it with its figures."""
        reply = self.reply
        stats.finished = time.monotonic()
        stats.state = reply.status if reply.status != MessageStatus.COMPLETE else "done"
        reply.content, reply.reasoning = "".join(self.parts), "".join(self.reasoning)
        if reply.status == MessageStatus.STREAMING:
            reply.status = MessageStatus.COMPLETE
        store = self.recorder.store
        if store is None or self.conversation_id is None:
            return
        if stats.first_token is None:  # failed or stopped before any text: record it anyway
            self.create()
        await self.recorder.drain()
        if reply.id is not None:
            await self.recorder.call(
                store.finish_message,
                reply.id,
                reply.content,
                reply.reasoning,
                reply.status,
                error=reply.error,
                input_tokens=stats.usage.input_tokens if stats.usage else None,
                output_tokens=stats.usage.output_tokens if stats.usage else None,
                cost=stats.cost,
                ttft=stats.ttft,
                duration=stats.duration,
                stop_reason=reply.stop_reason,
            )
