"""Extended thinking per conversation: the config default, the `settings` key, the toggle."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from chatui.config import Config
from chatui.core import GenerationOptions, ModelRef
from chatui.providers import provider_for

SETTING = "thinking_budget"  # key in a conversation's `settings` JSON: tokens, 0 = off
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
    budget = settings.get(SETTING)
    if isinstance(budget, int) and not isinstance(budget, bool) and budget >= 0:
        return replace(options, thinking_budget=budget)
    return options


def saved(options: GenerationOptions) -> dict[str, Any]:
    """Settings for a new conversation: its budget when thinking is on (absent, a resumed
    conversation follows the configured default; a switch in the palette is always saved)."""
    return {SETTING: options.thinking_budget} if options.thinking_budget else {}


def toggled_budget(options: GenerationOptions, config: Config) -> int:
    """The budget after switching: off if on, else the configured (or default) budget."""
    return 0 if options.thinking_budget else config.thinking_budget or DEFAULT_BUDGET
