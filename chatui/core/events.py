"""Typed events a provider stream yields, in order: deltas, then usage, then Finished."""

from __future__ import annotations

from dataclasses import dataclass

from chatui.core.models import Usage


@dataclass(frozen=True, slots=True)
class TextDelta:
    """A piece of the reply's visible text."""

    text: str


@dataclass(frozen=True, slots=True)
class ReasoningDelta:
    """A piece of the model's reasoning (thinking) text."""

    text: str


@dataclass(frozen=True, slots=True)
class UsageReport:
    """Token usage for the reply, when the provider reports it."""

    usage: Usage


@dataclass(frozen=True, slots=True)
class Finished:
    """The reply ended normally; `stop_reason` is the provider's own word for why."""

    stop_reason: str | None


StreamEvent = TextDelta | ReasoningDelta | UsageReport | Finished
