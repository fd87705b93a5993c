"""Reading one conversation of a ChatGPT data export (`conversations.json`) as a message tree."""

from __future__ import annotations

from typing import Any, Final

from chatui.exchange.chatgpt_content import (
    CANVAS_CALLS,
    canvas_text,
    content_text,
    tool_images,
    with_citations,
)
from chatui.exchange.tree import (
    BrokenConversation,
    SourceConversation,
    SourceMessage,
    text_or,
)

PROVIDER: Final = "openai"
#: The model of a reply whose export names none (old exports): ChatGPT itself.
UNKNOWN_MODEL: Final = "chatgpt"

#: Content types that ChatGPT does not show as a message (context, tool output, recaps).
NOT_SHOWN: Final = frozenset(
    {
        "user_editable_context",
        "model_editable_context",
        "reasoning_recap",
        "tether_browsing_display",
        "tether_quote",
        "execution_output",
        "system_error",
        "computer_output",
        "sonic_webpage",
    }
)


def number(value: Any, what: str) -> float | None:
    """A time field: None when absent, else a number (BrokenConversation otherwise)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise BrokenConversation(f"{what} is not a number")
    return float(value)


def _thoughts(content: dict[str, Any]) -> str:
    thoughts = content.get("thoughts")
    pieces: list[str] = []
    for thought in thoughts if isinstance(thoughts, list) else []:
        if isinstance(thought, dict):
            for name in ("summary", "content"):
                if isinstance(thought.get(name), str) and thought[name].strip():
                    pieces.append(thought[name])
    return "\n\n".join(pieces)


def _attachments(metadata: dict[str, Any]) -> list[str]:
    """Files (not images or videos: those are parts already) attached to a user message, as
    placeholders."""
    found = metadata.get("attachments")
    names: list[str] = []
    for item in found if isinstance(found, list) else []:
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            continue
        if not str(item.get("mime_type", "")).startswith(("image/", "video/")):
            names.append(f"[file: {item['name']}]")
    return names


def _message(key: str, parent: str | None, raw: Any) -> SourceMessage:
    if not isinstance(raw, dict):
        raise BrokenConversation(f"message {key} is not an object")
    author = raw.get("author")
    if not isinstance(author, dict) or not isinstance(author.get("role"), str):
        raise BrokenConversation(f"message {key} has no author")
    content = raw.get("content")
    if not isinstance(content, dict) or not isinstance(content.get("content_type"), str):
        raise BrokenConversation(f"message {key} has no content type")
    kind = str(content["content_type"])
    metadata = raw.get("metadata")
    metadata = metadata if isinstance(metadata, dict) else {}
    created = number(raw.get("create_time"), f"message {key}'s create_time")
    role, recipient = str(author["role"]), raw.get("recipient", "all")
    if kind == "thoughts":  # an o-series model thinking: the reasoning of the reply below it
        return SourceMessage(key, parent, None, reasoning=_thoughts(content), created_at=created)
    slug = metadata.get("model_slug")
    model = text_or(slug, None)
    if metadata.get("is_visually_hidden_from_conversation") is True:
        text = ""
    elif role == "tool":  # images (generated, charts) are part of the reply; the rest is not
        tool = author.get("name")
        text = tool_images(content, metadata, text_or(tool, ""))
        role = "assistant"
    elif kind in NOT_SHOWN:
        text = ""
    elif role == "assistant" and recipient in CANVAS_CALLS:  # the document is the reply
        text = canvas_text(str(recipient), content)
    elif role not in ("user", "assistant") or recipient not in ("all", None):
        text = ""  # system prompts, tool calls
    else:
        text = with_citations(content_text(content, kind, key), metadata)
        if role == "user":
            text = "\n\n".join([text, *_attachments(metadata)]).strip("\n")
    shown = role if text.strip() else None
    return SourceMessage(key, parent, shown, text, model=model, created_at=created)


def read_chatgpt(item: Any) -> SourceConversation:
    """One element of ChatGPT's conversations.json (BrokenConversation if it cannot be read)."""
    if not isinstance(item, dict):
        raise BrokenConversation("is not an object")
    source_id = item.get("conversation_id") or item.get("id")
    if not isinstance(source_id, str) or not source_id:
        raise BrokenConversation("has no id")
    mapping = item.get("mapping")
    if not isinstance(mapping, dict):
        raise BrokenConversation("has no message mapping")
    messages: list[SourceMessage] = []
    for key, node in mapping.items():
        if not isinstance(node, dict):
            raise BrokenConversation(f"node {key} is not an object")
        parent = node.get("parent")
        if parent is not None and not isinstance(parent, str):
            raise BrokenConversation(f"node {key} has a parent that is not an id")
        raw = node.get("message")
        messages.append(
            SourceMessage(key, parent, None) if raw is None else _message(key, parent, raw)
        )
    default = item.get("default_model_slug")
    current = item.get("current_node")
    return SourceConversation(
        source_id=f"chatgpt:{source_id}",
        title=text_or(item.get("title"), ""),
        provider=PROVIDER,
        default_model=text_or(default, UNKNOWN_MODEL),
        created_at=number(item.get("create_time"), "create_time"),
        updated_at=number(item.get("update_time"), "update_time"),
        messages=messages,
        current=text_or(current, None),
        joins_reply_parts=True,
    )
