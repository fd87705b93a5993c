"""Recognises a server's "too long for the model" rejection and reads its numbers."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from chatui.core import ContextOverflow

# the error types and codes that say it outright: llama-server, OpenAI (and its compatibles)
OVERFLOW_KINDS = frozenset({"exceed_context_size_error", "context_length_exceeded"})
# the wording of everyone else (Anthropic, vLLM, OpenRouter, Ollama, LM Studio)
_WORDING = re.compile(
    r"context (?:length|size|window|limit)|prompt is too long|maximum context length"
    r"|exceeds? (?:the )?(?:available )?context",
    re.IGNORECASE,
)
# statuses a rejection of the request can come with; 0/200: an error event inside a stream
_STATUSES = frozenset({0, 200, 400, 413, 422})

_N = r"(\d[\d,]*)"
# (pattern, group of the prompt's tokens or 0, group of the window or 0), first match wins
_NUMBERS: tuple[tuple[re.Pattern[str], int, int], ...] = (
    (re.compile(rf"{_N} tokens > {_N} maximum"), 1, 2),  # Anthropic
    (re.compile(rf"exceed context limit: {_N} \+ {_N} > {_N}"), 1, 3),  # Anthropic, older
    (re.compile(rf"request \({_N} tokens\) exceeds the available context size \({_N}"), 1, 2),
    (re.compile(rf"maximum context length is {_N} tokens.*?requested (?:about )?{_N}"), 2, 1),
    (re.compile(rf"maximum context length is {_N} tokens.*?request has {_N}"), 2, 1),  # vLLM
    (re.compile(rf"maximum context length is {_N} tokens"), 0, 1),
)


def is_overflow(status: int, detail: Mapping[str, Any], message: str) -> bool:
    """True when an error (its HTTP status, the body's error object, the message) says the
    request is more than the model's window."""
    if detail.get("type") in OVERFLOW_KINDS or detail.get("code") in OVERFLOW_KINDS:
        return True
    return status in _STATUSES and _WORDING.search(message) is not None


def _count(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    return None


def overflow_numbers(detail: Mapping[str, Any], message: str) -> tuple[int | None, int | None]:
    """(prompt tokens, window) as far as the body gives them: llama-server's fields first,
    else the numbers in the message."""
    prompt, window = _count(detail.get("n_prompt_tokens")), _count(detail.get("n_ctx"))
    if prompt is not None or window is not None:
        return prompt, window
    for pattern, prompt_group, window_group in _NUMBERS:
        found = pattern.search(message)
        if found:
            numbers = [int(g.replace(",", "")) for g in found.groups()]
            return (
                numbers[prompt_group - 1] if prompt_group else None,
                numbers[window_group - 1] if window_group else None,
            )
    return None, None


def context_overflow(where: str, detail: Mapping[str, Any], message: str) -> ContextOverflow:
    """The core error for a recognised overflow, its message saying the numbers when known."""
    prompt, window = overflow_numbers(detail, message)
    said = [f"{prompt:,} tokens"] if prompt is not None else []
    if window is not None:
        said.append(f"the window is {window:,}")
    told = f"{'; '.join(said)} ({message})" if said else message
    return ContextOverflow(
        f"{where}: {told}. Shorten the conversation or pick a model with a bigger window",
        prompt_tokens=prompt,
        window=window,
    )
