"""Loopback HTTP server speaking the OpenAI and Anthropic wire formats, scripted per test.

`WireServer` runs in a background thread on 127.0.0.1 and answers
`POST /v1/chat/completions`, `POST /v1/responses`, `POST /v1/messages` and `GET /v1/models`
exactly as the real APIs do (SSE framing, event order, error JSON), validates requests the way
the real APIs do, and plays back queued `Reply` scripts, faults included.
"""

from __future__ import annotations

import collections
import contextlib
import json
import select
import socket
import socketserver
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Literal, NamedTuple, TypeGuard
from urllib.parse import urlsplit

CHAT_PATH = "/v1/chat/completions"
RESPONSES_PATH = "/v1/responses"
MESSAGES_PATH = "/v1/messages"
MODELS_PATH = "/v1/models"
GENERATION_PATHS = frozenset({CHAT_PATH, RESPONSES_PATH, MESSAGES_PATH})
DEFAULT_MODELS = ("test-model", "test-model-large")
TRUNCATION = frozenset({"length", "max_tokens", "max_output_tokens"})

Kind = Literal["reasoning", "text"]


# --------------------------------------------------------------------------- scripting


@dataclass
class Reply:
    """One scripted answer to a generation request (chat, responses or messages).

    Fault positions (`*_after`) count emitted deltas: reasoning pieces first, then text pieces;
    N = len(deltas) faults after the last delta, before the closing events. `stop_reason` is
    translated per protocol: "length"/"max_tokens"/"max_output_tokens" mean truncation
    (chat "length", Anthropic "max_tokens", Responses `response.incomplete`); other values
    pass through ("content_filter" <-> "refusal", "tool_calls" <-> "tool_use" are mapped).
    """

    pieces: list[str] = field(default_factory=lambda: ["Hello", " world"])
    reasoning: list[str] = field(default_factory=list)
    input_tokens: int = 12
    cached_input_tokens: int = 0  # Anthropic: reported apart, as cache_read_input_tokens
    output_tokens: int | None = None  # None: len(reasoning) + len(pieces)
    stop_reason: str | None = None  # None: "stop" / "end_turn" / completed
    interval: float = 0.0  # seconds between deltas, on an absolute schedule
    delay: float = 0.0  # seconds before the response headers (time to first byte)
    headers: dict[str, str] = field(default_factory=dict)  # extra response headers
    # HTTP error instead of a reply
    status: int | None = None
    error_type: str | None = None
    error_code: str | None = None  # OpenAI `code`
    error_message: str | None = None
    retry_after: str | None = None
    # mid-stream faults
    error_event_after: int | None = None
    error_event_kind: Literal["error", "failed"] = (
        "error"  # Responses: `error` or `response.failed`
    )
    disconnect_after: int | None = None
    stall_after: int | None = None
    malformed_after: int | None = None
    # format variations
    omit_usage: bool = False
    omit_finish_reason: bool = False
    omit_done: bool = False  # no [DONE] / message_stop / response.completed
    sse_comments: bool = False
    extra_fields: bool = False
    empty: bool = False
    reasoning_field: str = "reasoning_content"  # chat delta key for reasoning
    model: str | None = None  # model echoed back; None: the request's model
    # streamed bytes: each key (ASCII, e.g. "@RAW@") in a delta event is replaced by its bytes,
    # e.g. invalid UTF-8 inside the JSON string
    raw_bytes: dict[str, bytes] = field(default_factory=dict)

    @classmethod
    def from_text(cls, text: str, size: int = 8, **kwargs: Any) -> Reply:
        """A reply whose pieces are `text` cut into chunks of `size` characters."""
        return cls(pieces=[text[i : i + size] for i in range(0, len(text), size)], **kwargs)

    @property
    def text(self) -> str:
        return "" if self.empty else "".join(self.pieces)

    @property
    def reasoning_text(self) -> str:
        return "" if self.empty else "".join(self.reasoning)

    def deltas(self) -> list[tuple[Kind, str]]:
        if self.empty:
            return []
        out: list[tuple[Kind, str]] = [("reasoning", p) for p in self.reasoning]
        return out + [("text", p) for p in self.pieces]

    @property
    def completion_tokens(self) -> int:
        if self.output_tokens is not None:
            return self.output_tokens
        return len(self.deltas())

    @property
    def reasoning_tokens(self) -> int:
        return 0 if self.empty else len(self.reasoning)


@dataclass
class RecordedRequest:
    """A request as the server saw it, and how its answer ended."""

    method: str
    path: str
    query: str
    headers: dict[str, str]  # lowercased names
    body: Any  # parsed JSON, or None
    reply: Reply | None = None
    status: int | None = None  # HTTP status sent
    completed: bool = False  # the whole answer was sent
    client_disconnected: bool = False
    received_at: float = field(default_factory=time.perf_counter)  # when the body was read
    finished_at: float | None = None  # perf_counter() after the last byte of a stream


