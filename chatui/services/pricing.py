"""What a reply cost: its token counts at the model's prices (the provider knows them)."""

from __future__ import annotations

from chatui.core import Price, Usage


def cost_of(price: Price | None, usage: Usage) -> float | None:
    """USD for `usage` at `price` (USD per million tokens), or None when it is unknown."""
    if price is None:
        return None
    return (usage.input_tokens * price.input + usage.output_tokens * price.output) / 1_000_000
