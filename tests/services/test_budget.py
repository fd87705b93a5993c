"""The next request against a model's window: exact from the last reply's usage, estimated for
what came after; the reply's room; the newest turns that fit."""

from __future__ import annotations

from chatui.core import Capabilities, GenerationOptions, MessageStatus, ModelRef, Role, Usage
from chatui.services.context.budget import (
    MESSAGE_OVERHEAD,
    PRIMING,
    Budget,
    TurnCounts,
    measure,
    reply_reserve,
)
from chatui.services.context.plan import window_start
from chatui.services.session.turns import Turn

MODEL = ModelRef("llama", "smollm2")
OTHER = ModelRef("oai", "gpt-4o")
WINDOW = Capabilities(context=2048)


def chars(text: str) -> int:
    """A stand-in estimator: one token a character (what is counted is what matters here)."""
    return len(text)


def conversation(pairs: int, size: int = 100) -> list[Turn]:
    turns = []
    for _ in range(pairs):
        turns.append(Turn(Role.USER, "q" * size))
        turns.append(Turn(Role.ASSISTANT, "a" * size, provider="oai", model="gpt-4o"))
    return turns


def test_the_reply_keeps_a_quarter_of_a_small_window_at_most() -> None:
    options = GenerationOptions(max_tokens=4096)
    assert reply_reserve(options, Capabilities(context=2048)) == 512
    assert reply_reserve(options, Capabilities(context=128_000)) == 4096
    assert reply_reserve(options, Capabilities(context=128_000, max_output=1000)) == 1000
    assert reply_reserve(options, Capabilities()) == 4096  # unknown window: as asked


def test_without_a_reply_of_this_model_everything_is_estimated() -> None:
    turns = conversation(2)
    budget = measure(turns, "sys", MODEL, WINDOW, GenerationOptions(), TurnCounts(chars), "hi")
    expected = PRIMING + (3 + MESSAGE_OVERHEAD) + 4 * (100 + MESSAGE_OVERHEAD)
    assert budget.used == expected + 2 + MESSAGE_OVERHEAD and budget.estimated
    assert budget.window == 2048 and budget.reserve == 512 and budget.limit == 1536


def test_the_last_reply_of_this_model_counts_what_came_before_exactly() -> None:
    turns = conversation(3)
    reply = turns[3]
    reply.provider, reply.model, reply.usage = "llama", "smollm2", Usage(700, 90)
    counts = TurnCounts(chars)
    budget = measure(turns, "", MODEL, WINDOW, GenerationOptions(), counts)
    assert budget.used == 790 + 2 * (100 + MESSAGE_OVERHEAD) and budget.estimated
    exact = measure(turns[:4], "", MODEL, WINDOW, GenerationOptions(), counts)
    assert (exact.used, exact.estimated) == (790, False)
    assert measure(turns[:4], "", OTHER, WINDOW, GenerationOptions(), counts).estimated


def test_a_failed_reply_is_neither_an_anchor_nor_sent() -> None:
    turns = conversation(1)
    turns[1].provider, turns[1].model, turns[1].usage = "llama", "smollm2", Usage(50, 5)
    turns[1].status = MessageStatus.ERROR
    budget = measure(turns, "", MODEL, WINDOW, GenerationOptions(), TurnCounts(chars))
    assert budget.used == PRIMING + 100 + MESSAGE_OVERHEAD


def test_fits_warning_and_share() -> None:
    assert Budget(1000, 2048, 512, True).fits and not Budget(1000, 2048, 512, True).warning
    assert Budget(1300, 2048, 512, True).warning and Budget(1300, 2048, 512, True).fits
    assert Budget(1700, 2048, 512, True).warning and not Budget(1700, 2048, 512, True).fits
    assert Budget(1700, 2048, 100, True).warning and Budget(1700, 2048, 100, True).fits
    unknown = Budget(10**9, None, 4096, True)
    assert unknown.fits and unknown.share is None and not unknown.warning
    assert Budget(300_000, 400_000, 4096, True, max_input=272_000).limit == 272_000


