"""Builds provider objects from configuration (through the table of kinds) and tells which are
usable."""

from __future__ import annotations

from chatui.config import Config, ProviderConfig
from chatui.core import AuthenticationError, ConfigError, ModelRef
from chatui.providers.base import Provider
from chatui.providers.kinds import KINDS


def provider_for(config: ProviderConfig) -> Provider:
    """The provider of `config`'s kind, for asking what it and its models can do: cheap (no
    SDK is imported, no client built) and with or without its key."""
    kind = KINDS.get(config.kind)
    if kind is None:
        raise ConfigError(f"provider {config.name!r} has unknown kind {config.kind!r}")
    return kind.provider_class(config)


def create_provider(config: ProviderConfig) -> Provider:
    """A provider for `config`, to stream with; raises AuthenticationError when its key is
    missing."""
    if config.api_key() is None:
        raise AuthenticationError(
            f"no API key for {config.name}: set {config.api_key_env} in the environment"
        )
    return provider_for(config)


def is_available(provider: ProviderConfig) -> bool:
    """Its key is set (or it needs none) and what it runs is installed."""
    return provider.available and provider_for(provider).installed()


def available_providers(config: Config) -> list[ProviderConfig]:
    """Usable providers, in config order."""
    return [p for p in config.providers.values() if is_available(p)]


def default_model(config: Config) -> ModelRef | None:
    """The configured default, else the first model of the first available provider (a model
    on this machine only when nothing else is available)."""
    if config.default_model is not None:
        return config.default_model
    ranked = sorted(available_providers(config), key=lambda p: provider_for(p).is_local)
    for provider in ranked:
        if provider.models:
            return ModelRef(provider.name, provider.models[0])
    return None
