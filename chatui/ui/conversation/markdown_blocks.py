"""Streamed Markdown rendering: finished blocks render once per width, the open tail on change."""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cache
from itertools import accumulate
from typing import TYPE_CHECKING

from rich.segment import Segment
from rich.text import Text

from chatui.core.text import inert
from chatui.ui.conversation.plain_text import (
    Line as Line,  # (re-exported: plain rendering moved there)
)
from chatui.ui.conversation.plain_text import StreamingPlain as StreamingPlain
from chatui.ui.conversation.plain_text import render_plain as render_plain
from chatui.ui.conversation.plain_text import render_to_lines as render_to_lines

if TYPE_CHECKING:  # imported on first use: keeps ~40 ms of imports off the app's start
    from markdown_it import MarkdownIt
    from rich.markdown import Markdown

    from chatui.ui.conversation.fence import OpenFence

CODE_THEME = "monokai"
_WIDTHS_KEPT = 2  # finished-block renders are cached for this many recent widths


@cache
def _block_splitter() -> MarkdownIt:
    """markdown-it with Rich's extensions, running only the block rules (no inline parsing)."""
    from markdown_it import MarkdownIt

    return MarkdownIt().enable("strikethrough").enable("table").disable(["inline", "text_join"])


def warm_rendering() -> None:
    """Import the Markdown and highlighting machinery ahead of the first reply (in a thread)."""
    from rich.syntax import Syntax

    import chatui.ui.conversation.fence  # noqa: F401

    _block_splitter()
    markdown_renderable("")
    _ = Syntax("", "python").lexer


def markdown_renderable(source: str, code_theme: str = CODE_THEME) -> Markdown | Text:
    """Rich Markdown for already-inert `source`; links are shown as text, never as OSC 8.

    Blocks nested deeper than markdown-it follows (it drops everything past that depth) are
    shown as plain text instead, so no text goes missing."""
    from rich.markdown import Markdown

    parser = _block_splitter()
    if any(token.level >= parser.options.maxNesting - 1 for token in parser.parse(source)):
        return Text(source, end="")
    return Markdown(source, code_theme=code_theme, hyperlinks=False)


_CONTAINERS = frozenset({"bullet_list_open", "ordered_list_open", "table_open", "blockquote_open"})


@dataclass(frozen=True)
class BlockStart:
    """Where a top-level block starts in its source, and how Rich spaces it."""

    offset: int
    line: int
    kind: str  # markdown-it token type of the block's top-level token, e.g. "fence", "hr"
    spaced: bool  # Rich puts a blank row before it even when rendered alone (containers)
    info: str = ""  # a fence's info string ("python")
    content: str = ""  # a fence's code


def top_level_blocks(source: str) -> list[BlockStart]:
    """The top-level Markdown blocks of `source`, in order."""
    line_starts = [0, *accumulate(len(line) + 1 for line in source.split("\n"))]
    tokens = _block_splitter().parse(source)
    blocks: list[BlockStart] = []
    for position, token in enumerate(tokens):
        if token.level == 0 and token.nesting >= 0 and token.map is not None:
            # Rich emits its blank row before a block when the element that closed last
            # asked for one; inside a container, its children always do.
            has_children = position + 1 < len(tokens) and tokens[position + 1].level > 0
            spaced = token.type in _CONTAINERS and has_children
            first = token.map[0]
            start = BlockStart(line_starts[first], first, token.type, spaced)
            if token.type == "fence":
                start = replace(start, info=token.info, content=token.content)
            blocks.append(start)
    return blocks


@dataclass(frozen=True)
class _Block:
    """A finished top-level block: its source never changes."""

    source: str
    start: BlockStart
    fence: OpenFence | None = None  # a code fence that was rendered piece by piece while open
    rows: tuple[int, list[Line]] | None = None  # (width, rows) rendered while it was open