def test_a_turn_is_counted_once_until_its_text_grows() -> None:
    calls: list[str] = []

    def counting(text: str) -> int:
        calls.append(text)
        return len(text)

    counts = TurnCounts(counting)
    turn = Turn(Role.ASSISTANT, "abc")
    assert counts.of(turn) == counts.of(turn) == 3 + MESSAGE_OVERHEAD
    turn.content += "def"  # a streaming reply
    assert counts.of(turn) == 6 + MESSAGE_OVERHEAD and calls == ["abc", "abcdef"]


def test_the_window_is_the_newest_turns_that_fit_from_a_question() -> None:
    turns = conversation(10)  # 20 turns of 104 tokens each
    counts = TurnCounts(chars)
    draft = PRIMING + 5 + MESSAGE_OVERHEAD
    start = window_start(turns, "", 4 * 104 + draft, counts, "draft")
    assert start == 16 and turns[start].role is Role.USER
    # a limit that would cut a question from its answer starts at the next question
    assert window_start(turns, "", 3 * 104 + draft, counts, "draft") == 18
    assert window_start(turns, "", draft - 1, counts, "draft") is None
    assert window_start(turns, "", draft, counts, "draft") == 20  # the draft alone
    assert window_start(turns[:-1], "", 10_000, counts) == 0  # asking again: all fits
    assert window_start(turns[:-1], "", PRIMING + 50, counts) is None  # not the question


def test_the_window_counts_through_the_scale_the_budget_uses() -> None:
    """A model whose estimates its calibration doubles: half as many turns fit."""
    turns = conversation(10)  # 20 turns of 104 tokens each
    counts = TurnCounts(chars)
    draft = PRIMING + 5 + MESSAGE_OVERHEAD
    limit = 2 * (4 * 104 + draft)
    assert window_start(turns, "", limit, counts, "draft") == 12
    assert window_start(turns, "", limit, counts, "draft", scale=lambda tokens: 2 * tokens) == 16


def test_the_sum_of_the_same_turns_is_kept_and_follows_a_growing_reply() -> None:
    calls: list[str] = []

    def counting(text: str) -> int:
        calls.append(text)
        return len(text)

    counts, turns = TurnCounts(counting), conversation(3)
    assert counts.total(turns) == 6 * (100 + MESSAGE_OVERHEAD) and len(calls) == 6
    assert counts.total(turns) == 6 * (100 + MESSAGE_OVERHEAD) and len(calls) == 6
    turns.append(Turn(Role.ASSISTANT, "", provider="oai", model="gpt-4o"))
    turns[-1].content = "grown"  # a reply streaming in
    assert counts.total(turns) == 6 * (100 + MESSAGE_OVERHEAD) + 5 + MESSAGE_OVERHEAD
    turns[-1].status = MessageStatus.ERROR  # failed: no longer sent
    assert counts.total(turns) == 6 * (100 + MESSAGE_OVERHEAD)


def test_a_reply_sent_the_newest_turns_counts_only_those_exactly() -> None:
    turns = conversation(4)  # 8 turns of 104 tokens
    reply = turns[-1]
    reply.provider, reply.model, reply.usage = "llama", "smollm2", Usage(300, 50)
    reply.window = turns[4]  # it was sent turns 4.. only
    counts = TurnCounts(chars)
    whole = measure(turns, "", MODEL, WINDOW, GenerationOptions(), counts)
    assert whole.used == 4 * (100 + MESSAGE_OVERHEAD) + 350 and whole.estimated
    window = measure(turns[4:], "", MODEL, WINDOW, GenerationOptions(), counts)
    assert (window.used, window.estimated) == (350, False)
    later = measure(turns[6:], "", MODEL, WINDOW, GenerationOptions(), counts)
    assert later.used == PRIMING + 2 * (100 + MESSAGE_OVERHEAD)  # its start is not there
