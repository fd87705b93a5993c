"""Per-conversation settings (system prompt, temperature, max tokens, preset, thinking budget):
the one owner of a conversation's `settings` JSON, and the checks of typed values."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from chatui.config import MAX_TEMPERATURE, MIN_TEMPERATURE, OVERFLOW_POLICIES, Config, Preset
from chatui.core import GenerationOptions
from chatui.services.context.fitting import Overflow
from chatui.store.records import ConversationRecord

#: The keys of a conversation's `settings` JSON, all read and written here: those
#: `ConversationSettings` writes, and the thinking budget (tokens, 0 = off; absent: the config's
#: default applies), switched on its own, and what a send that won't fit does (absent: the
#: config's `on_overflow`). Other keys (an import's `imported_from`) are kept.
SETTINGS_KEYS = ("temperature", "max_tokens", "preset")
THINKING_BUDGET = "thinking_budget"
ON_OVERFLOW = "on_overflow"


@dataclass(frozen=True, slots=True)
class ConversationSettings:
    """What every request of a conversation carries besides its messages.

    `temperature` None leaves it to the provider; `preset` names the preset they came from.
    """

    system_prompt: str = ""
    temperature: float | None = None
    max_tokens: int = 4096
    preset: str | None = None

    @classmethod
    def from_config(cls, config: Config, preset: Preset | None = None) -> ConversationSettings:
        """The config's defaults, with what `preset` sets on top."""
        settings = cls(config.system_prompt, config.temperature, config.max_tokens)
        return settings.with_preset(preset) if preset is not None else settings

    def with_preset(self, preset: Preset) -> ConversationSettings:
        """These settings with every value `preset` sets replaced, and its name recorded."""
        system, temperature = preset.system_prompt, preset.temperature
        return replace(
            self,
            system_prompt=self.system_prompt if system is None else system,
            temperature=self.temperature if temperature is None else temperature,
            max_tokens=self.max_tokens if preset.max_tokens is None else preset.max_tokens,
            preset=preset.name,
        )

    @classmethod
    def from_record(
        cls, record: ConversationRecord, defaults: ConversationSettings
    ) -> ConversationSettings:
        """A saved conversation's settings; what it never saved (or saved wrong) from
        `defaults` — except the preset, which is only ever the conversation's own."""
        saved = record.settings
        temperature = saved.get("temperature", defaults.temperature)
        if temperature is not None and not _valid_temperature(temperature):
            temperature = defaults.temperature
        max_tokens = saved.get("max_tokens")
        if not (
            isinstance(max_tokens, int) and not isinstance(max_tokens, bool) and max_tokens > 0
        ):
            max_tokens = defaults.max_tokens
        preset = saved.get("preset")
        return cls(
            system_prompt=record.system_prompt,
            temperature=float(temperature) if temperature is not None else None,
            max_tokens=max_tokens,
            preset=preset if isinstance(preset, str) and preset else None,
        )

    def to_json(self, existing: dict[str, Any] | None = None) -> dict[str, Any]:
        """The conversation's `settings` JSON: `existing` keys kept, this module's replaced."""
        data = {k: v for k, v in (existing or {}).items() if k not in SETTINGS_KEYS}
        data.update(temperature=self.temperature, max_tokens=self.max_tokens)
        if self.preset is not None:
            data["preset"] = self.preset
        return data

    def options(self, base: GenerationOptions) -> GenerationOptions:
        """`base` (seed and any other options kept) with this temperature and max tokens."""
        return replace(base, temperature=self.temperature, max_tokens=self.max_tokens)

    @property
    def badge(self) -> str:
        """A few words for the status bar when a preset or a system prompt is in effect."""
        if self.preset:
            return f"preset: {self.preset}"
        return "system prompt" if self.system_prompt.strip() else ""


def saved_thinking_budget(saved: Mapping[str, Any]) -> int | None:
    """The thinking budget a conversation's settings hold, or None (absent or not valid)."""
    budget = saved.get(THINKING_BUDGET)
    if isinstance(budget, int) and not isinstance(budget, bool) and budget >= 0:
        return budget
    return None


def with_thinking_budget(saved: Mapping[str, Any], budget: int | None) -> dict[str, Any]:
    """`saved` with the thinking budget set (None: left as it is)."""
    return {**saved, THINKING_BUDGET: budget} if budget is not None else dict(saved)


def saved_on_overflow(saved: Mapping[str, Any]) -> Overflow | None:
    """What a send that won't fit does in a conversation, if its settings say (validly)."""
    policy = saved.get(ON_OVERFLOW)
    return Overflow(policy) if policy in OVERFLOW_POLICIES else None


def with_on_overflow(saved: Mapping[str, Any], policy: Overflow) -> dict[str, Any]:
    """`saved` with what a send that won't fit does."""
    return {**saved, ON_OVERFLOW: policy.value}


def _valid_temperature(value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
        return False
    return MIN_TEMPERATURE <= value <= MAX_TEMPERATURE


def parse_temperature(text: str) -> float | None:
    """A typed temperature: empty for the provider's default, else a number from 0 to 2."""
    text = text.strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not _valid_temperature(value):
        raise ValueError(
            f"Temperature must be a number from {MIN_TEMPERATURE:g} to {MAX_TEMPERATURE:g} "
            "(empty: the provider's default)"
        )
    return value


def parse_max_tokens(text: str) -> int:
    """A typed token limit: a whole number above 0."""
    try:
        value = int(text.strip())
    except ValueError:
        value = 0
    if value < 1:
        raise ValueError("Max tokens must be a whole number above 0")
    return value
