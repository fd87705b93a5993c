"""A code fence still being streamed, highlighted piece by piece so only its last piece re-renders."""

from __future__ import annotations

from collections.abc import Callable

from rich.console import RenderableType
from rich.segment import Segment
from rich.syntax import Syntax

Line = list[Segment]
Render = Callable[[RenderableType, int], list[Line]]

PIECE_LINES = 12  # a finished piece has at least this many code lines...
MAX_PIECE_LINES = 48  # ...and ends at the first safe-looking line after this many


def _starts_statement(line: str) -> bool:
    """A non-blank line at column 0: a good place for the lexer to start afresh."""
    return bool(line) and not line[0].isspace()


class OpenFence:
    """The open fence's code split into finished pieces (rendered once) and an open last piece.

    Rich renders a fence as one `Syntax` (1-cell padding, word wrap); rendering it in pieces
    gives the same rows as long as the lexer is in its initial state where a piece starts. A
    piece therefore starts at a top-level line right after a blank line (or, in long runs
    without one, at any top-level line) that the lexer reads the same in context as alone, so
    that a cut inside a multi-line string or comment is avoided. Should a lexer still differ,
    the closed fence is rendered whole, as Rich does, and the colours settle then.
    """

    def __init__(self, info: str, code_theme: str, render: Render) -> None:
        self.info = info
        self._render = render
        self._lexer = info.partition(" ")[0] or "text"
        self._theme = code_theme
        self._pieces: list[str] = []
        self._sealed_lines = 0  # code lines in finished pieces
        self._checked = 0  # lines up to here were considered as piece starts
        self._pygments = Syntax("", self._lexer).lexer  # None for unknown languages
        self._rows: tuple[int, int, list[Line]] = (0, 0, [])  # width, pieces rendered, rows
        self.piece_renders = 0
        """How many times any piece was rendered (finished pieces once per width)."""

    def _syntax(self, code: str, top: bool, bottom: bool) -> Syntax:
        padding = (int(top), 1, int(bottom), 1)
        return Syntax(code, self._lexer, theme=self._theme, word_wrap=True, padding=padding)

    def _lexes_afresh(self, before: list[str], line: str) -> bool:
        """Whether `line` gets the same tokens after `before` as on its own."""
        lexer = self._pygments
        if lexer is None:
            return True
        alone = list(lexer.get_tokens(line))
        in_context = list(lexer.get_tokens("\n".join([*before, line])))
        return in_context[-len(alone) :] == alone

    def _seal(self, lines: list[str]) -> None:
        """Turn complete runs of lines into finished pieces (never the partial last line)."""
        start = self._sealed_lines
        for cut in range(max(start + PIECE_LINES, self._checked), len(lines) - 1):
            self._checked = cut + 1
            if cut - start < PIECE_LINES or not _starts_statement(lines[cut]):
                continue
            if lines[cut - 1].strip() != "" and cut - start < MAX_PIECE_LINES:
                continue
            if self._lexes_afresh(lines[start:cut], lines[cut]):
                self._pieces.append("\n".join(lines[start:cut]))
                start = cut
        self._sealed_lines = start

    def render_lines(self, content: str, width: int) -> list[Line]:
        """Rows for the fence holding `content` (it only ever grows) at `width`."""
        lines = content.split("\n")
        self._seal(lines)
        cached_width, done, rows = self._rows
        if cached_width != width:
            done, rows = 0, []
        for index in range(done, len(self._pieces)):
            rows.extend(self._render(self._syntax(self._pieces[index], index == 0, False), width))
            self.piece_renders += 1
        self._rows = (width, len(self._pieces), rows)
        rest = "\n".join(lines[self._sealed_lines :]).rstrip()
        last = self._render(self._syntax(rest, not self._pieces, True), width)
        self.piece_renders += 1
        return [*rows, *last]