class Problem(NamedTuple):
    message: str
    param: str | None = None
    code: str | None = None


def _uid(prefix: str, n: int = 24) -> str:
    return prefix + uuid.uuid4().hex[:n]


def _is_int(v: object) -> TypeGuard[int]:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_num(v: object) -> TypeGuard[int | float]:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _dumps(data: Any) -> str:
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False)


# --------------------------------------------------------------------------- validation


class Problems(list[Problem]):
    """What a real API would reject a request for, as `param: message` lines."""

    def add(self, param: str | None, message: str, code: str | None = None) -> None:
        self.append(Problem(f"{param}: {message}" if param else message, param, code))

    def number(self, body: dict[str, Any], key: str, lo: float, hi: float) -> None:
        v = body.get(key)
        if v is not None and not _is_num(v):
            self.add(key, "Input should be a valid number", "invalid_type")
        elif v is not None and not lo <= v <= hi:
            self.add(key, f"Input should be between {lo} and {hi}, got {v}", "invalid_value")

    def integer(self, body: dict[str, Any], key: str, lo: int) -> None:
        v = body.get(key)
        if v is not None and not _is_int(v):
            self.add(key, "Input should be a valid integer", "invalid_type")
        elif v is not None and v < lo:
            self.add(key, f"Input should be >= {lo}, got {v}", "integer_below_min_value")

    def model_and_stream(self, body: dict[str, Any], message: str) -> None:
        if not isinstance(body.get("model"), str) or not body["model"]:
            self.add("model", message, "missing_required_parameter")
        if body.get("stream") is not None and not isinstance(body["stream"], bool):
            self.add("stream", "Input should be a valid boolean", "invalid_type")

    def parts(self, content: list[Any], where: str, allowed: tuple[str, ...]) -> None:
        """OpenAI content parts: a known `type` and a string `text` for text parts."""
        if not content:
            self.add(where, "empty array, expected at least 1 item", "empty_array")
        for j, part in enumerate(content):
            kind = part.get("type") if isinstance(part, dict) else None
            if kind not in allowed:
                self.add(f"{where}[{j}].type", f"{kind!r} is not one of {allowed}", "invalid_value")
            elif "text" in kind and not isinstance(part.get("text"), str):
                self.add(f"{where}[{j}].text", "missing", "missing_required_parameter")


CHAT_ROLES = ("system", "developer", "user", "assistant", "tool")
CHAT_PARTS = {
    "assistant": ("text", "refusal"),
    "user": ("text", "image_url", "input_audio", "file"),
}


def validate_chat(body: Any) -> list[Problem]:
    """Problems the Chat Completions API would reject `body` for."""
    out = Problems()
    if not isinstance(body, dict):
        out.add(None, "request body must be a JSON object")
        return out
    out.model_and_stream(body, "you must provide a model parameter")
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        out.add("messages", "expected a non-empty array", "empty_array")
    for i, msg in enumerate(messages if isinstance(messages, list) else []):
        role = msg.get("role") if isinstance(msg, dict) else None
        if role not in CHAT_ROLES:
            out.add(f"messages[{i}].role", f"{role!r} is not one of {CHAT_ROLES}", "invalid_value")
            continue
        content = msg.get("content")
        if isinstance(content, list):
            out.parts(content, f"messages[{i}].content", CHAT_PARTS.get(role, ("text",)))
        elif content is None:
            if role != "assistant" or not (msg.get("tool_calls") or msg.get("function_call")):
                out.add(f"messages[{i}].content", "expected a string, got null", "invalid_type")
        elif not isinstance(content, str):
            out.add(f"messages[{i}].content", "expected a string or array", "invalid_type")
        if role == "tool" and not isinstance(msg.get("tool_call_id"), str):
            out.add(f"messages[{i}].tool_call_id", "missing", "missing_required_parameter")
    out.number(body, "temperature", 0, 2)
    out.number(body, "top_p", 0, 1)
    for key in ("max_tokens", "max_completion_tokens", "n"):
        out.integer(body, key, 1)
    if body.get("stream_options") is not None and body.get("stream") is not True:
        out.add("stream_options", "only allowed when 'stream' is enabled", "invalid_value")
    return out


RESPONSES_ROLES = ("system", "developer", "user", "assistant")
INPUT_PARTS = ("input_text", "input_image", "input_file", "input_audio")


