"""Exact prompt counts from the servers that can count (Anthropic's and OpenAI's count endpoints,
llama-server, vLLM), asked through the provider's own SDK client within a short timeout; any
failure of the network or of the answer's shape is None (the estimate stands)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

COUNT_TIMEOUT = 2.0
#: statuses that say the server has no such route: asking again will not help
NO_ROUTE = frozenset({404, 405, 501})

Messages = list[dict[str, str]]


class Uncountable(Exception):
    """The server has no route to count with (404, 405 or 501 on every route tried)."""


async def _asked(
    call: Callable[[], Awaitable[Any]], errors: type[Exception], timeout: float
) -> Any:
    """What `call` answered; None when it failed (`errors`: the SDK's API errors, which cover
    refused connections, timeouts, error statuses and unreadable bodies) or took longer than
    `timeout`. Raises Uncountable for a status of NO_ROUTE."""
    try:
        async with asyncio.timeout(timeout):
            return await call()
    except errors as exc:
        if getattr(exc, "status_code", None) in NO_ROUTE:
            raise Uncountable(str(exc)) from exc
        return None
    except (TimeoutError, ValueError):  # late, or a body that is not JSON
        return None


def _tokens(answer: Any, key: str) -> int | None:
    """`answer[key]` (or the attribute) when it is a count; None for any other shape."""
    value = answer.get(key) if isinstance(answer, dict) else getattr(answer, key, None)
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    return None


def _root(client: Any) -> str:
    """The server's root: the client's base URL without its `/v1` (where llama-server's and
    vLLM's `/tokenize` are)."""
    return str(client.base_url).rstrip("/").removesuffix("/v1")


async def anthropic_count(
    client: Any, model: str, messages: Messages, system: str, timeout: float = COUNT_TIMEOUT
) -> int | None:
    """`POST /v1/messages/count_tokens` through `AsyncAnthropic.messages.count_tokens`."""
    import anthropic

    args: dict[str, Any] = {"system": system} if system else {}

    async def call() -> Any:
        return await client.messages.count_tokens(
            model=model, messages=[], extra_body={"messages": messages}, timeout=timeout, **args
        )

    return _tokens(await _asked(call, anthropic.APIError, timeout), "input_tokens")


async def responses_count(
    client: Any, model: str, items: Messages, system: str, timeout: float = COUNT_TIMEOUT
) -> int | None:
    """`POST /v1/responses/input_tokens` through `AsyncOpenAI.responses.input_tokens.count`
    (None with an SDK too old to have it)."""
    import openai

    counter = getattr(client.responses, "input_tokens", None)
    if counter is None:
        return None
    args: dict[str, Any] = {"instructions": system} if system else {}

    async def call() -> Any:
        return await counter.count(
            model=model, input=[], extra_body={"input": items}, timeout=timeout, **args
        )

    return _tokens(await _asked(call, openai.APIError, timeout), "input_tokens")


async def _post(client: Any, url: str, body: dict[str, Any], timeout: float) -> Any:
    """POST `body` to `url` (absolute, or under the client's base URL) with the OpenAI
    client's key; the answer's JSON, or None on failure (Uncountable: no such route)."""
    import openai

    async def call() -> Any:
        return await client.post(url, cast_to=object, body=body, options={"timeout": timeout})

    return await _asked(call, openai.APIError, timeout)


async def llama_count(
    client: Any, model: str, messages: Messages, timeout: float = COUNT_TIMEOUT
) -> int | None:
    """llama-server: `/v1/chat/completions/input_tokens` with the chat body (its template
    counted); on a build without it, `/apply-template`, then `/tokenize` of the prompt."""
    body = {"model": model, "messages": messages}
    try:
        answer = await _post(client, "chat/completions/input_tokens", body, timeout)
        return _tokens(answer, "input_tokens")
    except Uncountable:
        pass
    root = _root(client)
    rendered = await _post(client, root + "/apply-template", {"messages": messages}, timeout)
    prompt = rendered.get("prompt") if isinstance(rendered, dict) else None
    if not isinstance(prompt, str):
        return None
    tokenized = await _post(client, root + "/tokenize", {"content": prompt}, timeout)
    tokens = tokenized.get("tokens") if isinstance(tokenized, dict) else None
    return len(tokens) if isinstance(tokens, list) else None


async def vllm_count(
    client: Any, model: str, messages: Messages, timeout: float = COUNT_TIMEOUT
) -> int | None:
    """vLLM: `POST /tokenize` with the messages (its chat template counted)."""
    body = {"model": model, "messages": messages, "add_generation_prompt": True}
    return _tokens(await _post(client, _root(client) + "/tokenize", body, timeout), "count")
