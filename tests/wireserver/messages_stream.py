"""Anthropic Messages: `message_*`/`content_block_*` SSE and the JSON body."""

from __future__ import annotations

import uuid
from typing import Any

from tests.wireserver.emitter import Emitter
from tests.wireserver.replies import TRUNCATION, Reply, uid


class MessagesEmitter(Emitter):
    """Anthropic Messages events (`event:` + `data:`), thinking and text blocks, pings."""

    def __init__(self, reply: Reply, body: dict[str, Any]) -> None:
        super().__init__(reply, body)
        self.id = uid("msg_01", 22)
        self.index = -1
        self.pinged = False
        self.signature = "EqQBCkYIBxgCKkB" + uuid.uuid4().hex

    def ev(self, type_: str, **fields: Any) -> bytes:
        data = {"type": type_, **fields}
        if self.reply.extra_fields:
            data["x_wire"] = {"id": self.id}
        return self.sse(data, event=type_)

    def stop_reason(self) -> str:
        reason = self.reply.stop_reason
        if reason is None or reason in ("stop", "completed"):
            return "end_turn"
        if reason in TRUNCATION:
            return "max_tokens"
        return {"content_filter": "refusal", "tool_calls": "tool_use"}.get(reason, reason)

    def message(
        self, content: list[dict[str, Any]], stop: str | None, output_tokens: int
    ) -> dict[str, Any]:
        usage: dict[str, Any] = {
            "input_tokens": self.reply.input_tokens,
            "cache_creation_input_tokens": 0,
            "cache_read_input_tokens": self.reply.cached_input_tokens,
            "output_tokens": output_tokens,
        }
        if self.reply.extra_fields:
            usage["service_tier"] = "standard"
        return {
            "id": self.id,
            "type": "message",
            "role": "assistant",
            "model": self.model,
            "content": content,
            "stop_reason": stop,
            "stop_sequence": None,
            "usage": usage,
        }

    def start(self) -> bytes:
        return self.ev("message_start", message=self.message([], None, 1))

    def block_start(self, block: dict[str, Any]) -> bytes:
        self.index += 1
        out = self.ev("content_block_start", index=self.index, content_block=block)
        if not self.pinged:
            self.pinged = True
            out += self.ev("ping")
        return out

    def block_delta(self, delta: dict[str, Any]) -> bytes:
        return self.ev("content_block_delta", index=self.index, delta=delta)

    def reasoning_begin(self) -> bytes:
        return self.block_start({"type": "thinking", "thinking": "", "signature": ""})

    def reasoning_delta(self, piece: str) -> bytes:
        return self.block_delta({"type": "thinking_delta", "thinking": piece})

    def reasoning_end(self) -> bytes:
        signature = self.block_delta({"type": "signature_delta", "signature": self.signature})
        return signature + self.ev("content_block_stop", index=self.index)

    def text_begin(self) -> bytes:
        return self.block_start({"type": "text", "text": ""})

    def text_delta(self, piece: str) -> bytes:
        return self.block_delta({"type": "text_delta", "text": piece})

    def text_end(self) -> bytes:
        return self.ev("content_block_stop", index=self.index)

    def finish(self) -> bytes:
        out = b"" if self.pinged else self.ev("ping")
        stop = None if self.reply.omit_finish_reason else self.stop_reason()
        delta = {"stop_reason": stop, "stop_sequence": None}
        usage = {"output_tokens": self.reply.completion_tokens}
        out += self.ev("message_delta", delta=delta, usage=usage)
        if not self.reply.omit_done:
            out += self.ev("message_stop")
        return out

    def error_event(self) -> bytes:
        r = self.reply
        if r.error_body is not None:
            return self.sse(r.error_body, event="error")
        message = r.error_message or "Overloaded"
        return self.ev(
            "error", error={"type": r.error_type or "overloaded_error", "message": message}
        )

    def malformed(self) -> bytes:
        return b'event: content_block_delta\ndata: {"type":"content_block_delta","index":\n\n'

    def complete_body(self) -> dict[str, Any]:
        content: list[dict[str, Any]] = []
        if self.reply.reasoning_text:
            thinking = self.reply.reasoning_text
            content.append({"type": "thinking", "thinking": thinking, "signature": self.signature})
        if self.reply.text:
            content.append({"type": "text", "text": self.reply.text})
        stop = None if self.reply.omit_finish_reason else self.stop_reason()
        return self.message(content, stop, self.reply.completion_tokens)