def validate_responses(body: Any) -> list[Problem]:
    """Problems the Responses API would reject `body` for."""
    out = Problems()
    if not isinstance(body, dict):
        out.add(None, "request body must be a JSON object")
        return out
    out.model_and_stream(body, "Missing required parameter: 'model'.")
    items = body.get("input")
    if not isinstance(items, str | list) or not items:
        out.add("input", "expected a non-empty string or array", "invalid_value")
    for i, item in enumerate(items if isinstance(items, list) else []):
        kind = (
            item.get("type", "message" if "role" in item else None)
            if isinstance(item, dict)
            else None
        )
        if not isinstance(kind, str):
            out.add(f"input[{i}].type", "missing", "missing_required_parameter")
        if kind != "message":
            continue  # other item types (function_call_output, reasoning, ...) pass as is
        role = item.get("role")
        content = item.get("content")
        if role not in RESPONSES_ROLES:
            out.add(
                f"input[{i}].role", f"{role!r} is not one of {RESPONSES_ROLES}", "invalid_value"
            )
        elif isinstance(content, list):
            allowed = ("output_text", "refusal") if role == "assistant" else INPUT_PARTS
            out.parts(content, f"input[{i}].content", allowed)
        elif not isinstance(content, str):
            out.add(f"input[{i}].content", "expected a string or array", "invalid_type")
    if body.get("instructions") is not None and not isinstance(body["instructions"], str):
        out.add("instructions", "expected a string", "invalid_type")
    out.number(body, "temperature", 0, 2)
    out.number(body, "top_p", 0, 1)
    out.integer(body, "max_output_tokens", 16)
    return out


ANTHROPIC_BLOCKS: dict[str, tuple[str, ...]] = {  # block type -> its required string fields
    "text": ("text",), "thinking": ("thinking", "signature"), "redacted_thinking": ("data",),
    "tool_use": ("id", "name"), "tool_result": ("tool_use_id",), "image": (), "document": (),
    "search_result": (), "server_tool_use": ("id", "name"), "web_search_tool_result": (),
    "container_upload": (),
}  # fmt: skip
NON_EMPTY = (
    "messages: all messages must have non-empty content except for the optional final "
    "assistant message"
)
SYSTEM_ROLE = (
    'Unexpected role "system". The Messages API accepts a top-level `system` parameter, '
    'not "system" as an input message role.'
)


def _check_block(block: Any, where: str, out: Problems) -> None:
    kind = block.get("type") if isinstance(block, dict) else None
    if not isinstance(block, dict) or kind not in ANTHROPIC_BLOCKS:
        out.add(f"{where}.type", f"Input tag {kind!r} does not match any of the expected tags")
        return
    for key in ANTHROPIC_BLOCKS[kind]:
        if not isinstance(block.get(key), str):
            out.add(f"{where}.{key}", "Field required")
    if kind in ("image", "document") and not isinstance(block.get("source"), dict):
        out.add(f"{where}.source", "Field required")
    if kind == "text" and isinstance(block.get("text"), str) and not block["text"].strip():
        out.add("messages", "text content blocks must contain non-whitespace text")


def _check_anthropic_message(msg: Any, i: int, last: bool, out: Problems) -> None:
    role = msg.get("role") if isinstance(msg, dict) else None
    if role == "system":
        out.add(None, SYSTEM_ROLE)
        return
    if role not in ("user", "assistant"):
        out.add(f"messages.{i}.role", "Input should be 'user' or 'assistant'")
        return
    prefill = last and role == "assistant"
    content = msg.get("content")
    if not isinstance(content, str | list):
        out.add(f"messages.{i}.content", "Field required")
    elif not content:
        if not prefill:
            out.add(None, NON_EMPTY)
    elif isinstance(content, list):
        for j, block in enumerate(content):
            _check_block(block, f"messages.{i}.content.{j}", out)
    elif not content.strip():
        out.add("messages", "text content blocks must contain non-whitespace text")
    elif prefill and content != content.rstrip():
        out.add("messages", "final assistant content cannot end with trailing whitespace")


