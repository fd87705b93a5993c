"""A transcript as readable Markdown: the branch it opens on, then each other branch after it."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from chatui.core import MessageStatus
from chatui.core.attachments import fence_for, human_size
from chatui.core.text import inert
from chatui.store.queries import preview
from chatui.store.records import MessageRecord, Transcript

if TYPE_CHECKING:
    from chatui.store import TranscriptStore


@dataclass(frozen=True, slots=True)
class Branch:
    """A path from a first message to a last one. Past the first branch, `follows` is the
    index of the earlier branch it shares the most messages with, and `parts_at` the index of
    its first message that branch does not have."""

    messages: list[MessageRecord]
    follows: int = 0
    parts_at: int = 0


def shared(path: Sequence[MessageRecord], other: Sequence[MessageRecord]) -> int:
    """How many first messages the two paths have in common."""
    pairs = enumerate(zip(path, other, strict=False))
    return next((i for i, (a, b) in pairs if a.id != b.id), min(len(path), len(other)))


def branches(messages: Sequence[MessageRecord]) -> list[Branch]:
    """Every branch of a conversation (messages oldest first). The first is the one it opens
    on: the newest message and its ancestors. The others follow by where they part from it
    (earliest first), then by age. Without parent links (some imports), one linear branch."""
    if not messages:
        return []
    if not any(message.parent_id for message in messages):
        return [Branch(list(messages))]
    by_id = {message.id: message for message in messages}
    parents = {message.parent_id for message in messages}

    def path_to(last: MessageRecord) -> list[MessageRecord]:
        path = [last]
        while (parent := by_id.get(path[-1].parent_id or "")) is not None:
            path.append(parent)
        return path[::-1]

    current = path_to(messages[-1])
    others = [path_to(leaf) for leaf in messages[:-1] if leaf.id not in parents]
    others.sort(key=lambda path: shared(path, current))  # stable: by age within
    found = [Branch(current)]
    for path in others:
        common = [shared(path, branch.messages) for branch in found]
        best = max(range(len(found)), key=lambda k: (common[k], -k))
        if common[best] < len(path):  # always, unless times are out of order
            found.append(Branch(path, best, common[best]))
    return found


def export_markdown(
    store: TranscriptStore, conversation_id: str, *, reasoning: bool = False
) -> str:
    """The stored conversation as readable Markdown; the models' reasoning only if `reasoning`."""
    return to_markdown(store.get_conversation(conversation_id), reasoning=reasoning)


def to_markdown(
    transcript: Transcript, *, reasoning: bool = False, others_hint: str | None = None
) -> str:
    """A readable Markdown rendering: title, system prompt, then one heading per message of
    the branch the conversation opens on; the models' reasoning (thinking) only if
    `reasoning`, folded in a <details> block. Other versions of a message (regenerated
    replies, edited questions, failed attempts) are marked where they part, and each other
    branch follows in its own section, from that point on — or, given `others_hint` (how to
    see them), only a note says how many other branches there are.

    It is inert (controls shown as ^[, never acted on) wherever it goes: file, pipe or terminal."""
    conv = transcript.conversation
    lines = [f"# {conv.title or 'Untitled conversation'}", ""]
    lines += [f"*Conversation {conv.id}, started {_when(conv.created_at)}*", ""]
    found = branches(transcript.messages)
    if len(found) > 1 and others_hint is not None:
        others = f"{len(found) - 1} other branch{'es' if len(found) > 2 else ''}"
        lines += [
            f"*Branch 1 of {len(found)}, the one chatui opens; {others} (from regenerated"
            f" replies, edited questions or failed attempts) not shown: {others_hint}.*",
            "",
        ]
        found = found[:1]
    elif len(found) > 1:
        lines += [
            f"*{len(found)} branches (from regenerated replies, edited questions or failed"
            " attempts): branch 1, the one chatui opens, comes first; the others follow, each"
            " in its own section from where it parts from an earlier one.*",
            "",
        ]
    if conv.system_prompt:
        lines += ["## System prompt", "", conv.system_prompt, ""]
    siblings = _sibling_counts(transcript.messages)
    current = found[0].messages if found else []
    for index, message in enumerate(current):
        elsewhere = [n for n, b in enumerate(found[1:], 2) if shared(b.messages, current) == index]
        lines += _message(message, reasoning, siblings.get(message.id), elsewhere)
    for number, branch in enumerate(found[1:], 2):
        lines += [f"# Branch {number} of {len(found)}", ""]
        if branch.parts_at:
            before = branch.messages[branch.parts_at - 1]
            quoted = preview(before.content, 60) or "(no text)"
            lines += [
                f"*As branch {branch.follows + 1} up to the {before.role} message “{quoted}”,"
                " then:*",
                "",
            ]
        else:
            lines += ["*A different first message:*", ""]
        for message in branch.messages[branch.parts_at :]:
            lines += _message(message, reasoning, siblings.get(message.id), [])
    return inert("\n".join(lines).rstrip("\n") + "\n")


def _when(timestamp: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(timestamp))


def _sibling_counts(messages: Sequence[MessageRecord]) -> dict[str, tuple[int, int]]:
    """(1-based position, count) among the messages sharing a parent, for those with siblings."""
    if not any(message.parent_id for message in messages):
        return {}
    groups: dict[str | None, list[str]] = {}
    for message in messages:
        groups.setdefault(message.parent_id, []).append(message.id)
    return {
        id_: (position, len(group))
        for group in groups.values()
        if len(group) > 1
        for position, id_ in enumerate(group, 1)
    }


def _heading(message: MessageRecord) -> str:
    heading = f"## {message.role.capitalize()}"
    if message.provider and message.model:
        heading += f" ({message.provider}/{message.model})"
    elif message.model:
        heading += f" ({message.model})"
    return heading


def _message(
    message: MessageRecord,
    reasoning: bool,
    version: tuple[int, int] | None,
    elsewhere: list[int],
) -> list[str]:
    """One message: heading, which version it is (and where the others are), reasoning if
    asked, text, attached files, and a note unless it completed."""
    lines = [_heading(message), ""]
    if version is not None:
        note = f"*Version {version[0]} of {version[1]} of this message"
        if elsewhere:
            *most, last = [str(number) for number in elsewhere]
            names = f"es {', '.join(most)} and {last}" if most else f" {last}"
            note += f"; other versions: branch{names} below"
        lines += [note + ".*", ""]
    if message.reasoning and reasoning:
        lines += ["<details><summary>Reasoning</summary>", "", message.reasoning, ""]
        lines += ["</details>", ""]
    if message.content:  # a failed attempt may have none
        lines += [message.content, ""]
    for attachment in message.attachments:
        fence = fence_for(attachment.content)
        lines += [f"**Attached file: {attachment.name}** ({human_size(attachment.size)})", ""]
        lines += [fence, attachment.content.removesuffix("\n"), fence, ""]
    if message.status != MessageStatus.COMPLETE:
        note = f"*[{message.status}"
        note += f": {message.error}]*" if message.error else "]*"
        lines += [note, ""]
    return lines
