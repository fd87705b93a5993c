"""Reading one conversation of a claude.ai data export (`conversations.json`) as a message tree."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any, Final

from chatui.exchange.tree import (
    BrokenConversation,
    SourceConversation,
    SourceMessage,
    text_or,
)

PROVIDER: Final = "anthropic"
#: claude.ai exports do not say which model wrote a reply: stored as anthropic/claude.
UNKNOWN_MODEL: Final = "claude"
_ROLES: Final = {"human": "user", "assistant": "assistant"}
_QUIET_BLOCKS: Final = frozenset({"tool_result", "redacted_thinking"})


def moment(value: Any, what: str) -> float | None:
    """An ISO 8601 time as unix seconds (UTC when no zone is given); None when absent."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise BrokenConversation(f"{what} is not a date")
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise BrokenConversation(f"{what} is not a date: {value[:40]!r}") from None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).timestamp()


def _blocks(blocks: list[Any], key: str) -> tuple[list[str], list[str]]:
    """(text pieces, thinking pieces) of a message's content blocks."""
    texts: list[str] = []
    thinking: list[str] = []
    for block in blocks:
        if not isinstance(block, dict):
            raise BrokenConversation(f"message {key} has a content block that is not an object")
        kind = block.get("type")
        if kind == "thinking" and isinstance(block.get("thinking"), str):
            thinking.append(block["thinking"])
        elif isinstance(block.get("text"), str):
            texts.append(block["text"])
        elif kind == "tool_use":
            texts.append(f"[tool use: {block.get('name') or 'tool'}]")
        elif kind not in _QUIET_BLOCKS:
            texts.append(f"[{kind if isinstance(kind, str) else 'content'}]")
    return texts, thinking


def _files(raw: dict[str, Any]) -> list[str]:
    names: list[str] = []
    for field in ("attachments", "files"):
        items = raw.get(field)
        for item in items if isinstance(items, list) else []:
            if isinstance(item, dict):
                name = item.get("file_name")
                names.append(f"[file: {name}]" if isinstance(name, str) and name else "[file]")
    return names


def _message(index: int, raw: Any, linked: bool) -> SourceMessage:
    if not isinstance(raw, dict):
        raise BrokenConversation(f"message {index} is not an object")
    key = raw.get("uuid")
    if not isinstance(key, str) or not key:
        raise BrokenConversation(f"message {index} has no uuid")
    sender = raw.get("sender")
    if sender not in _ROLES:
        what = "no sender" if sender is None else f"an unknown sender {str(sender)[:20]!r}"
        raise BrokenConversation(f"message {key} has {what}")
    parent = raw.get("parent_message_uuid") if linked else None
    text, thinking = "", list[str]()
    blocks = raw.get("content")
    if blocks is not None and not isinstance(blocks, list):
        raise BrokenConversation(f"message {key} has content that is not a list")
    if blocks:
        texts, thinking = _blocks(blocks, key)
        text = "\n\n".join(piece for piece in texts if piece.strip())
    if not text.strip():
        plain = raw.get("text")
        if plain is not None and not isinstance(plain, str):
            raise BrokenConversation(f"message {key} has text that is not a string")
        text = plain or ""
    text = "\n\n".join(piece for piece in [text, *_files(raw)] if piece.strip())
    reasoning = "\n\n".join(piece for piece in thinking if piece.strip())
    shown = text.strip() or (reasoning and sender == "assistant")
    return SourceMessage(
        key,
        parent if isinstance(parent, str) else None,
        _ROLES[str(sender)] if shown else None,
        text,
        reasoning if sender == "assistant" else "",
        created_at=moment(raw.get("created_at"), f"message {key}'s created_at"),
    )


def _chained(messages: list[SourceMessage]) -> None:
    """Link messages without parent links into one chain, in time order (file order for equal
    or missing times): some exports list them out of order."""
    moment = -math.inf
    keyed: list[tuple[float, SourceMessage]] = []
    for message in messages:
        moment = moment if message.created_at is None else message.created_at
        keyed.append((moment, message))
    keyed.sort(key=lambda pair: pair[0])
    previous: str | None = None
    for _, message in keyed:
        message.parent, previous = previous, message.key


def read_claude(item: Any) -> SourceConversation:
    """One element of claude.ai's conversations.json (BrokenConversation if it cannot be read)."""
    if not isinstance(item, dict):
        raise BrokenConversation("is not an object")
    source_id = item.get("uuid")
    if not isinstance(source_id, str) or not source_id:
        raise BrokenConversation("has no uuid")
    raw_messages = item.get("chat_messages")
    if not isinstance(raw_messages, list):
        raise BrokenConversation("has no chat_messages list")
    # Newer exports link each message to its parent (edits and retries are branches); older
    # ones are one list in order.
    linked = any(isinstance(m, dict) and "parent_message_uuid" in m for m in raw_messages)
    messages = [_message(index, raw, linked) for index, raw in enumerate(raw_messages, start=1)]
    if not linked:
        _chained(messages)
    for previous, message in zip([None, *messages], messages, strict=False):
        if linked and message.parent is None and previous is not None:
            message.parent = previous.key  # a message without its link: after the one before
    model = item.get("model")
    current = item.get("current_leaf_message_uuid")  # absent from most exports: newest shown
    return SourceConversation(
        source_id=f"claude:{source_id}",
        title=text_or(item.get("name"), ""),
        provider=PROVIDER,
        default_model=text_or(model, UNKNOWN_MODEL),
        created_at=moment(item.get("created_at"), "created_at"),
        updated_at=moment(item.get("updated_at"), "updated_at"),
        messages=messages,
        current=text_or(current, None),
    )
