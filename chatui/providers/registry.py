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
    if config.kind == "local":
        from chatui.providers.local import LocalProvider

        return LocalProvider(config)
    raise ConfigError(f"provider {config.name!r} has unknown kind {config.kind!r}")


def is_available(provider: ProviderConfig) -> bool:
    """Its key is set (or it needs none); a local model must also be installed."""
    if not provider.available:
        return False
    if provider.kind == "local":
        from chatui.providers.local import local_available

        return local_available(provider)
    return True


def available_providers(config: Config) -> list[ProviderConfig]:
    """Usable providers, in config order."""
    return [p for p in config.providers.values() if is_available(p)]


def default_model(config: Config) -> ModelRef | None:
    """The configured default, else the first model of the first available provider (the
    embedded local model only when nothing else is available)."""
    if config.default_model is not None:
        return config.default_model
    ranked = sorted(available_providers(config), key=lambda p: p.kind == "local")
    for provider in ranked:
        if provider.models:
            return ModelRef(provider.name, provider.models[0])
    return None
