"""The provider layer: one streaming contract over OpenAI, Anthropic and compatible endpoints."""

from chatui.providers.base import Provider
from chatui.providers.registry import available_providers, create_provider, provider_for

__all__ = ["Provider", "available_providers", "create_provider", "provider_for"]
