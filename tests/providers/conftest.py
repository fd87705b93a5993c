"""Provider fixtures: configs pointing the real SDKs at the loopback wire server."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import pytest

from chatui.config import ProviderConfig, Timeouts
from chatui.core import ChatMessage, ChatRequest, GenerationOptions, Role, StreamEvent
from chatui.providers import Provider, create_provider
from tests.wireserver import WireServer

PROTOCOLS = ("chat", "responses", "anthropic")
KEY_ENV = "CHATUI_TEST_KEY"


def provider_config(server: WireServer, protocol: str, **changes: object) -> ProviderConfig:
    """A provider speaking `protocol` ("chat", "responses" or "anthropic") to `server`."""
    base: dict[str, object] = {
        "api_key_env": KEY_ENV,
        "timeouts": Timeouts(connect=2.0, read=2.0),
        "max_retries": 0,
    }
    if protocol == "anthropic":
        base.update(kind="anthropic", base_url=server.base_url)
    else:
        base.update(kind="openai", base_url=server.base_url + "/v1", api=protocol)
    base.update(changes)
    return ProviderConfig(name=f"test-{protocol}", **base)  # type: ignore[arg-type]


def request(*texts: str, system: str = "", **options: object) -> ChatRequest:
    """Alternating user/assistant messages starting with the user."""
    roles = [Role.USER, Role.ASSISTANT]
    messages = tuple(ChatMessage(roles[i % 2], text) for i, text in enumerate(texts))
    return ChatRequest("test-model", messages, system, GenerationOptions(**options))  # type: ignore[arg-type]


async def collect(provider: Provider, req: ChatRequest) -> list[StreamEvent]:
    return [event async for event in provider.stream(req)]


@pytest.fixture(autouse=True)
def _key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(KEY_ENV, "test-key-123")


@pytest.fixture(params=PROTOCOLS)
def protocol(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
async def make_provider(
    wire_server: WireServer,
) -> AsyncIterator[Callable[..., Provider]]:
    made: list[Provider] = []

    def make(protocol: str, **changes: object) -> Provider:
        provider = create_provider(provider_config(wire_server, protocol, **changes))
        made.append(provider)
        return provider

    yield make
    for provider in made:
        await provider.aclose()