def validate_messages(body: Any) -> list[Problem]:
    """Problems the Anthropic Messages API would reject `body` for."""
    out = Problems()
    if not isinstance(body, dict):
        out.add(None, "request body must be a JSON object")
        return out
    out.model_and_stream(body, "Field required")
    max_tokens = body.get("max_tokens")
    if max_tokens is None:
        out.add("max_tokens", "Field required")
    out.integer(body, "max_tokens", 1)
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        out.add("messages", "at least one message is required")
    else:
        for i, msg in enumerate(messages):
            _check_anthropic_message(msg, i, i == len(messages) - 1, out)
        if isinstance(messages[0], dict) and messages[0].get("role") == "assistant":
            out.add("messages", 'first message must use the "user" role')
    system = body.get("system")
    if isinstance(system, list):
        for j, block in enumerate(system):
            if not isinstance(block, dict) or block.get("type") != "text":
                out.add(f"system.{j}.type", "Input should be 'text'")
            else:
                _check_block(block, f"system.{j}", out)
    elif system is not None and not isinstance(system, str):
        out.add("system", "Input should be a valid string or list")
    out.number(body, "temperature", 0, 1)
    out.number(body, "top_p", 0, 1)
    thinking = body.get("thinking")
    kind = thinking.get("type") if isinstance(thinking, dict) else thinking
    if kind not in (None, "enabled", "disabled", "adaptive"):
        out.add("thinking.type", f"invalid value {kind!r}")
    if kind == "enabled":
        assert isinstance(thinking, dict)
        budget = thinking.get("budget_tokens")
        if not _is_int(budget) or budget < 1024:
            out.add("thinking.enabled.budget_tokens", "Input should be >= 1024")
        elif _is_int(max_tokens) and max_tokens <= budget:
            out.add(None, "`max_tokens` must be greater than `thinking.budget_tokens`.")
        if body.get("temperature") not in (None, 1):
            out.add(None, "`temperature` may only be set to 1 when thinking is enabled.")
    return out


VALIDATORS = {
    CHAT_PATH: validate_chat,
    RESPONSES_PATH: validate_responses,
    MESSAGES_PATH: validate_messages,
}


# --------------------------------------------------------------------------- error bodies

OPENAI_ERRORS: dict[int, tuple[str, str | None, str]] = {
    400: ("invalid_request_error", None, "Invalid request."),
    401: ("invalid_request_error", "invalid_api_key", "Incorrect API key provided."),
    403: ("invalid_request_error", "unsupported_country_region_territory", "Forbidden."),
    404: ("invalid_request_error", "model_not_found", "The model does not exist."),
    429: ("requests", "rate_limit_exceeded", "Rate limit reached. Please try again in 1s."),
    500: ("server_error", None, "The server had an error while processing your request."),
    503: ("server_error", None, "The engine is currently overloaded, please try again later."),
}
ANTHROPIC_ERRORS: dict[int, tuple[str, str]] = {
    400: ("invalid_request_error", "Invalid request."),
    401: ("authentication_error", "invalid x-api-key"),
    402: ("billing_error", "Your credit balance is too low."),
    403: ("permission_error", "Your API key does not have permission to use this resource."),
    404: ("not_found_error", "Not found."),
    413: ("request_too_large", "Request exceeds the maximum allowed number of bytes."),
    429: ("rate_limit_error", "Number of requests has exceeded your rate limit."),
    500: ("api_error", "Internal server error"),
    504: ("timeout_error", "Request timed out."),
    529: ("overloaded_error", "Overloaded"),
}


def openai_error(
    status: int,
    message: str | None = None,
    type_: str | None = None,
    code: str | None = None,
    param: str | None = None,
) -> dict[str, Any]:
    """The OpenAI error body for `status`; unset parts come from the status' usual error."""
    default = OPENAI_ERRORS.get(
        status,
        ("server_error", None, "Server error.")
        if status >= 500
        else ("invalid_request_error", None, "Error."),
    )
    return {
        "error": {
            "message": message or default[2],
            "type": type_ or default[0],
            "param": param,
            "code": code if code is not None else default[1],
        }
    }


def anthropic_error(
    status: int, message: str | None = None, type_: str | None = None
) -> dict[str, Any]:
    """The Anthropic error body for `status`; unset parts come from the status' usual error."""
    default = ANTHROPIC_ERRORS.get(
        status,
        ("api_error", "Internal server error")
        if status >= 500
        else ("invalid_request_error", "Error."),
    )
    return {
        "type": "error",
        "error": {"type": type_ or default[0], "message": message or default[1]},
        "request_id": _uid("req_"),
    }


# --------------------------------------------------------------------------- stream emitters


