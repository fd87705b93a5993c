"""Sortable unique ids: 26-char Crockford base32 (48-bit ms time + 80 random bits), monotonic."""

from __future__ import annotations

import hashlib
import os
import threading
import time

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
ID_LENGTH = 26
_RANDOM_BITS = 80
_RANDOM_MAX = (1 << _RANDOM_BITS) - 1

_lock = threading.Lock()
_last_ms = -1
_last_random = 0


def _encode(value: int, length: int) -> str:
    chars = []
    for _ in range(length):
        value, digit = divmod(value, 32)
        chars.append(ALPHABET[digit])
    return "".join(reversed(chars))


def new_id() -> str:
    """A new id, greater than every id this process made before (even within one millisecond)."""
    global _last_ms, _last_random
    with _lock:
        now_ms = time.time_ns() // 1_000_000
        if now_ms <= _last_ms:
            # Same millisecond (or the clock stepped back): keep the time, bump the random part.
            now_ms = _last_ms
            random_part = _last_random + 1
            if random_part > _RANDOM_MAX:  # 2**80 ids in one ms: borrow the next millisecond
                now_ms += 1
                random_part = int.from_bytes(os.urandom(10), "big") >> 1
        else:
            # Keep one spare bit so increments within a millisecond never overflow in practice.
            random_part = int.from_bytes(os.urandom(10), "big") >> 1
        _last_ms, _last_random = now_ms, random_part
        return _encode(now_ms, 10) + _encode(random_part, 16)


def id_at(timestamp: float) -> str:
    """A new id that sorts (and reads back with `id_time`) at `timestamp`, e.g. an imported
    conversation's original start; unique by its 80 random bits, not monotonic."""
    ms = min(max(int(timestamp * 1000), 0), (1 << 50) - 1)
    return _encode(ms, 10) + _encode(int.from_bytes(os.urandom(10), "big"), 16)


def id_for(timestamp: float, key: str) -> str:
    """The id of the thing `key` names (e.g. a message of an export), sorting at `timestamp`:
    the same for the same key and time, so that importing it again finds it."""
    ms = min(max(int(timestamp * 1000), 0), (1 << 50) - 1)
    digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).digest()
    return _encode(ms, 10) + _encode(int.from_bytes(digest[:10], "big"), 16)


def id_time(value: str) -> float:
    """The creation time (unix seconds) encoded in an id's first 10 characters."""
    ms = 0
    for char in value[:10].upper():
        ms = ms * 32 + ALPHABET.index(char)
    return ms / 1000.0


def normalize_prefix(prefix: str) -> str:
    """An id prefix as typed by a person, upper-cased, with Crockford's look-alikes mapped."""
    return prefix.strip().upper().translate(str.maketrans("ILO", "110"))


def is_valid_prefix(prefix: str) -> bool:
    """True when `prefix` (already normalized) could start an id."""
    return 0 < len(prefix) <= ID_LENGTH and all(char in ALPHABET for char in prefix)
