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

__all__ = [
    "DEFAULT_PROFILE",
    "PROFILES",
    "Calibration",
    "Profile",
    "profile_for",
    "request_tokens",
    "text_tokens",
    "with_margin",
]
