"""chatui's table of the OpenAI and Anthropic models: window, longest reply, what they take, and
their list prices on the vendor's own API, by the longest prefix of the model id (ids grow
dated suffixes: gpt-4o-2024-08-06, claude-haiku-4-5-20251001)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from chatui.core import Capabilities, Price, Source


def _model(
    context: int, max_output: int, price: tuple[float, float], *, reasoning: bool = False,
    max_input: int | None = None,
) -> Capabilities:  # fmt: skip
    return Capabilities(
        context=context,
        max_input=max_input,
        max_output=max_output,
        images=True,
        tools=True,
        reasoning=reasoning,
        price=Price(*price),
        source=Source.TABLE,
    )


#: OpenAI's models (api.openai.com), USD per million tokens (input, output).
OPENAI: dict[str, Capabilities] = {
    "gpt-4o": _model(128_000, 16_384, (2.50, 10.00)),
    "gpt-4o-mini": _model(128_000, 16_384, (0.15, 0.60)),
    "gpt-4.1": _model(1_047_576, 32_768, (2.00, 8.00)),
    "gpt-4.1-mini": _model(1_047_576, 32_768, (0.40, 1.60)),
    "gpt-4.1-nano": _model(1_047_576, 32_768, (0.10, 0.40)),
    "o3": _model(200_000, 100_000, (2.00, 8.00), reasoning=True),
    "o3-mini": replace(_model(200_000, 100_000, (1.10, 4.40), reasoning=True), images=False),
    "o4-mini": _model(200_000, 100_000, (1.10, 4.40), reasoning=True),
    "gpt-5": _model(400_000, 128_000, (1.25, 10.00), reasoning=True, max_input=272_000),
    "gpt-5-mini": _model(400_000, 128_000, (0.25, 2.00), reasoning=True, max_input=272_000),
    "gpt-5-nano": _model(400_000, 128_000, (0.05, 0.40), reasoning=True, max_input=272_000),
    "gpt-5.4": _model(1_050_000, 128_000, (2.50, 15.00), reasoning=True, max_input=922_000),
    "gpt-5.5": _model(1_000_000, 128_000, (5.00, 30.00), reasoning=True),
}

#: Anthropic's models (api.anthropic.com), USD per million tokens (input, output).
ANTHROPIC: dict[str, Capabilities] = {
    "claude-3-haiku": _model(200_000, 4_096, (0.25, 1.25)),
    "claude-3-5-haiku": _model(200_000, 8_192, (0.80, 4.00)),
    "claude-3-5-sonnet": _model(200_000, 8_192, (3.00, 15.00)),
    "claude-3-7-sonnet": _model(200_000, 64_000, (3.00, 15.00), reasoning=True),
    "claude-sonnet-4": _model(200_000, 64_000, (3.00, 15.00), reasoning=True),
    "claude-opus-4": _model(200_000, 32_000, (15.00, 75.00), reasoning=True),
    "claude-opus-4-1": _model(200_000, 32_000, (15.00, 75.00), reasoning=True),
    "claude-haiku-4-5": _model(200_000, 64_000, (1.00, 5.00), reasoning=True),
    "claude-sonnet-4-5": _model(200_000, 64_000, (3.00, 15.00), reasoning=True),
    "claude-opus-4-5": _model(200_000, 64_000, (5.00, 25.00), reasoning=True),
    "claude-opus-4-6": _model(1_000_000, 128_000, (5.00, 25.00), reasoning=True),
    "claude-opus-4-8": _model(1_000_000, 128_000, (5.00, 25.00), reasoning=True),
    "claude-sonnet-4-6": _model(1_000_000, 128_000, (3.00, 15.00), reasoning=True),
    "claude-sonnet-5": _model(1_000_000, 128_000, (2.00, 10.00), reasoning=True),
    "claude-sonnet-5-5": _model(1_000_000, 128_000, (2.00, 10.00), reasoning=True),
    "claude-opus-5": _model(1_000_000, 128_000, (5.00, 25.00), reasoning=True),
    "claude-opus-5-5": _model(1_000_000, 128_000, (4.00, 20.00), reasoning=True),
    "claude-haiku-5-5": _model(1_000_000, 128_000, (0.10, 0.50), reasoning=True),
}


def by_prefix(table: Mapping[str, Capabilities], model: str) -> Capabilities | None:
    """The row of the longest prefix of `model` in `table` that ends where a part of the id
    does (claude-opus-4 is not claude-opus-4-5's row; gpt-4o-2024-08-06 is gpt-4o's)."""
    matches = [
        prefix
        for prefix in table
        if model == prefix or (model.startswith(prefix) and not _continues(model, prefix))
    ]
    return table[max(matches, key=len)] if matches else None


def _continues(model: str, prefix: str) -> bool:
    """Whether `model` goes on from `prefix` with more of a version (claude-opus-4 then "-5",
    gpt-5 then ".4"), not with a date or a variant name."""
    rest = model[len(prefix) :]
    return rest[:1] == "." or (rest[:1] == "-" and rest[1:2].isdigit() and not _dated(rest[1:]))


def _dated(rest: str) -> bool:
    """A date suffix: 20250805, or 2024-08-06."""
    head = rest.split("-")[0]
    return len(head) in (4, 8) and head.isdigit() and head.startswith("20")
