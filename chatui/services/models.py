"""Model discovery across providers: resolving `provider/model` and listing every model."""

from __future__ import annotations

import asyncio
from contextlib import suppress
from dataclasses import dataclass, field

from chatui.config import Config, ProviderConfig
from chatui.core import Capabilities, ChatError, ConfigError, ModelRef
from chatui.providers import Provider, available_providers, create_provider
from chatui.providers.kinds import key_variables
from chatui.providers.registry import default_model

LIST_TIMEOUT = 8.0


def no_provider_message(config: Config) -> str:
    return (
        f"no provider is available: set {key_variables()}, "
        f"or add an endpoint under [providers.NAME] in {config.path}"
    )


def resolve_model(config: Config, text: str | None) -> ModelRef:
    """`provider/model`, a bare model name known to one provider, or the default model."""
    if not text:
        ref = default_model(config)
        if ref is None:
            raise ConfigError(no_provider_message(config))
        return ref
    if "/" in text:
        provider = text.partition("/")[0]
        if provider in config.providers:
            return ModelRef.parse(text)
    owners = [p.name for p in config.providers.values() if text in p.models]
    if len(owners) == 1:
        return ModelRef(owners[0], text)
    if len(owners) > 1:
        raise ConfigError(f"{text!r} is offered by {', '.join(owners)}: write provider/model")
    known = ", ".join(sorted(config.providers))
    raise ConfigError(f"unknown model {text!r}: write provider/model (providers: {known})")


@dataclass(frozen=True, slots=True)
class ProviderModels:
    """One provider's models, or the error met while listing them live."""

    provider: ProviderConfig
    models: list[str]
    error: ChatError | None = None
    served: dict[str, Capabilities] = field(default_factory=dict)  # what the server said


def _ready(provider: ProviderConfig) -> Provider:
    """A provider with its SDK imported and its client built: that takes seconds on a busy
    machine (openai about 1 s, anthropic about 2 s) and blocks, so it runs in a thread."""
    client = create_provider(provider)
    client.build_client()
    return client


async def _list_one(provider: ProviderConfig) -> ProviderModels:
    client = await asyncio.to_thread(_ready, provider)
    error: ChatError | None = None
    try:
        models = await asyncio.wait_for(client.list_models(), LIST_TIMEOUT)
        with suppress(TimeoutError):  # what the server says of them, if it says in time
            await asyncio.wait_for(client.fetch_capabilities(models), LIST_TIMEOUT)
    except ChatError as exc:
        models, error = list(provider.models), exc
    except TimeoutError:
        error = ChatError(f"{provider.name} did not list its models in {LIST_TIMEOUT:g} s")
        models = list(provider.models)
    finally:
        await client.aclose()
    return ProviderModels(provider, models, error, dict(client.served))


async def list_all_models(config: Config) -> list[ProviderModels]:
    """Every available provider's models, fetched concurrently."""
    return list(await asyncio.gather(*(_list_one(p) for p in available_providers(config))))
