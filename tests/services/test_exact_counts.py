"""Exact counts near the window's limit: an estimate within 15% of the limit (either side) is
counted by the server (the wire server's llama-server persona: a token a word plus the
template's), once per request; the count corrects the budget and the model's calibration."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from chatui.config import Config
from chatui.core import (
    Capabilities,
    ChatMessage,
    ChatRequest,
    ContextOverflow,
    GenerationOptions,
    ModelRef,
    Role,
)
from chatui.services.context.budget import Budget
from chatui.services.context.exact import (
    CountCache,
    exact_prompt_tokens,
    near_limit,
    request_key,
)
from chatui.services.context.fitting import Conversation, Fitting
from chatui.services.pool import ProviderPool
from chatui.services.session.turns import Turn
from tests.providers.conftest import KEY_ENV, provider_config
from tests.wireserver import WireServer
from tests.wireserver import counting as c
from tests.wireserver import personas as p

MODEL = ModelRef("test-chat", "test-model")
WINDOW = 2048  # the reply keeps a quarter: the prompt's limit is 1,536
NEAR = 640  # words of a question and of its reply that are estimated near that limit


def test_near_means_within_15_percent_of_the_limit_on_either_side() -> None:
    limit = WINDOW - 512
    assert near_limit(Budget(1306, WINDOW, 512, True))  # 15% under
    assert not near_limit(Budget(1305, WINDOW, 512, True))
    assert near_limit(Budget(1766, WINDOW, 512, True)) and limit < 1766  # 15% over
    assert not near_limit(Budget(1767, WINDOW, 512, True))
    assert not near_limit(Budget(1500, WINDOW, 512, False))  # counted already
    assert not near_limit(Budget(1500, None, 512, True))  # no limit to be near


def test_a_request_is_keyed_by_its_prompt_not_its_options() -> None:
    asked = ChatRequest("m", (ChatMessage(Role.USER, "hi"),), "sys")
    hotter = ChatRequest("m", asked.messages, "sys", GenerationOptions(temperature=1.5))
    assert request_key(MODEL, asked) == request_key(MODEL, hotter)
    assert request_key(MODEL, asked) != request_key(ModelRef("other", "m"), asked)
    other_role = ChatRequest("m", (ChatMessage(Role.ASSISTANT, "hi"),), "sys")
    assert request_key(MODEL, asked) != request_key(MODEL, other_role)
    assert request_key(MODEL, asked) != request_key(MODEL, ChatRequest("m", asked.messages, ""))


def test_the_cache_drops_the_least_recently_used() -> None:
    cache = CountCache(size=2)
    a, b, d = ((MODEL, key) for key in "abd")
    cache.put(a, 1)
    cache.put(b, 2)
    assert cache.get(a) == 1  # a is the newest now
    cache.put(d, 3)
    assert (cache.get(a), cache.get(b), cache.get(d)) == (1, None, 3)


@pytest.fixture
def server() -> Iterator[WireServer]:
    with WireServer(persona=p.LLAMA_SERVER, models=["test-model"]) as server:
        yield server


@pytest.fixture
async def pool(
    tmp_path: Path, server: WireServer, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[ProviderPool]:
    monkeypatch.setenv(KEY_ENV, "test-key-123")
    config = provider_config(server, "chat")
    pool = ProviderPool(Config(tmp_path / "config.toml", {config.name: config}))
    pool.heard(config.name, {MODEL.model: Capabilities(context=WINDOW)})
    yield pool
    await pool.aclose()


def counts(server: WireServer) -> int:
    return sum(r.path == c.CHAT_COUNT for r in server.requests)


def chat(words: int) -> Conversation:
    """A question and its reply of `words` words each."""
    turns = [Turn(Role.USER, "word " * words), Turn(Role.ASSISTANT, "word " * words)]
    return Conversation(turns, "", MODEL, GenerationOptions())


async def test_exact_prompt_tokens_counts_a_request_once(
    pool: ProviderPool, server: WireServer
) -> None:
    asked = ChatRequest("test-model", (ChatMessage(Role.USER, "one two three"),))
    cache = CountCache()
    assert await exact_prompt_tokens(pool, MODEL, asked, cache) == 3 + c.TEMPLATE_TOKENS
    assert await exact_prompt_tokens(pool, MODEL, asked, cache) == 3 + c.TEMPLATE_TOKENS
    assert counts(server) == 1
    assert await exact_prompt_tokens(pool, MODEL, asked) == 3 + c.TEMPLATE_TOKENS  # no cache
    assert counts(server) == 2
    assert await exact_prompt_tokens(pool, ModelRef("nowhere", "m"), asked, cache) is None


async def test_an_estimate_near_the_limit_is_counted_and_calibrates(
    pool: ProviderPool, server: WireServer
) -> None:
    fitting = Fitting(pool)
    conversation = chat(NEAR)
    estimate = fitting.budget(conversation, "one more")
    assert near_limit(estimate) and estimate.estimated
    exact = await fitting.counted_budget(conversation, "one more")
    assert exact == Budget(2 * NEAR + 2 + c.TEMPLATE_TOKENS, WINDOW, 512, False)
    assert exact.used < estimate.used  # a word is a token here: the estimate was over
    calibration = fitting.calibration(MODEL)
    assert calibration.samples == 1 and calibration.ratio < 1
    later = fitting.budget(conversation, "one more")
    assert abs(later.used - exact.used) < abs(estimate.used - exact.used)  # estimates improved
    again = await fitting.counted_budget(conversation, "one more")
    assert again == exact and counts(server) == 1  # from the cache: not counted, not learned
    assert calibration.samples == 1
    body = next(r.body for r in server.requests if r.path == c.CHAT_COUNT)
    assert body is not None and body["messages"][-1] == {"role": "user", "content": "one more"}


async def test_a_rejection_that_names_the_prompt_size_shrinks_what_is_sent(
    pool: ProviderPool, server: WireServer
) -> None:
    """The server said the request was twice what chatui estimated: the newest turns that
    fit are counted with what it taught, so sending them again is not rejected again."""
    fitting = Fitting(pool)
    turns = [*chat(300).turns, *chat(300).turns, *chat(300).turns]
    conversation = Conversation(turns, "", MODEL, GenerationOptions())
    before = fitting.newest_that_fit(conversation, "and?")
    told = 2 * fitting.budget(conversation).used
    fitting.learn(conversation, 0, ContextOverflow("too long", prompt_tokens=told, window=WINDOW))
    after = fitting.newest_that_fit(conversation, "and?")
    assert before is not None and after is not None
    assert before < after < len(turns), (before, after)


async def test_an_estimate_far_from_the_limit_is_not_counted(
    pool: ProviderPool, server: WireServer
) -> None:
    fitting = Fitting(pool)
    for words in (100, 2000):  # well under, well over
        budget = fitting.budget(chat(words))
        assert not near_limit(budget)
        assert await fitting.corrected(chat(words), budget) is budget
    assert counts(server) == 0 and fitting.calibration(MODEL).samples == 0


async def test_the_newest_turns_sent_are_what_is_counted(
    pool: ProviderPool, server: WireServer
) -> None:
    fitting = Fitting(pool)
    conversation = Conversation(
        [*chat(2000).turns, *chat(NEAR).turns], "be brief", MODEL, GenerationOptions()
    )
    budget = fitting.budget(conversation, start=2)
    assert near_limit(budget)
    exact = await fitting.corrected(conversation, budget, start=2)
    assert exact.used == 2 * NEAR + 2 + c.TEMPLATE_TOKENS and not exact.estimated


async def test_a_server_that_cannot_count_leaves_the_estimate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(KEY_ENV, "test-key-123")
    with WireServer(models=["test-model"]) as plain:  # OpenAI-compatible: no count route
        config = provider_config(plain, "chat")
        pool = ProviderPool(Config(tmp_path / "config.toml", {config.name: config}))
        pool.heard(config.name, {MODEL.model: Capabilities(context=WINDOW)})
        try:
            budget = Fitting(pool).budget(chat(NEAR))
            assert near_limit(budget)
            assert await Fitting(pool).corrected(chat(NEAR), budget) is budget
        finally:
            await pool.aclose()
