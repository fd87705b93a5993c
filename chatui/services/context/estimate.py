"""Token estimates without a tokenizer: text cut the way BPE pre-tokenizers cut it, weighted per
tokenizer family; a per-model calibration learned from real counts, and a safety margin."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

# The classes of text a pre-tokenizer splits on, counted on the UTF-8 bytes in C-speed passes
# (bytes.translate and bytes.count: no per-character Python, no regular expression): ASCII letter
# runs (a single space before one joins it) and their letters, digit runs and their digits, ASCII
# punctuation, newlines, pairs of spaces (indents, alignment), and the non-ASCII characters by
# their UTF-8 lead byte: Han (and fullwidth forms), kana (and CJK punctuation), Hangul, two-byte
# characters, and the bytes of any other.
_LETTERS = bytes(range(ord("A"), ord("Z") + 1)) + bytes(range(ord("a"), ord("z") + 1))
_DIGITS = b"0123456789"
_PUNCT = bytes(b for b in range(0x21, 0x7F) if b not in _LETTERS + _DIGITS)
_HAN_LEADS = bytes([0xE4, 0xE5, 0xE6, 0xE7, 0xE8, 0xE9, 0xEF])  # U+4000-9FFF, U+F000-FFFF
_KANA_LEADS = bytes([0xE3])  # U+3000-3FFF
_HANGUL_LEADS = bytes([0xEA, 0xEB, 0xEC, 0xED])  # U+A000-DFFF (Hangul from U+AC00)
_TWO_BYTE_LEADS = bytes(range(0xC2, 0xE0))  # U+0080-07FF
_NON_ASCII = bytes(range(0x80, 0x100))


def _marking(members: bytes) -> bytes:
    """A translation table: the bytes of `members` become "x", any other byte "o"."""
    return bytes(ord("x") if b in members else ord("o") for b in range(256))


# a run starts where an "o" is followed by an "x" (the text framed by an "o")
_LETTER_RUNS, _DIGIT_RUNS = _marking(_LETTERS), _marking(_DIGITS)


def _count(data: bytes, which: bytes) -> int:
    """How many bytes of `data` are among `which`."""
    return len(data) - len(data.translate(None, which))


FEATURES: tuple[str, ...] = (
    "word",
    "letter",
    "digit_run",
    "digit",
    "punct",
    "newline",
    "double_space",
    "han",
)
FEATURES += ("kana", "hangul", "two_byte", "other_byte")


@dataclass(frozen=True)
class Profile:
    """Tokens per unit of each class of text for one tokenizer family, and the chat template's
    cost: `per_message` for each message (role and markers), `priming` once per request."""

    name: str
    word: float  # an ASCII letter run
    letter: float  # each letter of such a run
    digit_run: float
    digit: float
    punct: float  # an ASCII punctuation character
    newline: float
    double_space: float  # two spaces (of an indent or alignment)
    han: float  # a Han character or CJK punctuation
    kana: float
    hangul: float  # a Hangul syllable or jamo
    two_byte: float  # a character of 2 UTF-8 bytes: Latin accents, Greek, Cyrillic, Arabic, ...
    other_byte: float  # a UTF-8 byte of any other non-ASCII character
    per_message: int = 4
    priming: int = 3


# Fitted (least squares on relative error, weights >= 0) against real tokenizers on
# benchmarks/corpus; benchmarks/token_estimate.py prints the figures: o200k on OpenAI's
# o200k_base and Llama 3's tokenizer; qwen on qwen3's (a token per digit); cl100k on cl100k_base;
# small on SmolLM2's (49k vocabulary). No Claude tokenizer is available offline: `claude` is
# cl100k's weights raised 10%, an assumption on the safe side, corrected per model by Calibration.
PROFILES: dict[str, Profile] = {
    profile.name: profile
    for profile in (
        Profile("o200k", 0.6, 0.145, 0.5, 0.85, 0.46, 0.22, 0.22, 0.77, 0.71, 0.81, 0.35, 0.29),
        Profile("qwen", 0.6, 0.145, 0.03, 1.53, 0.45, 0.15, 0.21, 0.63, 0.63, 0.92, 0.39, 0.5),
        Profile("cl100k", 0.61, 0.14, 0.53, 0.84, 0.44, 0.22, 0.22, 1.04, 1.01, 1.24, 0.53, 0.54),
        Profile("small", 0.51, 0.157, 1.84, 0.71, 0.56, 1.23, 0.0, 1.67, 1.81, 2.81, 0.9, 0.8),
    )
}
PROFILES["claude"] = replace(
    PROFILES["cl100k"],
    name="claude",
    **{name: getattr(PROFILES["cl100k"], name) * 1.1 for name in FEATURES},
)
DEFAULT_PROFILE = PROFILES["o200k"]
SMALL_VOCABULARY = 64_000
_CL100K_MODELS = re.compile(r"^(?:gpt-3\.5|gpt-4(?![o.\d])|text-embedding-3|davinci-002)")
_SMALL_MODELS = re.compile(r"smollm|gpt-?2|tinyllama|phi-?2", re.IGNORECASE)


def profile_for(provider_kind: str, model: str, vocab_size: int | None = None) -> Profile:
    """The profile of the tokenizer `model` most likely uses: a vocabulary under 64k (where the
    server says its size) or a known small model -> small; Anthropic's models -> claude; OpenAI's
    pre-4o models -> cl100k; Qwen -> qwen; anything else (4o and later, Llama 3, ...) -> o200k."""
    name = model.lower()
    if (vocab_size is not None and 0 < vocab_size < SMALL_VOCABULARY) or _SMALL_MODELS.search(name):
        return PROFILES["small"]
    if provider_kind == "anthropic" or name.startswith("claude"):
        return PROFILES["claude"]
    if _CL100K_MODELS.search(name.rsplit("/", 1)[-1]):
        return PROFILES["cl100k"]
    if "qwen" in name:
        return PROFILES["qwen"]
    return DEFAULT_PROFILE


def features(text: str) -> tuple[int, ...]:
    """How much of each class `text` holds, in Profile's weight order (word .. other_byte)."""
    data = text.encode("utf-8", "surrogatepass")
    counts = (
        (b"o" + data.translate(_LETTER_RUNS)).count(b"ox"),
        _count(data, _LETTERS),
        (b"o" + data.translate(_DIGIT_RUNS)).count(b"ox"),
        _count(data, _DIGITS),
        _count(data, _PUNCT),
        data.count(b"\n"),
        data.count(b"  "),
    )
    if data.isascii():
        return (*counts, 0, 0, 0, 0, 0)
    han, kana = _count(data, _HAN_LEADS), _count(data, _KANA_LEADS)
    hangul, two_byte = _count(data, _HANGUL_LEADS), _count(data, _TWO_BYTE_LEADS)
    # the rest of the non-ASCII bytes count apart (3 of each of those, 2 of a two-byte one)
    other = _count(data, _NON_ASCII) - 3 * (han + kana + hangul) - 2 * two_byte
    return (*counts, han, kana, hangul, two_byte, other)


