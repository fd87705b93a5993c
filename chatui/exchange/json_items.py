"""A large JSON array of objects read one object at a time, so a 100 MB export fits in memory."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from typing import Any, Final, overload

from chatui.core import BadExport

#: Anything up to the next bracket outside a JSON string, and that bracket: what decides where
#: an object ends. The alternatives start differently, so matching never backtracks far.
_UP_TO_BRACKET: Final = re.compile(rb'(?:[^"\[\]{}]++|"[^"\\]*+(?:\\.[^"\\]*+)*+")*+([\[\]{}])')
_SPACE: Final = b" \t\r\n"


def object_spans(raw: bytes) -> list[tuple[int, int]] | None:
    """Where each object of `raw` starts and ends, if `raw` is a JSON array of objects only;
    None otherwise (another document, or one this scan cannot vouch for: parse it whole)."""
    start = len(raw) - len(raw.lstrip(_SPACE))
    if raw[start : start + 1] != b"[":
        return None
    spans: list[tuple[int, int]] = []
    depth, opened, after = 0, 0, start + 1  # `after`: where the text between objects begins
    position = start
    while (token := _UP_TO_BRACKET.match(raw, position)) is not None:
        position = token.end()
        char = token[1]
        if char in b"[{":
            if depth == 1:
                between = raw[after : token.start(1)].strip(_SPACE)
                if char != b"{" or between != (b"," if spans else b""):
                    return None
                opened = token.start(1)
            depth += 1
        elif char in b"]}":
            depth -= 1
            if depth == 1:
                spans.append((opened, token.end()))
                after = token.end()
            elif depth == 0:
                between = raw[after : token.start(1)].strip(_SPACE)
                rest = raw[token.end() :].strip(_SPACE)
                return spans if between == b"" and rest == b"" else None
    return None


class ObjectItems(Sequence[Any]):
    """The objects of a JSON array, each parsed when it is read (BadExport if it is invalid)."""

    def __init__(self, raw: bytes, spans: list[tuple[int, int]], source: str) -> None:
        self.raw, self.spans, self.source = raw, spans, source

    def __len__(self) -> int:
        return len(self.spans)

    @overload
    def __getitem__(self, index: int) -> Any: ...
    @overload
    def __getitem__(self, index: slice) -> list[Any]: ...
    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        start, end = self.spans[index]
        try:
            return json.loads(self.raw[start:end])
        except (ValueError, RecursionError) as exc:  # JSONDecodeError and UnicodeDecodeError
            where = f"conversation {index + 1 if index >= 0 else len(self) + index + 1}"
            raise BadExport(f"{self.source} is not a JSON export: {where}: {exc}") from exc

    def __iter__(self) -> Iterator[Any]:
        for index in range(len(self.spans)):
            yield self[index]
