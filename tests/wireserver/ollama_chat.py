"""Ollama's native `/api/chat`: NDJSON lines (a piece each, then `done: true` with the counts),
its `{"error": "text"}` bodies, and what it rejects a request for."""

from __future__ import annotations

import time
from typing import Any

from tests.wireserver.emitter import Emitter
from tests.wireserver.replies import TRUNCATION, Problem, dumps, is_int

#: the 400 of a prompt longer than `options.num_ctx` (with `truncate: false`), in Ollama's words
OVERFLOW = (
    "the prompt is longer than the context length currently available to the model; "
    "shorten the conversation or give it a bigger num_ctx"
)
ROLES = frozenset({"system", "user", "assistant", "tool"})


def ollama_error(status: int, message: str | None) -> dict[str, Any]:
    """Ollama's error body: the message as a plain string."""
    default = "model is required" if status < 500 else "llama runner process has terminated"
    return {"error": message or default}


class OllamaEmitter(Emitter):
    """`/api/chat` lines (`application/x-ndjson`) and its non-streamed body."""

    content_type = "application/x-ndjson"

    def line(self, **fields: Any) -> bytes:
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S.000000000Z", time.gmtime(self.created))
        return (dumps({"model": self.model, "created_at": stamp, **fields}) + "\n").encode()

    def message(self, content: str, thinking: str = "") -> dict[str, Any]:
        said = {"role": "assistant", "content": content}
        return said | {"thinking": thinking} if thinking else said

    def reasoning_delta(self, piece: str) -> bytes:
        return self.line(message=self.message("", piece), done=False)

    def text_delta(self, piece: str) -> bytes:
        return self.line(message=self.message(piece), done=False)

    def counts(self) -> dict[str, Any]:
        r = self.reply
        reason = "length" if r.stop_reason in TRUNCATION else "stop"
        if r.omit_usage:
            return {"done_reason": reason}
        return {
            "done_reason": reason, "total_duration": 2_181_000_000,
            "load_duration": 3_470_000, "prompt_eval_count": r.input_tokens,
            "prompt_eval_duration": 96_000_000, "eval_count": r.completion_tokens,
            "eval_duration": 2_041_000_000,
        }  # fmt: skip

    def finish(self) -> bytes:
        if self.reply.omit_done:
            return b""
        return self.line(message=self.message(""), done=True, **self.counts())

    def error_event(self) -> bytes:
        r = self.reply
        data = r.error_body if r.error_body is not None else ollama_error(500, r.error_message)
        return (dumps(data) + "\n").encode()

    def malformed(self) -> bytes:
        return b'{"model":"broken","message":{"role":"assistant","content":"oops"\n'

    def complete_body(self) -> dict[str, Any]:
        message = self.message(self.reply.text, self.reply.reasoning_text)
        return {"model": self.model, "message": message, "done": True, **self.counts()}


def validate_ollama_chat(body: Any) -> list[Problem]:
    """What Ollama answers 400 for (its messages are plain strings; unknown fields pass)."""
    if not isinstance(body, dict):
        return [Problem("invalid request body")]
    out: list[Problem] = []
    if not isinstance(body.get("model"), str) or not body["model"]:
        out.append(Problem("model is required"))
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        out.append(Problem("messages are required"))
    else:
        for m in messages:
            if not isinstance(m, dict) or m.get("role") not in ROLES:
                out.append(Problem(f"invalid message: {m!r}"))
            elif not isinstance(m.get("content"), str):
                out.append(Problem("message content must be a string"))
    for flag in ("stream", "truncate", "think"):
        if flag in body and not isinstance(body[flag], bool):
            out.append(Problem(f"{flag} must be a boolean"))
    options = body.get("options", {})
    if not isinstance(options, dict):
        out.append(Problem("options must be an object"))
    else:
        for key in ("num_ctx", "num_predict", "seed"):
            if key in options and not is_int(options[key]):
                out.append(Problem(f"option {key} must be an integer"))
    return out