class Emitter:
    """Builds one protocol's SSE bytes and non-stream body for a reply; subclasses per API."""

    def __init__(self, reply: Reply, body: dict[str, Any]) -> None:
        self.reply = reply
        self.body = body
        self.model: str = reply.model or body["model"]
        self.created = int(time.time())
        self.reasoning_parts: list[str] = []
        self.text_parts: list[str] = []

    def sse(self, data: Any, event: str | None = None) -> bytes:
        head = f"event: {event}\n" if event else ""
        comment = ": keep-alive\n\n" if self.reply.sse_comments else ""
        return f"{comment}{head}data: {_dumps(data)}\n\n".encode()

    def begin(self, kind: Kind) -> bytes:
        return self.reasoning_begin() if kind == "reasoning" else self.text_begin()

    def end(self, kind: Kind) -> bytes:
        return self.reasoning_end() if kind == "reasoning" else self.text_end()

    def delta(self, kind: Kind, piece: str) -> bytes:
        if kind == "reasoning":
            self.reasoning_parts.append(piece)
            return self.reasoning_delta(piece)
        self.text_parts.append(piece)
        return self.text_delta(piece)

    def start(self) -> bytes:
        return b""

    def reasoning_begin(self) -> bytes:
        return b""

    def reasoning_delta(self, piece: str) -> bytes:
        raise NotImplementedError

    def reasoning_end(self) -> bytes:
        return b""

    def text_begin(self) -> bytes:
        return b""

    def text_delta(self, piece: str) -> bytes:
        raise NotImplementedError

    def text_end(self) -> bytes:
        return b""

    def finish(self) -> bytes:
        raise NotImplementedError

    def error_event(self) -> bytes:
        raise NotImplementedError

    def malformed(self) -> bytes:
        return b'data: {"id":"broken","choices":[{"delta":{"content":"oops"\n\n'

    def complete_body(self) -> dict[str, Any]:
        raise NotImplementedError


class ChatEmitter(Emitter):
    """`chat.completion.chunk` SSE and `chat.completion` JSON."""

    def __init__(self, reply: Reply, body: dict[str, Any]) -> None:
        super().__init__(reply, body)
        self.id = _uid("chatcmpl-")
        options = body.get("stream_options")
        self.include_usage = isinstance(options, dict) and options.get("include_usage") is True

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

    def chunk(self, delta: dict[str, Any], finish_reason: str | None = None) -> bytes:
        choice: dict[str, Any] = {
            "index": 0,
            "delta": delta,
            "logprobs": None,
            "finish_reason": finish_reason,
        }
        data: dict[str, Any] = {
            "id": self.id,
            "object": "chat.completion.chunk",
            "created": self.created,
            "model": self.model,
            "service_tier": "default",
            "system_fingerprint": "fp_wireserver",
            "choices": [choice],
        }
        if self.include_usage:
            data["usage"] = None
        if self.reply.extra_fields:
            choice["native_finish_reason"] = finish_reason
            data["provider"] = "WireServer"
            data["x_wire"] = {"id": self.id, "queue_ms": 3}
        return self.sse(data)

    def start(self) -> bytes:
        return self.chunk({"role": "assistant", "content": "", "refusal": None})

    def reasoning_delta(self, piece: str) -> bytes:
        return self.chunk({self.reply.reasoning_field: piece})

    def text_delta(self, piece: str) -> bytes:
        return self.chunk({"content": piece})

    def finish(self) -> bytes:
        out = b""
        if not self.reply.omit_finish_reason:
            out += self.chunk({}, self.finish_reason())
        if self.include_usage and not self.reply.omit_usage:
            data: dict[str, Any] = {
                "id": self.id,
                "object": "chat.completion.chunk",
                "created": self.created,
                "model": self.model,
                "service_tier": "default",
                "system_fingerprint": "fp_wireserver",
                "choices": [],
                "usage": self.usage(),
            }
            if self.reply.extra_fields:
                data["timings"] = {"prompt_ms": 1.5, "predicted_ms": 9.25, "predicted_n": 2}
            out += self.sse(data)
        if not self.reply.omit_done:
            out += b"data: [DONE]\n\n"
        return out

    def error_event(self) -> bytes:
        r = self.reply
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


class ResponsesEmitter(Emitter):
    """OpenAI Responses API events (`event:` + `data:` with `type` and `sequence_number`)."""

    def __init__(self, reply: Reply, body: dict[str, Any]) -> None:
        super().__init__(reply, body)
        self.id = _uid("resp_", 32)
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
        self.item_id = _uid("rs_", 40)
        item = {"id": self.item_id, "type": "reasoning", "summary": []}
        part = {"type": "summary_text", "text": ""}
        return self.item_event("response.output_item.added", item) + self.part_event(
            "response.reasoning_summary_part.added", part=part
        )

    def reasoning_delta(self, piece: str) -> bytes:
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
        self.item_id = _uid("msg_", 40)
        part = {"type": "output_text", "annotations": [], "logprobs": [], "text": ""}
        return self.item_event(
            "response.output_item.added", self.message_item("in_progress", [])
        ) + self.part_event("response.content_part.added", part=part)

    def text_delta(self, piece: str) -> bytes:
        return self.part_event("response.output_text.delta", delta=piece, logprobs=[])

    def text_end(self) -> bytes:
        text = "".join(self.text_parts)
        part = {"type": "output_text", "annotations": [], "logprobs": [], "text": text}
        item = self.message_item(self.outcome()[0], [part])
        out = self.part_event("response.output_text.done", text=text, logprobs=[])
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


