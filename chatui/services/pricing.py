"""What a reply cost: its token counts at the model's prices (the provider knows them)."""

from __future__ import annotations

from chatui.core import Usage
from chatui.providers.base import Price


def cost_of(price: Price | None, usage: Usage) -> float | None:
    """USD for `usage` at `price` (input, output per 1M tokens), or None when it is unknown."""
    if price is None:
        return None
    return (usage.input_tokens * price[0] + usage.output_tokens * price[1]) / 1_000_000
