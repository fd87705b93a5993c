"""SDK clients of the wire server (no retries, one shared TLS context) and whole-stream readers."""

from __future__ import annotations

import ssl
from typing import Any

import anthropic
import httpx2
import openai
from openai.types.chat import ChatCompletionChunk

from tests.wireserver import WireServer

USER: Any = [{"role": "user", "content": "hi"}]  # typed loosely: valid for both SDKs
# Building an httpx2 client loads the CA bundle (~50 ms); share one TLS context instead.
TLS = ssl.create_default_context()


def make_oai(server: WireServer, api_key: str = "k", **kwargs: Any) -> openai.AsyncOpenAI:
    return openai.AsyncOpenAI(
        base_url=server.base_url + "/v1",
        api_key=api_key,
        max_retries=0,
        http_client=openai.DefaultAsyncHttpxClient(verify=TLS),
        **kwargs,
    )


def make_claude(server: WireServer, api_key: str = "k", **kwargs: Any) -> anthropic.AsyncAnthropic:
    return anthropic.AsyncAnthropic(
        base_url=server.base_url,
        api_key=api_key,
        max_retries=0,
        http_client=anthropic.DefaultAsyncHttpxClient(verify=TLS),
        **kwargs,
    )


def raw_client() -> httpx2.AsyncClient:
    return httpx2.AsyncClient(verify=TLS)


async def chat_stream(client: openai.AsyncOpenAI, **kwargs: Any) -> list[ChatCompletionChunk]:
    stream = await client.chat.completions.create(
        model="test-model", messages=USER, stream=True, **kwargs
    )
    return [chunk async for chunk in stream]


def chat_text(chunks: list[ChatCompletionChunk]) -> str:
    return "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)


async def messages_stream(client: anthropic.AsyncAnthropic, **kwargs: Any) -> list[Any]:
    stream = await client.messages.create(
        model="test-model", max_tokens=100, messages=USER, stream=True, **kwargs
    )
    return [event async for event in stream]