class MessagesEmitter(Emitter):
    """Anthropic Messages events (`event:` + `data:`), thinking and text blocks, pings."""

    def __init__(self, reply: Reply, body: dict[str, Any]) -> None:
        super().__init__(reply, body)
        self.id = _uid("msg_01", 22)
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


EMITTERS: dict[str, type[Emitter]] = {
    CHAT_PATH: ChatEmitter,
    RESPONSES_PATH: ResponsesEmitter,
    MESSAGES_PATH: MessagesEmitter,
}


# --------------------------------------------------------------------------- HTTP handling


class _ClientGone(Exception):
    """The client closed the connection, or the server is stopping."""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _HTTPServer
    disable_nagle_algorithm = True

    def setup(self) -> None:
        super().setup()
        self.wire = self.server.wire
        self.wire._track(self.connection, add=True)

    def finish(self) -> None:
        self.wire._track(self.connection, add=False)
        with contextlib.suppress(OSError):
            super().finish()

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def _serve(self) -> None:
        try:
            self._handle()
        except _ClientGone:
            self.close_connection = True

    # ---- request

    def _handle(self) -> None:
        url = urlsplit(self.path)
        path = url.path.rstrip("/") or "/"
        headers = {k.lower(): v for k, v in self.headers.items()}
        length = int(headers.get("content-length") or 0)
        raw = self.rfile.read(length) if length else b""
        body: Any = None
        bad_json = False
        if raw:
            try:
                body = json.loads(raw)
            except ValueError:
                bad_json = True
        rec = RecordedRequest(self.command, path, url.query, headers, body)
        self.rec = rec
        self.wire._record(rec)
        anthropic = path == MESSAGES_PATH or (
            path.startswith(MODELS_PATH) and "anthropic-version" in headers
        )
        self.anthropic = anthropic
        if not self._authorized(headers):
            if anthropic:
                return self._json(401, anthropic_error(401))
            key = headers.get("authorization", "").removeprefix("Bearer ")
            message = f"Incorrect API key provided: {key or '(none)'}."
            return self._json(401, openai_error(401, message))
        if self.command == "GET" and path == MODELS_PATH:
            self._wait_until(time.monotonic() + self.wire.models_delay)
            return self._json(200, self.wire._models_body(anthropic))
        if self.command == "GET" and path.startswith(MODELS_PATH + "/"):
            model = path[len(MODELS_PATH) + 1 :]
            if model in self.wire.models:
                return self._json(200, self.wire._model_body(model, anthropic))
            return self._not_found(f"model: {model}", "model_not_found")
        if self.command != "POST" or path not in GENERATION_PATHS:
            return self._not_found(f"Unknown request URL: {self.command} {path}.", "unknown_url")
        problems = (
            [Problem("We could not parse the JSON body of your request.")]
            if bad_json
            else VALIDATORS[path](body)
        )
        if problems:
            self.wire._invalid(path, problems)
            first = problems[0]
            if anthropic:
                return self._json(400, anthropic_error(400, first.message))
            return self._json(
                400, openai_error(400, first.message, code=first.code, param=first.param)
            )
        model = body["model"]
        known = self.wire.known_models
        if known is not None and model not in known:
            message = f"The model `{model}` does not exist or you do not have access to it."
            return self._not_found(f"model: {model}" if anthropic else message, "model_not_found")
        rec.reply = self.wire._next_reply()
        self._generate(path, body, rec.reply)

    def _authorized(self, headers: dict[str, str]) -> bool:
        key = self.wire.api_key
        if key is None:
            return True
        bearer = headers.get("authorization") == f"Bearer {key}"
        if self.anthropic:  # Anthropic SDKs send `x-api-key` or, since 2.x, a Bearer token
            return bearer or headers.get("x-api-key") == key
        return bearer

    # ---- plain responses

    def _json(self, status: int, data: Any, extra: dict[str, str] | None = None) -> None:
        payload = _dumps(data).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("request-id" if self.anthropic else "x-request-id", _uid("req_"))
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self._send_raw(payload)
        self.rec.status = status
        self.rec.completed = True

    def _not_found(self, message: str, code: str) -> None:
        if self.anthropic:
            self._json(404, anthropic_error(404, message))
        else:
            self._json(404, openai_error(404, message, code=code))

    # ---- socket helpers

    def _send_raw(self, data: bytes) -> None:
        try:
            self.connection.sendall(data)
        except OSError as exc:
            self.close_connection = True
            self.wire._gone(self.rec)
            raise _ClientGone from exc

    def _send_chunk(self, data: bytes) -> None:
        if data:
            self._send_raw(b"%x\r\n%b\r\n" % (len(data), data))

    def _wait_until(self, deadline: float) -> None:
        """Sleep until `deadline` (monotonic); raise _ClientGone if the client hangs up."""
        sock = self.connection
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            readable, _, _ = select.select([sock], [], [], min(remaining, 0.1))
            if self.wire._stopping.is_set():
                raise _ClientGone
            if readable:
                try:
                    peek = sock.recv(1, socket.MSG_PEEK)
                except OSError:
                    peek = b""
                if self.wire._stopping.is_set():
                    raise _ClientGone
                if not peek:
                    self.wire._gone(self.rec)
                    raise _ClientGone
                # The client sent more bytes (pipelining): they hide a hang-up; just sleep.
                self.wire._stopping.wait(min(max(0.0, deadline - time.monotonic()), 0.1))

    def _hold(self) -> None:
        """Stall: keep the connection open until the client hangs up or the server stops."""
        self.close_connection = True
        while True:
            self._wait_until(time.monotonic() + 3600)

    def _drop(self) -> None:
        """Close the connection abruptly, without finishing the response."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)
        raise _ClientGone

    # ---- generation

    def _generate(self, path: str, body: dict[str, Any], reply: Reply) -> None:
        if reply.delay > 0:
            self._wait_until(time.monotonic() + reply.delay)
        extra = dict(reply.headers)
        if reply.retry_after is not None:
            extra["retry-after"] = reply.retry_after
        if reply.status is not None:
            if self.anthropic:
                data = anthropic_error(reply.status, reply.error_message, reply.error_type)
            else:
                data = openai_error(
                    reply.status, reply.error_message, reply.error_type, reply.error_code
                )
            return self._json(reply.status, data, extra)
        emitter = EMITTERS[path](reply, body)
        if body.get("stream") is True:
            return self._stream(emitter, reply, extra)
        deltas = reply.deltas()
        if reply.stall_after is not None:
            self._hold()
        if reply.disconnect_after is not None:
            self._drop()
        if reply.interval > 0:
            self._wait_until(time.monotonic() + reply.interval * len(deltas))
        self._json(200, emitter.complete_body(), extra)

    def _stream(self, emitter: Emitter, reply: Reply, extra: dict[str, str]) -> None:
        self.close_connection = True
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Connection", "close")
        self.send_header("request-id" if self.anthropic else "x-request-id", _uid("req_"))
        for name, value in extra.items():
            self.send_header(name, value)
        self.end_headers()
        self.rec.status = 200
        self._send_chunk(emitter.start())
        deltas = reply.deltas()
        phase: Kind | None = None
        t0 = time.monotonic()
        for k in range(len(deltas) + 1):
            if reply.malformed_after == k:
                self._send_chunk(emitter.malformed())
            if reply.error_event_after == k:
                self._send_chunk(emitter.error_event())
                self._send_raw(b"0\r\n\r\n")
                self.rec.completed = True
                return
            if reply.disconnect_after == k:
                self._drop()
            if reply.stall_after == k:
                self._hold()
            if k == len(deltas):
                break
            kind, piece = deltas[k]
            if reply.interval > 0:
                self._wait_until(t0 + k * reply.interval)
            out = b""
            if kind != phase:
                if phase is not None:
                    out += emitter.end(phase)
                out += emitter.begin(kind)
                phase = kind
            out += emitter.delta(kind, piece)
            for marker, raw in reply.raw_bytes.items():
                out = out.replace(marker.encode(), raw)
            self._send_chunk(out)
        tail = emitter.end(phase) if phase is not None else b""
        self._send_chunk(tail + emitter.finish())
        self._send_raw(b"0\r\n\r\n")
        self.rec.finished_at = time.perf_counter()
        self.rec.completed = True


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    request_queue_size = 128

    def __init__(self, wire: WireServer, port: int = 0) -> None:
        self.wire = wire
        super().__init__(("127.0.0.1", port), _Handler)

    def server_bind(self) -> None:
        # Skip HTTPServer.server_bind's reverse DNS lookup (socket.getfqdn).
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = "127.0.0.1", self.server_address[1]


# --------------------------------------------------------------------------- the server


class WireServer:
    """A scripted OpenAI + Anthropic API on 127.0.0.1, served from a background thread."""

    def __init__(
        self,
        *,
        api_key: str | None = None,
        models: list[str] | None = None,
        known_models: set[str] | None = None,
        default_reply: Reply | None = None,
        port: int = 0,
    ) -> None:
        """`port` 0 picks a free one; a given port lets a stopped server come back on it."""
        self.api_key = api_key
        self.requested_port = port
        self.models: list[str] = list(models or DEFAULT_MODELS)
        self.known_models = known_models
        self.models_delay = 0.0  # seconds before GET /v1/models answers (a busy endpoint)
        self.default_reply = default_reply or Reply()
        self.requests: list[RecordedRequest] = []
        self.validation_errors: list[str] = []
        self.invalid_expected = False
        self._queue: collections.deque[Reply] = collections.deque()
        self._cond = threading.Condition()
        self._stopping = threading.Event()
        self._connections: set[socket.socket] = set()
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ---- lifecycle

    def start(self) -> WireServer:
        if self._httpd is not None:
            raise RuntimeError("WireServer already started")
        self._stopping.clear()
        self._httpd = _HTTPServer(self, self.requested_port)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.01},
            name="wireserver",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving; stalled or streaming handlers are cut off at once."""
        httpd = self._httpd
        if httpd is None:
            return
        self._stopping.set()
        httpd.shutdown()
        with self._cond:
            connections = list(self._connections)
        for conn in connections:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=2)
        with self._cond:
            self._cond.wait_for(lambda: not self._connections, timeout=2)
        self._httpd = None
        self._thread = None

    def __enter__(self) -> WireServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("WireServer not started")
        return self._httpd.server_address[1]

    @property
    def base_url(self) -> str:
        """`http://127.0.0.1:PORT`; OpenAI clients add `/v1`, Anthropic clients use it as is."""
        return f"http://127.0.0.1:{self.port}"

    # ---- scripting

    def enqueue(self, *replies: Reply) -> None:
        """Queue replies, consumed one per generation request; then `default_reply` is used."""
        with self._cond:
            self._queue.extend(replies)

    @property
    def pending(self) -> int:
        """How many queued replies are not consumed yet."""
        with self._cond:
            return len(self._queue)

    def expect_invalid(self) -> None:
        """Tell the `wire_server` fixture that this test sends invalid requests on purpose."""
        self.invalid_expected = True

    # ---- observation

    @property
    def generation_requests(self) -> list[RecordedRequest]:
        with self._cond:
            return [r for r in self.requests if r.path in GENERATION_PATHS]

    @property
    def last_request(self) -> RecordedRequest:
        with self._cond:
            return self.requests[-1]

    @property
    def disconnects(self) -> int:
        """How many requests saw the client hang up before the answer was complete."""
        with self._cond:
            return sum(r.client_disconnected for r in self.requests)

    def wait_for_disconnect(self, timeout: float = 5.0, count: int = 1) -> bool:
        """Block until `count` client disconnects were seen; False on timeout."""
        with self._cond:
            return self._cond.wait_for(
                lambda: sum(r.client_disconnected for r in self.requests) >= count, timeout
            )

    def wait_for_requests(self, count: int, timeout: float = 5.0) -> bool:
        """Block until `count` requests (of any kind) were received; False on timeout."""
        with self._cond:
            return self._cond.wait_for(lambda: len(self.requests) >= count, timeout)

    # ---- called from handler threads

    def _track(self, conn: socket.socket, *, add: bool) -> None:
        with self._cond:
            if add:
                self._connections.add(conn)
            else:
                self._connections.discard(conn)
            self._cond.notify_all()

    def _record(self, rec: RecordedRequest) -> None:
        with self._cond:
            self.requests.append(rec)
            self._cond.notify_all()

    def _invalid(self, path: str, problems: list[Problem]) -> None:
        with self._cond:
            self.validation_errors.extend(f"{path}: {p.message}" for p in problems)

    def _gone(self, rec: RecordedRequest) -> None:
        if self._stopping.is_set():
            return
        with self._cond:
            rec.client_disconnected = True
            self._cond.notify_all()

    def _next_reply(self) -> Reply:
        with self._cond:
            return self._queue.popleft() if self._queue else self.default_reply

    def _models_body(self, anthropic: bool) -> dict[str, Any]:
        data = [self._model_body(m, anthropic) for m in self.models]
        if anthropic:
            return {
                "data": data,
                "has_more": False,
                "first_id": self.models[0] if self.models else None,
                "last_id": self.models[-1] if self.models else None,
            }
        return {"object": "list", "data": data}

    @staticmethod
    def _model_body(model: str, anthropic: bool) -> dict[str, Any]:
        if anthropic:
            return {
                "type": "model",
                "id": model,
                "display_name": model.replace("-", " ").title(),
                "created_at": "2025-01-01T00:00:00Z",
                "lifecycle": "active",
            }
        return {"id": model, "object": "model", "created": 1735689600, "owned_by": "wireserver"}
