"""How a stream's SSE bytes are framed and cut, as servers differ: line ends, comment lines,
`data:` over several lines, `id:`/`retry:` fields, an unended last event, the chunk sizes."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from dataclasses import dataclass

COMMENT = b": OPENROUTER PROCESSING"


@dataclass(frozen=True)
class Framing:
    """A rewrite of the emitter's plain framing (`event:`/`data:` lines, LF, a blank line after
    each event) into a server's own, and the sizes of the chunks it goes out in."""

    newline: bytes = b"\n"  # or b"\r\n", b"\r"
    comments: bool = False  # a comment line before each event and one inside it
    split_data: bool = False  # each JSON payload indented over several `data:` lines
    fields: bool = False  # `id:` and `retry:` lines in each event
    unended: bool = False  # no blank line, not even a line end, after the last event
    chunks: tuple[int, ...] = ()  # sizes of the chunks sent, cycled; () is one chunk

    def apply(self, body: bytes) -> bytes:
        events = [self._event(block, n) for n, block in enumerate(body.split(b"\n\n")) if block]
        out = (self.newline * 2).join(events)
        return out if self.unended else out + self.newline * 2

    def cut(self, stream: bytes) -> Iterator[bytes]:
        """The emitter's `stream` reframed, in the chunks to send."""
        body = self.apply(stream)
        if not self.chunks:
            yield body
            return
        start = 0
        for size in itertools.cycle(self.chunks):
            if start >= len(body):
                return
            yield body[start : start + size]
            start += size

    def _event(self, block: bytes, number: int) -> bytes:
        lines: list[bytes] = []
        for line in block.split(b"\n"):
            lines += self._data_lines(line) if line.startswith(b"data: ") else [line]
        if self.comments:
            lines = [COMMENT, lines[0], COMMENT, *lines[1:]]  # between events, and inside one
        if self.fields:
            lines += [b"id: %d" % number, b"retry: 3000"]
        return self.newline.join(lines)

    def _data_lines(self, line: bytes) -> list[bytes]:
        payload = line.removeprefix(b"data: ")
        if not self.split_data or not payload.startswith(b"{"):
            return [line]
        indented = json.dumps(json.loads(payload), indent=1, ensure_ascii=False)
        return [b"data: " + part.encode() for part in indented.split("\n")]
