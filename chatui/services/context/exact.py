"""Exact counts near the window's limit: a server that can count (llama-server, vLLM, Anthropic's
and OpenAI's count endpoints) counts the request before it goes, once per request."""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections import OrderedDict

from chatui.core import ChatError, ChatRequest, ModelRef
from chatui.services.context.budget import Budget
from chatui.services.pool import ProviderPool

NEAR_LIMIT = 0.15  # an estimate this close to the limit (either side) is counted exactly
CACHED_COUNTS = 256


def near_limit(budget: Budget) -> bool:
    """Whether an estimated budget is within 15% of its limit, under or over it: where the
    estimate's error decides whether the request fits."""
    limit = budget.limit
    if not budget.estimated or not limit:
        return False
    return abs(budget.used - limit) <= limit * NEAR_LIMIT


def request_key(model: ModelRef, request: ChatRequest) -> tuple[ModelRef, str]:
    """The cache key of a request's count: the model and a hash of the prompt's JSON (model,
    system prompt, messages; options such as temperature change no count)."""
    prompt = {
        "model": request.model,
        "system": request.system,
        "messages": [[m.role.value, m.content] for m in request.messages],
    }
    data = json.dumps(prompt, ensure_ascii=False).encode("utf-8", "surrogatepass")
    return model, hashlib.blake2b(data, digest_size=16).hexdigest()


class CountCache:
    """The servers' counts of the newest requests, by `request_key` (least recently used
    dropped first)."""

    def __init__(self, size: int = CACHED_COUNTS) -> None:
        self.size = size
        self._counts: OrderedDict[tuple[ModelRef, str], int] = OrderedDict()

    def get(self, key: tuple[ModelRef, str]) -> int | None:
        count = self._counts.get(key)
        if count is not None:
            self._counts.move_to_end(key)
        return count

    def put(self, key: tuple[ModelRef, str], count: int) -> None:
        self._counts[key] = count
        self._counts.move_to_end(key)
        while len(self._counts) > self.size:
            self._counts.popitem(last=False)


async def exact_prompt_tokens(
    pool: ProviderPool, model: ModelRef, request: ChatRequest, cache: CountCache | None = None
) -> int | None:
    """The prompt tokens of `request` as `model`'s server counts them; None where it can't
    (or its provider can't be made). Counted once per request while `cache` keeps it."""
    count, _fresh = await counted(pool, model, request, cache)
    return count


async def counted(
    pool: ProviderPool, model: ModelRef, request: ChatRequest, cache: CountCache | None
) -> tuple[int | None, bool]:
    """`exact_prompt_tokens`, and whether the server counted it just now (not the cache). The
    hashing (of a long conversation) runs in a worker thread, the count within the provider's
    timeout."""
    key = await asyncio.to_thread(request_key, model, request)
    if cache is not None and (known := cache.get(key)) is not None:
        return known, False
    try:
        provider = pool.get(model.provider)
    except ChatError:
        return None, False
    count = await provider.count_tokens(request)
    if count is not None and cache is not None:
        cache.put(key, count)
    return count, count is not None
