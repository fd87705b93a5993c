"""The table of provider kinds: the class that speaks each protocol and its built-in endpoint."""

from __future__ import annotations

from dataclasses import dataclass

from chatui.providers import anthropic, openai
from chatui.providers.base import Provider
from chatui.providers.local import LocalProvider
from chatui.providers.ollama import OllamaProvider


@dataclass(frozen=True, slots=True)
class ProviderKind:
    """One protocol chatui speaks, and the provider of that name built in when its key is set.

    `key_env` holds the built-in provider's API key (None: it needs none); `base_url_env`, when
    set, moves it to another address (the SDK's own variable); `models` are offered before a
    live list is fetched; `builtin`: a provider of this kind exists without configuration
    (else one is configured, or discovered running)."""

    name: str
    provider_class: type[Provider]
    key_env: str | None = None
    base_url_env: str | None = None
    models: tuple[str, ...] = ()
    builtin: bool = True


KINDS: dict[str, ProviderKind] = {
    kind.name: kind
    for kind in (
        ProviderKind(
            "openai", openai.OpenAIProvider, "OPENAI_API_KEY", "OPENAI_BASE_URL", openai.MODELS
        ),
        ProviderKind(
            "anthropic",
            anthropic.AnthropicProvider,
            "ANTHROPIC_API_KEY",
            "ANTHROPIC_BASE_URL",
            anthropic.MODELS,
        ),
        # the embedded offline model (the `chatui[local]` extra); `model_path` picks any GGUF
        ProviderKind("local", LocalProvider, models=("smollm2",)),
        # Ollama's own API (`/api/chat`, which takes a window); found by discovery when it runs
        ProviderKind("ollama", OllamaProvider, builtin=False),
    )
}
ALIASES = {"openai-compatible": "openai"}  # what a config file may also write as `kind`


def key_variables() -> str:
    """The built-in providers' key variables, for advice: "OPENAI_API_KEY or ANTHROPIC_API_KEY"."""
    return " or ".join(kind.key_env for kind in KINDS.values() if kind.key_env)
