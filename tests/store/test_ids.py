"""Sortable ids: format, ordering, embedded time, prefix normalisation."""

from __future__ import annotations

import time

from chatui.store.ids import ALPHABET, id_time, is_valid_prefix, new_id, normalize_prefix


def test_ids_are_26_crockford_chars() -> None:
    value = new_id()
    assert len(value) == 26
    assert set(value) <= set(ALPHABET)


def test_ids_are_monotonic_and_unique_within_one_millisecond() -> None:
    ids = [new_id() for _ in range(5000)]
    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids)


def test_id_encodes_creation_time() -> None:
    before = time.time()
    value = new_id()
    assert before - 0.002 <= id_time(value) <= time.time() + 0.002


def test_prefix_normalisation() -> None:
    assert normalize_prefix(" 01hxo ") == "01HX0"
    assert normalize_prefix("il") == "11"
    assert is_valid_prefix("01HX")
    assert not is_valid_prefix("")
    assert not is_valid_prefix("01U")  # U is not in Crockford's alphabet
    assert not is_valid_prefix("0" * 27)
