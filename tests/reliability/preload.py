"""Imported once by the forkserver of `tests.reliability.cli`: chatui's CLI and both SDKs, warmed
by one reply through each protocol (their lazy imports and pydantic schemas are built then), so
that each forked `chatui` run starts the way a second request in a long-lived process would."""

from __future__ import annotations

import asyncio
import gc

import pytest  # each child re-imports the parent's __main__ (pytest's) as __mp_main__

import chatui.cli.ask
import chatui.cli.history
import chatui.cli.main
from chatui.config import ProviderConfig
from chatui.core import ChatMessage, ChatRequest, Role
from chatui.providers import create_provider
from tests.wireserver import WireServer

__all__ = ["chatui", "pytest"]


async def _one_reply_each(base_url: str) -> None:
    for kind, api, url in (
        ("openai", "chat", f"{base_url}/v1"),
        ("openai", "responses", f"{base_url}/v1"),
        ("anthropic", None, base_url),
    ):
        provider = create_provider(ProviderConfig("warm", kind, base_url=url, api=api))
        request = ChatRequest("test-model", (ChatMessage(Role.USER, "hi"),))
        try:
            async for _ in provider.stream(request):
                pass
        finally:
            await provider.aclose()


def _warm() -> None:
    server = WireServer().start()
    try:
        asyncio.run(_one_reply_each(server.base_url))
    finally:
        server.stop()  # its threads end: the forkserver forks from a single thread


_warm()
gc.freeze()  # children never scan (nor copy, page by page) the preloaded objects
