"""Scripted replies, recorded requests, the API paths and small JSON helpers."""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple, TypeGuard

from tests.wireserver.framing import Framing

CHAT_PATH = "/v1/chat/completions"
RESPONSES_PATH = "/v1/responses"
MESSAGES_PATH = "/v1/messages"
MODELS_PATH = "/v1/models"
OLLAMA_CHAT_PATH = "/api/chat"  # Ollama's own API: NDJSON
GENERATION_PATHS = frozenset({CHAT_PATH, RESPONSES_PATH, MESSAGES_PATH, OLLAMA_CHAT_PATH})
DEFAULT_MODELS = ("test-model", "test-model-large")
TRUNCATION = frozenset({"length", "max_tokens", "max_output_tokens"})

Kind = Literal["reasoning", "text"]


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
    # sent as is instead of the protocol's usual error body (with `status`), or as the data of
    # the in-stream error event (with `error_event_after`): another server's shape
    error_body: dict[str, Any] | None = None
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
    # real servers' quirks: the text pieces sent as a refusal (chat `delta.refusal` with
    # content null, OpenAI; Responses `response.refusal.delta`); chat `delta.content` as a list
    # of `thinking` and `text` parts (Mistral); Responses reasoning as
    # `response.reasoning_text.delta` (DeepSeek, OpenRouter); chat usage only under
    # `x_groq.usage` (Groq)
    refusal: bool = False
    content_parts: bool = False
    raw_reasoning: bool = False
    groq_usage: bool = False
    finish_every_chunk: bool = False  # chat: `finish_reason: "stop"` on every text chunk (Gemini)
    model: str | None = None  # model echoed back; None: the request's model
    # streamed bytes: each key (ASCII, e.g. "@RAW@") in a delta event is replaced by its bytes,
    # e.g. invalid UTF-8 inside the JSON string
    raw_bytes: dict[str, bytes] = field(default_factory=dict)
    # the stream's bytes reframed and cut as a server may (see `Framing`); faults that end the
    # stream early (a hang-up, a stall) send nothing of it
    framing: Framing | None = None

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


def uid(prefix: str, n: int = 24) -> str:
    return prefix + uuid.uuid4().hex[:n]


def is_int(v: object) -> TypeGuard[int]:
    return isinstance(v, int) and not isinstance(v, bool)


def is_num(v: object) -> TypeGuard[int | float]:
    return isinstance(v, int | float) and not isinstance(v, bool)


def dumps(data: Any) -> str:
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False)
