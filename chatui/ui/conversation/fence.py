"""A code fence being streamed, highlighted piece by piece so only its last piece re-renders."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from rich.console import RenderableType
from rich.segment import Segment
from rich.syntax import Syntax

Line = list[Segment]
Render = Callable[[RenderableType, int], list[Line]]
Tokens = list[tuple[object, str]]

PIECE_LINES = 4  # a finished piece has at least this many code lines
CHECKED_LINES = 2000  # longer fences are not lexed again as a whole when they close


def _merged(tokens: Iterable[tuple[object, str]]) -> Tokens:
    """Tokens with neighbours of the same type joined, so that lexings can be compared."""
    merged: Tokens = []
    for kind, value in tokens:
        if merged and merged[-1][0] == kind:
            merged[-1] = (kind, merged[-1][1] + value)
        elif value:
            merged.append((kind, value))
    return merged


class OpenFence:
    """The open fence's code split into finished pieces (rendered once) and an open last piece.

    Rich renders a fence as one `Syntax` (1-cell padding, word wrap); rendering it in pieces
    gives the same rows as long as the lexer is in its initial state where a piece starts. A
    piece starts only at a non-blank line that lexes the same after the lines before it as on
    its own, which keeps cuts out of multi-line strings and comments; `same_as_whole` checks
    the result once the fence is closed.
    """

    def __init__(self, info: str, code_theme: str, render: Render) -> None:
        self.info = info
        self._render = render
        name = info.partition(" ")[0] or "text"
        self._theme = code_theme
        self._name = name
        self._pygments = Syntax("", name).lexer  # None for a language pygments doesn't know
        self._pieces: list[str] = []
        self._sealed_lines = 0  # code lines in finished pieces
        self._checked = 0  # lines before this one were considered as piece starts
        self._rows: tuple[int, int, list[Line]] = (0, 0, [])  # width, pieces rendered, rows

    def _syntax(self, code: str, top: bool, bottom: bool) -> Syntax:
        padding = (int(top), 1, int(bottom), 1)
        lexer = self._pygments or self._name  # passing the lexer saves a look-up per render
        return Syntax(code, lexer, theme=self._theme, word_wrap=True, padding=padding)

    def _tokens(self, code: str) -> Tokens:
        lexer = self._pygments
        return [] if lexer is None else _merged(lexer.get_tokens(code))

    def _lexes_afresh(self, before: list[str], line: str) -> bool:
        """Whether `line` gets the same tokens after `before` as on its own."""
        alone = self._tokens(line)
        in_context = self._tokens("\n".join([*before, line]))
        return in_context[-len(alone) :] == alone if alone else True

    def _seal(self, lines: list[str]) -> None:
        """Turn complete runs of lines into finished pieces (never the partial last line)."""
        start = self._sealed_lines
        for cut in range(max(start + PIECE_LINES, self._checked), len(lines) - 1):
            self._checked = cut + 1
            # A blank first line could be stripped from the open piece, unlike from the whole.
            if cut - start < PIECE_LINES or not lines[cut].strip():
                continue
            if self._lexes_afresh(lines[start:cut], lines[cut]):
                self._pieces.append("\n".join(lines[start:cut]))
                start = cut
        self._sealed_lines = start

    def _rest(self, lines: list[str]) -> str:
        return "\n".join(lines[self._sealed_lines :]).rstrip()

    def same_as_whole(self, content: str) -> bool:
        """Whether the pieces are coloured exactly as the whole `content` would be.

        Past CHECKED_LINES the pieces are trusted (they were cut only where the lexer starts
        afresh): the check lexes everything twice on the UI thread, ~3 s for 10,000 lines."""
        if self._pygments is None or not self._pieces or content.count("\n") > CHECKED_LINES:
            return True
        lines = content.split("\n")
        self._seal(lines)
        pieces = [*self._pieces, self._rest(lines)]
        apart = _merged(token for piece in pieces for token in self._tokens(piece))
        return apart == self._tokens(content.rstrip())

    def render_lines(self, content: str, width: int) -> list[Line]:
        """Rows for the fence holding `content` (it only ever grows) at `width`."""
        lines = content.split("\n")
        self._seal(lines)
        cached_width, done, rows = self._rows
        if cached_width != width:
            done, rows = 0, []
        for index in range(done, len(self._pieces)):
            rows.extend(self._render(self._syntax(self._pieces[index], index == 0, False), width))
        self._rows = (width, len(self._pieces), rows)
        last = self._render(self._syntax(self._rest(lines), not self._pieces, True), width)
        return [*rows, *last]
