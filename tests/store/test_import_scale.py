"""Large imports: conversations parsed one at a time, and a progress line on stderr (issue 22)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from chatui.cli.progress import ProgressLine
from chatui.core import BadExport
from chatui.exchange import importers
from chatui.exchange.importers import detect, parse_export, read_export
from chatui.exchange.json_items import ObjectItems, object_spans

EXPORTS = Path(__file__).parent / "exports"


@pytest.mark.parametrize(
    ("raw", "objects"),
    [
        (b"[]", []),
        (b' [ {"a": 1} ,\n{"b": [1, {"c": "}]\\"{"}]} ]\n', [{"a": 1}, {"b": [1, {"c": '}]"{'}]}]),
        (b'[{"a": "\\\\"}]', [{"a": "\\"}]),
        (b'[{"a": 1},]', None),  # not JSON: parsed whole, which says so
        (b'[{"a": 1}{"b": 2}]', None),
        (b'[{"a": 1}, "text"]', None),  # not only objects
        (b'[1, {"a": 1}]', None),
        (b'{"a": 1}', None),
        (b'[{"a": 1}] trailing', None),
        (b'[{"a": "unterminated}]', None),
    ],
)
def test_object_spans_find_each_object_or_give_up(raw: bytes, objects: list[object] | None) -> None:
    spans = object_spans(raw)
    assert (None if spans is None else [json.loads(raw[a:b]) for a, b in spans]) == objects


@pytest.mark.parametrize("name", ["chatgpt-2025-conversations.json", "claude-conversations.json"])
def test_large_exports_read_one_conversation_at_a_time_alike(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = (EXPORTS / name).read_bytes()
    whole = read_export(raw, name)
    monkeypatch.setattr(importers, "STREAM_FROM", 0)
    lazy = read_export(raw, name)
    assert isinstance(lazy, ObjectItems) and list(lazy) == whole
    kind = detect(lazy, name)
    assert kind == detect(whole, name)
    one, other = parse_export(whole, kind), parse_export(lazy, kind)
    assert (one.problems, one.empty) == (other.problems, other.empty)

    def shapes(parsed: importers.ParsedExport) -> list[list[tuple[object, ...]]]:
        return [
            [(m.id, m.parent_id, m.role, m.content, m.reasoning, m.created_at) for m in t.messages]
            for t in parsed.transcripts
        ]

    assert shapes(one) == shapes(other)


def test_a_bad_conversation_in_a_large_export_is_a_bad_export(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(importers, "STREAM_FROM", 0)
    data = read_export(b'[{"mapping": {}}, {"mapping": tru}]', "big.json")
    with pytest.raises(BadExport, match=r"big.json is not a JSON export: conversation 2: "):
        parse_export(data, "chatgpt")


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_is_quiet_when_quick_and_plain_in_a_log() -> None:
    clock, log = Clock(), io.StringIO()
    progress = ProgressLine(log, clock)
    report = progress.step("reading")
    report(0, 900)
    clock.now += 0.5
    report(300, 900)
    assert log.getvalue() == ""  # under a second: nothing
    for done in range(300, 901, 100):
        clock.now += 2.0
        report(done, 900)
    progress.finish()
    assert log.getvalue().splitlines() == [
        "chatui: reading conversations 300/900",
        "chatui: reading conversations 600/900",
        "chatui: reading conversations 900/900",
    ]


def test_progress_is_redrawn_in_place_on_a_terminal_and_erased() -> None:
    clock, screen = Clock(), Terminal()
    progress = ProgressLine(screen, clock)
    clock.now += 1.5
    progress.update("storing", 1, 3)
    progress.update("storing", 2, 3)  # too soon after the last: not drawn
    progress.update("storing", 3, 3)  # the last always is
    progress.finish()
    drawn = ["\rchatui: storing conversations 1/3", "\rchatui: storing conversations 3/3", "\r"]
    assert screen.getvalue() == "\x1b[K".join(drawn) + "\x1b[K"
