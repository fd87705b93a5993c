"""How big a window (`options.num_ctx`) to ask Ollama for: the request's size rounded up to a
step, within the model's own maximum, and never less than before for the same model."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

STEP = 8192  # the smallest window asked for; then 16k, 32k, 64k, 128k, ...


def prompt_estimate(messages: Sequence[Mapping[str, str]]) -> int:
    """The prompt's tokens, deliberately over-estimated: a third of the messages' JSON.

    Prose runs about 4 characters a token and code or JSON about 3; non-ASCII text is escaped
    in the JSON (`\\uXXXX`, 6 characters), so CJK counts 2 tokens a character. A window too
    small is what makes Ollama reject the request (or, without `truncate: false`, silently
    drop its oldest messages); one too big only costs memory."""
    return len(json.dumps(messages)) // 3


def stepped(tokens: int) -> int:
    """The smallest step (8k, 16k, 32k, ...) that holds `tokens`."""
    size = STEP
    while size < tokens:
        size *= 2
    return size


class WindowSizes:
    """The `num_ctx` sent for each (server, model): Ollama reloads a model whenever it is asked
    for another window, so a conversation's requests ask for the same one until it outgrows it,
    and a model's window never shrinks."""

    def __init__(self) -> None:
        self.sent: dict[tuple[str, str], int] = {}

    def size(self, key: tuple[str, str], needed: int, limit: int | None) -> int:
        """The window to send for `needed` tokens (prompt and reply), at most `limit` (the
        model's maximum, when known), and remembered for `key`."""
        size = max(stepped(needed), self.sent.get(key, 0))
        if limit is not None:
            size = min(size, limit)
        self.sent[key] = size
        return size


#: what this process sent, for every Ollama provider (two providers may name one server)
SENT = WindowSizes()