def weights(profile: Profile) -> tuple[float, ...]:
    """The profile's weights in the order of `features`."""
    return tuple(getattr(profile, name) for name in FEATURES)


def text_tokens(text: str, profile: Profile) -> int:
    """The estimated tokens of `text` alone; O(len(text)), never lower for longer text."""
    if not text:
        return 0
    total = sum(n * w for n, w in zip(features(text), weights(profile), strict=True))
    return math.ceil(total)


def request_tokens(system: str, messages: Sequence[tuple[str, str]], profile: Profile) -> int:
    """The estimated prompt tokens of a request: the system prompt and each (role, content)
    message with the template's per-message cost, plus the reply's priming."""
    total = profile.priming
    if system:
        total += profile.per_message + text_tokens(system, profile)
    for _role, content in messages:
        total += profile.per_message + text_tokens(content, profile)
    return total


SAFETY_MARGIN = 0.05
RATIO_BOUNDS = (0.7, 2.0)


def with_margin(estimate: int) -> int:
    """`estimate` plus the safety margin (5%, rounded up): never below `estimate`."""
    return max(estimate, math.ceil(estimate * (1 + SAFETY_MARGIN)))


@dataclass
class Calibration:
    """One model's ratio of real prompt tokens to the estimate of the request that was sent: an
    exponential moving average, clamped to [0.7, 2.0]; the first real count is taken as it is."""

    ratio: float = 1.0
    samples: int = 0
    weight: float = 0.3  # of each new observation

    def update(self, real: int, estimated: int) -> None:
        """Learn from a reply: the server's prompt tokens against our estimate of that prompt."""
        if real <= 0 or estimated <= 0:
            return
        observed = real / estimated
        if self.samples:
            observed = self.ratio + self.weight * (observed - self.ratio)
        low, high = RATIO_BOUNDS
        self.ratio = min(high, max(low, observed))
        self.samples += 1

    def apply(self, estimate: int) -> int:
        """An estimated part corrected by the ratio, with the safety margin on top."""
        return with_margin(math.ceil(estimate * self.ratio))
