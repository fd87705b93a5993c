"""Text files attached to a user message, and how they are written into the text a model reads."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

_BACKTICKS = re.compile(r"`{3,}")


@dataclass(frozen=True, slots=True)
class Attachment:
    """A text file sent with a message: its name (a path as the user gave it), text and bytes."""

    name: str
    content: str
    size: int

    @property
    def short_name(self) -> str:
        """The file name without its directories."""
        return self.name.rstrip("/").rsplit("/", 1)[-1] or self.name


def human_size(size: int) -> str:
    """Bytes as a short figure: 812 B, 2.1 KB, 256 KB, 1 MB (1 KB = 1024 bytes)."""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f}".removesuffix(".0") + " KB"
    return f"{size / (1024 * 1024):.1f}".removesuffix(".0") + " MB"


def fence_for(text: str) -> str:
    """A backtick fence longer than any backtick run in `text`, so the block cannot end early."""
    longest = max((len(run) for run in _BACKTICKS.findall(text)), default=2)
    return "`" * max(3, longest + 1)


def fenced_file(attachment: Attachment) -> str:
    """One attachment as a block headed by its name: `File: notes.md` then a fenced block."""
    fence = fence_for(attachment.content)
    body = attachment.content if attachment.content.endswith("\n") else attachment.content + "\n"
    if not attachment.content:
        body = ""
    return f"File: {attachment.name}\n{fence}\n{body}{fence}"


def with_attachments(text: str, attachments: Sequence[Attachment]) -> str:
    """What the model reads for a user message: the typed text, then each file in its own block.

    Every protocol (Chat Completions, Responses, Anthropic, local) sends this one string, so the
    formatting lives here rather than in each provider."""
    if not attachments:
        return text
    blocks = [fenced_file(attachment) for attachment in attachments]
    return "\n\n".join([text, *blocks] if text.strip() else blocks)
