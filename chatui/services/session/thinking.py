"""Extended thinking per conversation: the config default, what is saved, the toggle."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from chatui.config import Config
from chatui.core import GenerationOptions, ModelRef
from chatui.providers import provider_for
from chatui.services.session.settings import saved_thinking_budget

DEFAULT_BUDGET = 4096  # turned on from the palette while the config's default is 0 (off)


def thinks(config: Config, ref: ModelRef) -> bool:
    """Whether `ref` is a model that extended thinking applies to (its provider knows)."""
    provider = config.providers.get(ref.provider)
    return provider is not None and provider_for(provider).supports_thinking(ref.model)


def with_default(options: GenerationOptions, config: Config) -> GenerationOptions:
    """`options` with an unset thinking budget replaced by the configured default."""
    if options.thinking_budget is not None:
        return options
    return replace(options, thinking_budget=config.thinking_budget)


def restored(options: GenerationOptions, settings: Mapping[str, Any]) -> GenerationOptions:
    """`options` with the budget saved in a conversation's settings, if it holds a valid one."""
    budget = saved_thinking_budget(settings)
    return options if budget is None else replace(options, thinking_budget=budget)


def saved(options: GenerationOptions) -> int | None:
    """The budget a new conversation saves: its own when thinking is on, else None (then a
    resumed conversation follows the configured default; a palette switch is always saved)."""
    return options.thinking_budget or None


def toggled_budget(options: GenerationOptions, config: Config) -> int:
    """The budget after switching: off if on, else the configured (or default) budget."""
    return 0 if options.thinking_budget else config.thinking_budget or DEFAULT_BUDGET
