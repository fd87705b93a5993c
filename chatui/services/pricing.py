"""A small price table (USD per million tokens) for well-known models; unknown models cost None."""

from __future__ import annotations

from chatui.core import Usage

# (input, output) USD per 1M tokens; matched by the longest prefix of the model id.
PRICES: dict[str, tuple[float, float]] = {
    "gpt-4o-mini": (0.15, 0.60),
    "gpt-4o": (2.50, 10.00),
    "gpt-4.1-nano": (0.10, 0.40),
    "gpt-4.1-mini": (0.40, 1.60),
    "gpt-4.1": (2.00, 8.00),
    "gpt-5-nano": (0.05, 0.40),
    "gpt-5-mini": (0.25, 2.00),
    "gpt-5": (1.25, 10.00),
    "o4-mini": (1.10, 4.40),
    "o3": (2.00, 8.00),
    "claude-opus-4": (15.00, 75.00),
    "claude-sonnet-4": (3.00, 15.00),
    "claude-haiku-4-5": (1.00, 5.00),
    "claude-3-7-sonnet": (3.00, 15.00),
    "claude-3-5-sonnet": (3.00, 15.00),
    "claude-3-5-haiku": (0.80, 4.00),
    "claude-3-haiku": (0.25, 1.25),
}
KNOWN_PROVIDERS = ("openai", "anthropic")


def price_of(provider: str, model: str) -> tuple[float, float] | None:
    """(input, output) per 1M tokens for a first-party model, else None."""
    if provider not in KNOWN_PROVIDERS:
        return None
    matches = [prefix for prefix in PRICES if model.startswith(prefix)]
    return PRICES[max(matches, key=len)] if matches else None


def cost_of(provider: str, model: str, usage: Usage) -> float | None:
    """USD for `usage` on the model, or None when its price is unknown."""
    price = price_of(provider, model)
    if price is None:
        return None
    return (usage.input_tokens * price[0] + usage.output_tokens * price[1]) / 1_000_000
