"""The table of kinds: one row makes a provider, and what a model can do is asked of it."""

from __future__ import annotations

from pathlib import Path

import pytest

from chatui.config import ProviderConfig, load_config
from chatui.core import ConfigError
from chatui.providers import provider_for
from chatui.providers.kinds import KINDS


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_kind_builds_its_class_and_the_built_in_ones_exist(kind: str, tmp_path: Path) -> None:
    built_in = load_config(tmp_path / "none.toml").providers
    assert (kind in built_in) == KINDS[kind].builtin
    config = built_in.get(kind) or ProviderConfig(kind, kind)
    assert config.kind == kind and config.models == KINDS[kind].models
    assert isinstance(provider_for(config), KINDS[kind].provider_class)


def test_ollama_is_found_or_configured_rather_than_built_in() -> None:
    assert [name for name, kind in KINDS.items() if not kind.builtin] == ["ollama"]


def test_an_unknown_kind_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="unknown kind 'gopher'"):
        provider_for(ProviderConfig("x", "gopher"))


def test_thinking_is_asked_of_the_provider() -> None:
    anthropic = provider_for(ProviderConfig("a", "anthropic"))
    openai = provider_for(ProviderConfig("o", "openai"))
    assert anthropic.supports_thinking("claude-sonnet-4-5")
    assert not anthropic.supports_thinking("claude-3-5-haiku")
    assert not openai.supports_thinking("claude-sonnet-4-5")  # a proxy's name, not Anthropic's API


def test_only_the_embedded_model_is_local(tmp_path: Path) -> None:
    config = load_config(tmp_path / "none.toml")
    assert [name for name, p in config.providers.items() if provider_for(p).is_local] == ["local"]
