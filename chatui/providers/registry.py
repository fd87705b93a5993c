"""Builds provider objects from configuration and tells which are usable."""

from __future__ import annotations

from chatui.config import Config, ProviderConfig
from chatui.core import AuthenticationError, ConfigError, ModelRef
from chatui.providers.base import Provider


def create_provider(config: ProviderConfig) -> Provider:
    """A provider for `config`; raises AuthenticationError when its key is missing."""
    if config.api_key() is None:
        raise AuthenticationError(
            f"no API key for {config.name}: set {config.api_key_env} in the environment"
        )
    if config.kind == "anthropic":
        from chatui.providers.anthropic import AnthropicProvider

        return AnthropicProvider(config)
    if config.kind == "openai":
        from chatui.providers.openai import OpenAIProvider

        return OpenAIProvider(config)
    raise ConfigError(f"provider {config.name!r} has unknown kind {config.kind!r}")


def available_providers(config: Config) -> list[ProviderConfig]:
    """Providers whose key is set (or that need none), in config order."""
    return [p for p in config.providers.values() if p.available]


def default_model(config: Config) -> ModelRef | None:
    """The configured default, else the first model of the first available provider."""
    if config.default_model is not None:
        return config.default_model
    for provider in available_providers(config):
        if provider.models:
            return ModelRef(provider.name, provider.models[0])
    return None