class StreamingMarkdown:
    """Markdown text that grows by `append`; renders finished blocks once per width."""

    def __init__(self, text: str = "", *, code_theme: str = CODE_THEME) -> None:
        self._code_theme = code_theme
        self._blocks: list[_Block] = []
        self._tail = ""  # the open blocks: text after the last finished block
        self._tail_starts: list[BlockStart] = []  # blocks in the tail (offsets within it)
        self._tail_version = 0  # bumped whenever the tail's text changes
        self._pending: list[str] = []  # inert text appended since the tail was last parsed
        self._carry_cr = False  # a trailing "\r" waits to see whether "\n" follows
        self._final = False
        self._finished: dict[int, tuple[int, list[Line]]] = {}  # width -> (blocks done, rows)
        self._tail_rows: tuple[int, int, list[Line]] | None = None  # (width, version, rows)
        self._head_rows: tuple[int, str, list[Line]] | None = None  # first open block's render
        self._open_fence: OpenFence | None = None  # the first open block, if a code fence
        if text:
            self.append(text)

    @property
    def text(self) -> str:
        """Everything appended so far, made inert."""
        pending = "".join(self._pending) + ("\r" if self._carry_cr else "")
        return "".join(block.source for block in self._blocks) + self._tail + pending

    @property
    def finished_blocks(self) -> int:
        """Number of blocks that are never parsed again nor re-rendered at a known width."""
        return len(self._blocks)

    def append(self, text: str) -> None:
        """Add streamed text. Cheap: parsing waits until rows are asked for."""
        if self._final:
            raise RuntimeError("append() after finish()")
        if self._carry_cr:
            text = "\r" + text
            self._carry_cr = False
        if text.endswith("\r"):
            text = text[:-1]
            self._carry_cr = True
        if text:
            self._pending.append(inert(text))

    def finish(self) -> None:
        """Mark the text complete: every block in the tail is finished."""
        if self._final:
            return
        if self._carry_cr:
            self._pending.append(inert("\r"))
            self._carry_cr = False
        self._advance(final=True)
        self._final = True

    def _advance(self, final: bool = False) -> None:
        """Parse the tail after new text; every block but the last one in it is finished."""
        if not self._pending and not final:
            return
        tail = self._tail + "".join(self._pending)
        self._pending.clear()
        starts = top_level_blocks(tail)
        # A block is finished once the next one starts on a complete line that is followed by
        # another complete line: a partial line can still turn out to continue the block (as
        # "1" may grow into "10. item"), and a table's header needs its delimiter row.
        complete_lines = tail.count("\n")
        begin = 0
        while len(starts) > 1 and (final or starts[1].line + 1 < complete_lines):
            self._commit(tail[begin : starts[1].offset], starts.pop(0))
            begin = starts[0].offset
        if final and starts:
            self._commit(tail[begin:], starts.pop())
            begin = len(tail)
        self._tail = tail[begin:]
        self._tail_starts = [replace(start, offset=start.offset - begin) for start in starts]
        self._tail_version += 1

    def _commit(self, source: str, start: BlockStart) -> None:
        """Add a finished block, keeping what was rendered of it while it was open."""
        fence, rows, head = self._open_fence, None, self._head_rows
        self._open_fence, self._head_rows = None, None
        if start.kind == "fence":
            # Its open rendering is kept only if the pieces are coloured as the whole would be.
            if fence is None or fence.info != start.info or not fence.same_as_whole(start.content):
                fence = None
        elif head is not None and head[1] == source.rstrip():
            fence, rows = None, (head[0], head[2])
        else:
            fence = None
        self._blocks.append(_Block(source, start, fence, rows))

    def _needs_gap(self, start: BlockStart, previous: BlockStart | None) -> bool:
        """Whether a blank row goes between `previous` and `start` (Rich's spacing)."""
        return previous is not None and not start.spaced and previous.kind != "hr"

    def _render(self, source: str, width: int) -> list[Line]:
        return render_to_lines(markdown_renderable(source, self._code_theme), width)

    def _render_head(self, source: str, start: BlockStart, width: int) -> list[Line]:
        """The first open block's rows; an open code fence re-renders only its last piece."""
        key = source.rstrip()
        if self._head_rows is not None and self._head_rows[:2] == (width, key):
            return self._head_rows[2]
        if start.kind == "fence":
            if self._open_fence is None or self._open_fence.info != start.info:
                from chatui.ui.conversation.fence import OpenFence

                self._open_fence = OpenFence(start.info, self._code_theme, render_to_lines)
            rows = self._open_fence.render_lines(start.content, width)
        else:
            rows = self._render(source, width)
        self._head_rows = (width, key, rows)
        return rows

    def _render_tail(self, width: int) -> list[Line]:
        starts, tail = self._tail_starts, self._tail
        if len(starts) == 1:
            return self._render_head(tail, starts[0], width)
        rows = [*self._render_head(tail[: starts[1].offset], starts[0], width)]
        if self._needs_gap(starts[1], starts[0]):
            rows.append(_blank(width))
        return rows + self._render(tail[starts[1].offset :], width)

    def _finished_lines(self, width: int) -> list[Line]:
        done, lines = self._finished.pop(width, (0, []))
        for index in range(done, len(self._blocks)):
            block = self._blocks[index]
            if self._needs_gap(block.start, self._blocks[index - 1].start if index else None):
                lines.append(_blank(width))
            if block.rows is not None and block.rows[0] == width:
                lines.extend(block.rows[1])
                continue
            if block.fence is not None:
                lines.extend(block.fence.render_lines(block.start.content, width))
            else:
                lines.extend(self._render(block.source, width))
        self._finished[width] = (len(self._blocks), lines)  # most recently used last
        while len(self._finished) > _WIDTHS_KEPT:
            del self._finished[next(iter(self._finished))]
        return lines

    def render_lines(self, width: int) -> list[Line]:
        """All rows at `width`: cached finished blocks, then the tail, re-rendered if it changed."""
        self._advance()
        lines = list(self._finished_lines(width))
        if not self._tail_starts:
            return lines
        cached = self._tail_rows
        if cached is None or cached[:2] != (width, self._tail_version):
            cached = (width, self._tail_version, self._render_tail(width))
            self._tail_rows = cached
        previous = self._blocks[-1].start if self._blocks else None
        if self._needs_gap(self._tail_starts[0], previous):
            lines.append(_blank(width))
        lines.extend(cached[2])
        return lines


def _blank(width: int) -> Line:
    return [Segment(" " * width)]
