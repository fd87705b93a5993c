"""Hand-written ChatGPT and claude.ai export structures for the importer tests."""

from __future__ import annotations

from typing import Any

T = 1760000000.0  # 2025-10-09


def chatgpt_message(
    role: str,
    text: str | None = None,
    *,
    created: float | None = None,
    content: dict[str, Any] | None = None,
    recipient: str = "all",
    **metadata: Any,
) -> dict[str, Any]:
    """A ChatGPT `message` object: text parts unless `content` is given."""
    return {
        "author": {"role": role, "name": None, "metadata": {}},
        "create_time": created,
        "content": content or {"content_type": "text", "parts": [text or ""]},
        "recipient": recipient,
        "metadata": metadata,
    }


def chatgpt_conversation(
    conversation_id: str,
    nodes: list[tuple[str, str | None, dict[str, Any] | None]],
    *,
    title: str = "Test",
    created: float | None = T,
    current: str | None = None,
) -> dict[str, Any]:
    """A conversation of conversations.json from (key, parent key, message) triples in order."""
    mapping: dict[str, Any] = {}
    for key, parent, message in nodes:
        mapping[key] = {"id": key, "message": message, "parent": parent, "children": []}
        if parent is not None:
            mapping[parent]["children"].append(key)
    return {
        "title": title,
        "create_time": created,
        "update_time": created,
        "mapping": mapping,
        "current_node": current or nodes[-1][0],
        "conversation_id": conversation_id,
        "id": conversation_id,
        "default_model_slug": "gpt-5",
    }


def chatgpt_chain(
    conversation_id: str, turns: list[tuple[str, str]], *, start: float = T, step: float = 10
) -> dict[str, Any]:
    """A linear conversation of (role, text) turns, `step` seconds apart, keys n1, n2, ..."""
    nodes: list[tuple[str, str | None, dict[str, Any] | None]] = [("root", None, None)]
    for index, (role, text) in enumerate(turns, start=1):
        message = chatgpt_message(role, text, created=start + index * step)
        nodes.append((f"n{index}", nodes[-1][0], message))
    return chatgpt_conversation(conversation_id, nodes, created=start)


def claude_message(key: str, sender: str, text: str, created: str) -> dict[str, Any]:
    """A chat_messages item of a 2024 claude.ai export (no parent links)."""
    return {
        "uuid": key,
        "text": text,
        "sender": sender,
        "created_at": created,
        "updated_at": created,
        "attachments": [],
        "files": [],
    }


def claude_conversation(key: str, messages: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "uuid": key,
        "name": "Pricing calculator",
        "created_at": "2024-10-17T03:28:40Z",
        "updated_at": "2024-10-17T03:50:00Z",
        "chat_messages": messages,
    }
