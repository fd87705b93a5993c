"""OpenAI Chat Completions: `chat.completion.chunk` SSE and the JSON body."""

from __future__ import annotations

from typing import Any

from tests.wireserver.emitter import Emitter
from tests.wireserver.error_bodies import openai_error
from tests.wireserver.replies import TRUNCATION, Reply, uid


class ChatEmitter(Emitter):
    """`chat.completion.chunk` SSE and `chat.completion` JSON."""

    def __init__(self, reply: Reply, body: dict[str, Any]) -> None:
        super().__init__(reply, body)
        self.id = uid("chatcmpl-")
        options = body.get("stream_options")
        self.include_usage = isinstance(options, dict) and options.get("include_usage") is True
        self.held_thought: list[dict[str, Any]] = []  # content_parts: the last thinking part

    def finish_reason(self) -> str:
        reason = self.reply.stop_reason
        if reason is None or reason in ("end_turn", "stop_sequence", "completed"):
            return "stop"
        if reason in TRUNCATION:
            return "length"
        return {"refusal": "content_filter", "tool_use": "tool_calls"}.get(reason, reason)

    def usage(self) -> dict[str, Any]:
        r = self.reply
        return {
            "prompt_tokens": r.input_tokens,
            "completion_tokens": r.completion_tokens,
            "total_tokens": r.input_tokens + r.completion_tokens,
            "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
            "completion_tokens_details": {
                "reasoning_tokens": r.reasoning_tokens,
                "audio_tokens": 0,
                "accepted_prediction_tokens": 0,
                "rejected_prediction_tokens": 0,
            },
        }

    def envelope(self, choices: list[dict[str, Any]]) -> dict[str, Any]:
        """A chunk's fields around its choices, as OpenAI sends them."""
        return {
            "id": self.id,
            "object": "chat.completion.chunk",
            "created": self.created,
            "model": self.model,
            "service_tier": "default",
            "system_fingerprint": "fp_wireserver",
            "choices": choices,
        }

    def chunk(self, delta: dict[str, Any], finish_reason: str | None = None) -> bytes:
        choice: dict[str, Any] = {
            "index": 0,
            "delta": delta,
            "logprobs": None,
            "finish_reason": finish_reason,
        }
        data = self.envelope([choice])
        if self.include_usage:
            data["usage"] = None
        if self.reply.extra_fields:
            choice["native_finish_reason"] = finish_reason
            data["provider"] = "WireServer"
            data["x_wire"] = {"id": self.id, "queue_ms": 3}
        return self.sse(data)

    def start(self) -> bytes:
        content = None if self.reply.refusal else ""
        return self.chunk({"role": "assistant", "content": content, "refusal": None})

    def reasoning_delta(self, piece: str) -> bytes:
        if self.reply.content_parts:  # Mistral: a thinking part holding text parts
            self.held_thought = [
                {"type": "thinking", "thinking": [{"type": "text", "text": piece}]}
            ]
            if len(self.reasoning_parts) == len(self.reply.reasoning) and self.reply.pieces:
                return b""  # the last one goes with the first text, in one chunk, as Mistral's
            return self.chunk({"content": self.held_thought})
        return self.chunk({self.reply.reasoning_field: piece})

    def text_delta(self, piece: str) -> bytes:
        if self.reply.refusal:
            return self.chunk({"content": None, "refusal": piece})
        if self.reply.content_parts:
            parts = [*self.held_thought, {"type": "text", "text": piece}]
            self.held_thought = []
            return self.chunk({"content": parts})
        return self.chunk({"content": piece}, "stop" if self.reply.finish_every_chunk else None)

    def finish(self) -> bytes:
        out = b""
        if not self.reply.omit_finish_reason:
            out += self.chunk({}, self.finish_reason())
        if self.include_usage and not self.reply.omit_usage:
            data = self.envelope([])
            if self.reply.groq_usage:
                data["x_groq"] = {"id": self.id, "usage": self.usage()}
            else:
                data["usage"] = self.usage()
            if self.reply.extra_fields:
                data["timings"] = {"prompt_ms": 1.5, "predicted_ms": 9.25, "predicted_n": 2}
            out += self.sse(data)
        if not self.reply.omit_done:
            out += b"data: [DONE]\n\n"
        return out

    def error_event(self) -> bytes:
        r = self.reply
        if r.error_body is not None:
            return self.sse(r.error_body)
        return self.sse(openai_error(r.status or 500, r.error_message, r.error_type, r.error_code))

    def complete_body(self) -> dict[str, Any]:
        message: dict[str, Any] = {
            "role": "assistant",
            "content": self.reply.text,
            "refusal": None,
            "annotations": [],
        }
        if self.reply.reasoning_text:
            message[self.reply.reasoning_field] = self.reply.reasoning_text
        body: dict[str, Any] = {
            "id": self.id,
            "object": "chat.completion",
            "created": self.created,
            "model": self.model,
            "choices": [
                {
                    "index": 0,
                    "message": message,
                    "logprobs": None,
                    "finish_reason": None
                    if self.reply.omit_finish_reason
                    else self.finish_reason(),
                }
            ],
            "service_tier": "default",
            "system_fingerprint": "fp_wireserver",
        }
        if not self.reply.omit_usage:
            body["usage"] = self.usage()
        return body
