"""Incremental Markdown for streamed replies: finished blocks render once per width, only the tail re-renders."""

from __future__ import annotations

import io
from dataclasses import dataclass

from markdown_it import MarkdownIt
from rich.console import Console, RenderableType
from rich.markdown import Markdown
from rich.segment import Segment
from rich.style import Style
from rich.text import Text

from chatui.core.text import inert

Line = list[Segment]
"""One rendered row: Rich segments exactly `width` cells wide (padded)."""

CODE_THEME = "monokai"
_WIDTHS_KEPT = 3  # finished-block renders are cached for this many recent widths

_console: Console | None = None
_splitter: MarkdownIt | None = None


def shared_console() -> Console:
    """A private Rich console used only to turn renderables into segments (never printed)."""
    global _console
    if _console is None:
        _console = Console(
            file=io.StringIO(),
            width=80,
            color_system="truecolor",
            force_terminal=True,
            legacy_windows=False,
            markup=False,
            emoji=False,
            highlight=False,
        )
    return _console


def _block_splitter() -> MarkdownIt:
    """markdown-it with Rich's extensions, running only the block rules (no inline parsing)."""
    global _splitter
    if _splitter is None:
        parser = MarkdownIt().enable("strikethrough").enable("table")
        _splitter = parser.disable(["inline", "text_join"])
    return _splitter


def render_to_lines(renderable: RenderableType, width: int, console: Console | None = None) -> list[Line]:
    """`renderable` rendered at `width` into padded rows of segments."""
    console = console or shared_console()
    options = console.options.update_width(max(1, width)).update(height=None)
    return console.render_lines(renderable, options, pad=True)


def render_plain(text: str, width: int, style: Style | str = "") -> list[Line]:
    """Untrusted `text` shown as-is (no markup, no Markdown), controls made visible, wrapped."""
    return render_to_lines(Text(inert(text), style=style, end=""), width)


def markdown_renderable(source: str, code_theme: str = CODE_THEME) -> Markdown:
    """Rich Markdown for already-inert `source`; links are shown as text, never as OSC 8."""
    return Markdown(source, code_theme=code_theme, hyperlinks=False)


def top_level_blocks(source: str) -> list[tuple[int, str]]:
    """(start offset, token type) of each top-level Markdown block in `source`."""
    line_starts = [0]
    find = source.find
    index = find("\n")
    while index != -1:
        line_starts.append(index + 1)
        index = find("\n", index + 1)
    blocks: list[tuple[int, str]] = []
    for token in _block_splitter().parse(source):
        if token.level == 0 and token.nesting >= 0 and token.map is not None:
            blocks.append((line_starts[token.map[0]], token.type))
    return blocks


@dataclass(eq=False)
class _Block:
    """A finished top-level block: its source never changes."""

    source: str
    kind: str  # markdown-it token type of its top-level token, e.g. "paragraph_open", "hr"


class StreamingMarkdown:
    """Markdown text that grows by `append`; renders finished blocks once per width."""

    def __init__(self, text: str = "", *, code_theme: str = CODE_THEME) -> None:
        self._code_theme = code_theme
        self._blocks: list[_Block] = []
        self._tail = ""  # the open block(s): text after the last finished block
        self._tail_kind: str | None = None  # type of the tail's block, None if it has none
        self._pending: list[str] = []  # inert text appended since the tail was last parsed
        self._carry_cr = False  # a trailing "\r" waits to see whether "\n" follows
        self._final = False
        self._finished: dict[int, tuple[int, list[Line]]] = {}  # width -> (blocks done, lines)
        self._tail_version = 0  # bumped whenever the tail's text changes
        self._tail_lines: tuple[int, int, list[Line]] | None = None  # (width, version, lines)
        self.block_renders = 0
        """How many times a finished block was rendered (once per block per width)."""
        self.tail_renders = 0
        """How many times the open tail was rendered (once per change per width)."""
        if text:
            self.append(text)

    @property
    def text(self) -> str:
        """Everything appended so far, made inert."""
        pending = "".join(self._pending) + ("\r" if self._carry_cr else "")
        return "".join(block.source for block in self._blocks) + self._tail + pending

    @property
    def is_final(self) -> bool:
        """Whether `finish()` was called."""
        return self._final

    @property
    def finished_blocks(self) -> int:
        """Number of blocks that will never be re-parsed or re-rendered at a known width."""
        return len(self._blocks)

    def append(self, text: str) -> None:
        """Add streamed text. Cheap: parsing waits until lines are asked for."""
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
        """Mark the text complete: the tail becomes a finished block."""
        if self._final:
            return
        if self._carry_cr:
            self._pending.append(inert("\r"))
            self._carry_cr = False
        self._advance()
        if self._tail_kind is not None:
            self._blocks.append(_Block(self._tail, self._tail_kind))
            self._tail = ""
            self._tail_kind = None
            self._tail_lines = None
        self._final = True

    def _advance(self) -> None:
        """Parse the tail after new text; every block but the last one in it is finished."""
        if not self._pending:
            return
        tail = self._tail + "".join(self._pending)
        self._pending.clear()
        blocks = top_level_blocks(tail)
        if len(blocks) >= 2:
            start = 0
            for (_, kind), (end, _) in zip(blocks, blocks[1:], strict=False):
                self._blocks.append(_Block(tail[start:end], kind))
                start = end
            tail = tail[start:]
        self._tail = tail
        self._tail_kind = blocks[-1][1] if blocks else None
        self._tail_version += 1

    def _render(self, source: str, width: int) -> list[Line]:
        return render_to_lines(markdown_renderable(source, self._code_theme), width)

    def _finished_lines(self, width: int) -> list[Line]:
        done, lines = self._finished.get(width, (0, []))
        if done < len(self._blocks):
            for index in range(done, len(self._blocks)):
                if index and self._blocks[index - 1].kind != "hr":
                    lines.append(_blank(width))  # the blank row Rich puts between blocks
                lines.extend(self._render(self._blocks[index].source, width))
                self.block_renders += 1
            self._finished.pop(width, None)
            self._finished[width] = (len(self._blocks), lines)
            while len(self._finished) > _WIDTHS_KEPT:
                del self._finished[next(iter(self._finished))]
        return lines

    def render_lines(self, width: int) -> list[Line]:
        """All rows at `width`: cached finished blocks, then the tail, re-rendered if it changed."""
        self._advance()
        lines = list(self._finished_lines(width))
        if self._tail_kind is None:
            return lines
        cached = self._tail_lines
        if cached is None or cached[0] != width or cached[1] != self._tail_version:
            cached = (width, self._tail_version, self._render(self._tail, width))
            self._tail_lines = cached
            self.tail_renders += 1
        if self._blocks and self._blocks[-1].kind != "hr":
            lines.append(_blank(width))
        lines.extend(cached[2])
        return lines


def _blank(width: int) -> Line:
    return [Segment(" " * width)]
