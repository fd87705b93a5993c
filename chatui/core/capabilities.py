"""What a model can take and what it costs: its window, its longest reply, what it reads
(images), what it can do (tools, reasoning), its prices; each unknown until a source says."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from enum import StrEnum


class Source(StrEnum):
    """Where a model's capabilities came from, most trusted last (a later source wins)."""

    UNKNOWN = "unknown"
    TABLE = "table"  # chatui's own table of the vendors' models
    LEARNED = "learned"  # a server's overflow error said the window
    SERVER = "server"  # the server's model metadata (/props, /api/show, /v1/models, ...)
    CONFIG = "config"  # the user's [providers.NAME.models."ID"]


@dataclass(frozen=True, slots=True)
class Price:
    """USD per million tokens of prompt (`input`) and of reply (`output`)."""

    input: float
    output: float


@dataclass(frozen=True, slots=True)
class Capabilities:
    """One model on one endpoint. None means unknown (and is shown as such, never guessed).

    `context`: tokens of the window, prompt and reply together; `max_input`: the most the
    prompt may take when the vendor caps it below the window (gpt-5: 272k of 400k);
    `max_output`: the longest reply."""

    context: int | None = None
    max_input: int | None = None
    max_output: int | None = None
    images: bool | None = None
    tools: bool | None = None
    reasoning: bool | None = None
    price: Price | None = None
    source: Source = Source.UNKNOWN

    def over(self, base: Capabilities) -> Capabilities:
        """`base` with what this one knows put over it (the source of the last that knew)."""
        known = {
            f.name: value
            for f in fields(self)
            if f.name != "source" and (value := getattr(self, f.name)) is not None
        }
        return replace(base, **known, source=self.source) if known else base

    @property
    def prompt_limit(self) -> int | None:
        """The most tokens a prompt may take, before any room is kept for the reply."""
        if self.context is None:
            return self.max_input
        return min(self.context, self.max_input or self.context)


UNKNOWN = Capabilities()


def short_count(tokens: int | None) -> str:
    """`128k`, `1M`, `2k`, `8.2k`, `900`; `?` when unknown (the picker's window column)."""
    if tokens is None:
        return "?"
    if tokens >= 1_000_000:
        value, unit = tokens / 1_000_000, "M"
    elif tokens >= 1000:
        value, unit = tokens / 1000, "k"
    else:
        return str(tokens)
    text = f"{value:.1f}".removesuffix(".0") if value < 10 else f"{value:.0f}"
    return text + unit
