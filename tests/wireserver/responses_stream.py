"""OpenAI Responses: `response.*` SSE events and the JSON body."""

from __future__ import annotations

import time
from typing import Any

from tests.wireserver.emitter import Emitter
from tests.wireserver.replies import TRUNCATION, Reply, uid


class ResponsesEmitter(Emitter):
    """OpenAI Responses API events (`event:` + `data:` with `type` and `sequence_number`)."""

    def __init__(self, reply: Reply, body: dict[str, Any]) -> None:
        super().__init__(reply, body)
        self.id = uid("resp_", 32)
        self.seq = 0
        self.output: list[dict[str, Any]] = []  # finished output items
        self.item_id = ""
        self.text_started = False

    def ev(self, type_: str, **fields: Any) -> bytes:
        data = {"type": type_, **fields, "sequence_number": self.seq}
        self.seq += 1
        if self.reply.extra_fields:
            data["x_wire"] = {"seq": self.seq}
        return self.sse(data, event=type_)

    def outcome(self) -> tuple[str, dict[str, str] | None]:
        reason = self.reply.stop_reason
        if reason in TRUNCATION:
            return "incomplete", {"reason": "max_output_tokens"}
        if reason in ("content_filter", "refusal"):
            return "incomplete", {"reason": "content_filter"}
        return "completed", None

    def usage(self) -> dict[str, Any]:
        r = self.reply
        return {
            "input_tokens": r.input_tokens,
            "input_tokens_details": {"cached_tokens": 0, "cache_write_tokens": 0},
            "output_tokens": r.completion_tokens,
            "output_tokens_details": {"reasoning_tokens": r.reasoning_tokens},
            "total_tokens": r.input_tokens + r.completion_tokens,
        }

    def response(self, status: str, **extra: Any) -> dict[str, Any]:
        b = self.body
        data: dict[str, Any] = {
            "id": self.id,
            "object": "response",
            "created_at": self.created,
            "status": status,
            "background": False,
            "completed_at": int(time.time()) if status == "completed" else None,
            "error": None,
            "incomplete_details": None,
            "instructions": b.get("instructions"),
            "max_output_tokens": b.get("max_output_tokens"),
            "max_tool_calls": None,
            "model": self.model,
            "output": list(self.output) if status != "in_progress" else [],
            "parallel_tool_calls": True,
            "previous_response_id": b.get("previous_response_id"),
            "reasoning": b.get("reasoning") or {"effort": None, "summary": None},
            "service_tier": "default",
            "store": b.get("store", True),
            "temperature": b.get("temperature", 1.0),
            "text": {"format": {"type": "text"}, "verbosity": "medium"},
            "tool_choice": "auto",
            "tools": [],
            "top_p": b.get("top_p", 1.0),
            "truncation": "disabled",
            "usage": None,
            "user": None,
            "metadata": b.get("metadata") or {},
        }
        data.update(extra)
        return data

    def start(self) -> bytes:
        created = self.ev("response.created", response=self.response("in_progress"))
        return created + self.ev("response.in_progress", response=self.response("in_progress"))

    def item_event(self, type_: str, item: dict[str, Any]) -> bytes:
        return self.ev(type_, output_index=len(self.output), item=item)

    def part_event(self, type_: str, **fields: Any) -> bytes:
        """An event about the open item's part 0 (summary part or content part)."""
        index = "summary_index" if "reasoning" in type_ else "content_index"
        return self.ev(
            type_, item_id=self.item_id, output_index=len(self.output), **{index: 0}, **fields
        )

    def reasoning_begin(self) -> bytes:
        self.item_id = uid("rs_", 40)
        item = {"id": self.item_id, "type": "reasoning", "summary": []}
        part = {"type": "summary_text", "text": ""}
        return self.item_event("response.output_item.added", item) + self.part_event(
            "response.reasoning_summary_part.added", part=part
        )

    def reasoning_delta(self, piece: str) -> bytes:
        if self.reply.raw_reasoning:  # DeepSeek, OpenRouter: the reasoning itself
            return self.ev(
                "response.reasoning_text.delta",
                item_id=self.item_id,
                output_index=len(self.output),
                content_index=0,
                delta=piece,
            )
        return self.part_event("response.reasoning_summary_text.delta", delta=piece)

    def reasoning_end(self) -> bytes:
        part = {"type": "summary_text", "text": "".join(self.reasoning_parts)}
        item = {"id": self.item_id, "type": "reasoning", "summary": [part]}
        out = self.part_event("response.reasoning_summary_text.done", text=part["text"])
        out += self.part_event("response.reasoning_summary_part.done", part=part)
        out += self.item_event("response.output_item.done", item)
        self.output.append(item)
        return out

    def message_item(self, status: str, content: list[dict[str, Any]]) -> dict[str, Any]:
        return {
            "id": self.item_id,
            "type": "message",
            "status": status,
            "content": content,
            "role": "assistant",
        }

    def text_begin(self) -> bytes:
        self.text_started = True
        self.item_id = uid("msg_", 40)
        part = {"type": "output_text", "annotations": [], "logprobs": [], "text": ""}
        return self.item_event(
            "response.output_item.added", self.message_item("in_progress", [])
        ) + self.part_event("response.content_part.added", part=part)

    def text_delta(self, piece: str) -> bytes:
        if self.reply.refusal:
            return self.part_event("response.refusal.delta", delta=piece)
        return self.part_event("response.output_text.delta", delta=piece, logprobs=[])

    def text_end(self) -> bytes:
        text = "".join(self.text_parts)
        part: dict[str, Any]
        if self.reply.refusal:
            part = {"type": "refusal", "refusal": text}
            out = self.part_event("response.refusal.done", refusal=text)
        else:
            part = {"type": "output_text", "annotations": [], "logprobs": [], "text": text}
            out = self.part_event("response.output_text.done", text=text, logprobs=[])
        item = self.message_item(self.outcome()[0], [part])
        out += self.part_event("response.content_part.done", part=part)
        out += self.item_event("response.output_item.done", item)
        self.output.append(item)
        return out

    def final_response(self) -> dict[str, Any]:
        status, details = self.outcome()
        usage = None if self.reply.omit_usage else self.usage()
        return self.response(status, incomplete_details=details, usage=usage)

    def finish(self) -> bytes:
        out = b"" if self.text_started else self.text_begin() + self.text_end()
        if self.reply.omit_done:
            return out
        response = self.final_response()
        return out + self.ev(f"response.{response['status']}", response=response)

    def error_event(self) -> bytes:
        r = self.reply
        if r.error_body is not None:
            return self.sse(r.error_body, event="error")
        message = r.error_message or "The server had an error while processing your request."
        code = r.error_code or "server_error"
        if r.error_event_kind == "failed":
            error = {"code": code, "message": message}
            return self.ev("response.failed", response=self.response("failed", error=error))
        return self.ev("error", code=code, message=message, param=None)

    def malformed(self) -> bytes:
        return b'event: response.output_text.delta\ndata: {"type":"response.output_text.delta",\n\n'

    def complete_body(self) -> dict[str, Any]:
        if self.reply.reasoning_text:
            self.reasoning_parts = list(self.reply.reasoning)
            self.reasoning_begin()
            self.reasoning_end()
        self.text_parts = [self.reply.text]
        self.text_begin()
        self.text_end()
        return self.final_response()
