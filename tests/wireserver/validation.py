"""Request validation: what each real API would reject a request for."""

from __future__ import annotations

from typing import Any

from tests.wireserver.ollama_chat import validate_ollama_chat
from tests.wireserver.replies import (
    CHAT_PATH,
    MESSAGES_PATH,
    OLLAMA_CHAT_PATH,
    RESPONSES_PATH,
    Problem,
    is_int,
    is_num,
)


class Problems(list[Problem]):
    """What a real API would reject a request for, as `param: message` lines."""

    def add(self, param: str | None, message: str, code: str | None = None) -> None:
        self.append(Problem(f"{param}: {message}" if param else message, param, code))

    def number(self, body: dict[str, Any], key: str, lo: float, hi: float) -> None:
        v = body.get(key)
        if v is not None and not is_num(v):
            self.add(key, "Input should be a valid number", "invalid_type")
        elif v is not None and not lo <= v <= hi:
            self.add(key, f"Input should be between {lo} and {hi}, got {v}", "invalid_value")

    def integer(self, body: dict[str, Any], key: str, lo: int) -> None:
        v = body.get(key)
        if v is not None and not is_int(v):
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
        if not is_int(budget) or budget < 1024:
            out.add("thinking.enabled.budget_tokens", "Input should be >= 1024")
        elif is_int(max_tokens) and max_tokens <= budget:
            out.add(None, "`max_tokens` must be greater than `thinking.budget_tokens`.")
        if body.get("temperature") not in (None, 1):
            out.add(None, "`temperature` may only be set to 1 when thinking is enabled.")
    return out


VALIDATORS = {
    CHAT_PATH: validate_chat,
    RESPONSES_PATH: validate_responses,
    MESSAGES_PATH: validate_messages,
    OLLAMA_CHAT_PATH: validate_ollama_chat,
}
