"""Keeps one provider client per configured endpoint, built ahead of the first request."""

from __future__ import annotations

from contextlib import suppress

from chatui.config import Config
from chatui.core import UNKNOWN, Capabilities, ChatError, ModelRef
from chatui.providers import Provider, create_provider


class ProviderPool:
    """Providers by name, created on first use and closed together."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.providers: dict[str, Provider] = {}
        self.warmed: set[str] = set()

    def get(self, name: str) -> Provider:
        """The provider named `name` (raises ChatError if unknown or missing its key)."""
        if name not in self.providers:
            self.providers[name] = create_provider(self.config.provider(name))
        return self.providers[name]

    def warm(self, name: str) -> None:
        """Import the SDK and build the client now (blocking: call from a thread)."""
        if name not in self.warmed:
            self.get(name).warm()
            self.warmed.add(name)

    def capabilities(self, ref: ModelRef) -> Capabilities:
        """What `ref` can take (unknown when its provider can't be made: no key)."""
        try:
            return self.get(ref.provider).capabilities(ref.model)
        except ChatError:
            return UNKNOWN

    def served_models(self, name: str) -> list[str]:
        """The models `name`'s server described (what its listing heard)."""
        with suppress(ChatError):
            return list(self.get(name).served)
        return []

    def heard(self, name: str, served: dict[str, Capabilities]) -> None:
        """What a listing of `name`'s models heard from its server, kept for its provider."""
        if served:
            with suppress(ChatError):
                self.get(name).served.update(served)

    async def aclose(self) -> None:
        for provider in self.providers.values():
            await provider.aclose()
        self.providers.clear()
        self.warmed.clear()
