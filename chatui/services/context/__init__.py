"""What a conversation costs in tokens against the model's window: estimates and calibration."""

from chatui.services.context.estimate import (
    DEFAULT_PROFILE,
    PROFILES,
    Calibration,
    Profile,
    profile_for,
    request_tokens,
    text_tokens,
    with_margin,
)
from chatui.services.context.exact import CountCache, exact_prompt_tokens, near_limit

__all__ = [
    "DEFAULT_PROFILE",
    "PROFILES",
    "Calibration",
    "CountCache",
    "Profile",
    "exact_prompt_tokens",
    "near_limit",
    "profile_for",
    "request_tokens",
    "text_tokens",
    "with_margin",
]
