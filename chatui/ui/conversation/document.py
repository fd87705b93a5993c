"""A finished reply's Markdown (one loaded from the history), laid out a section at a time."""

from __future__ import annotations

import re

from chatui.core.text import inert
from chatui.ui.conversation.markdown_blocks import CODE_THEME, Line, StreamingMarkdown
from chatui.ui.conversation.plain_text import estimate_rows, render_plain

SECTION_CHARS = 12_000  # a reply longer than this is cut into sections of about this size
_WIDTHS_KEPT = 2  # rendered sections are cached for this many recent widths
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
# A line that may continue a list, a quote or a table across a blank line: never cut before it.
_CONTINUES = re.compile(r"[ \t]|[-*+>|]|\d{1,9}[.)]")


def sections(text: str, size: int = SECTION_CHARS) -> list[str]:
    """`text` cut at blank lines into pieces of about `size` characters, only where a new
    top-level block starts (outside code fences, not inside a list, quote or table), so that
    each piece renders alone as it would within the whole."""
    if len(text) <= size:
        return [text]
    pieces: list[str] = []
    start = position = 0
    fence: str | None = None  # the open fence's marker
    blank = False
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        if fence is not None:
            if stripped.startswith(fence) and not stripped.strip(fence[0]):
                fence = None
        elif (match := _FENCE.match(line)) is not None:
            if blank and position - start >= size:
                pieces.append(text[start:position])
                start = position
            fence = match.group(1)
        elif blank and stripped and position - start >= size and not _CONTINUES.match(line):
            pieces.append(text[start:position])
            start = position
        blank = fence is None and not stripped
        position += len(line)
    pieces.append(text[start:])
    return pieces


class MarkdownDocument:
    """Finished Markdown text cut into sections (`sections`) that are parsed and rendered
    only when asked for: opening a long conversation, or a reply of a megabyte, costs what
    the rows on screen cost."""

    def __init__(self, text: str, *, code_theme: str = CODE_THEME) -> None:
        self._source = text
        self._text: str | None = None
        self._code_theme = code_theme
        self._sections: list[str] | None = None
        self._rendered: dict[int, dict[int, list[Line]]] = {}  # width -> section -> rows

    @property
    def text(self) -> str:
        """The text, made inert (on first use)."""
        if self._text is None:
            self._text = inert(self._source)
        return self._text

    @property
    def sections(self) -> list[str]:
        """The source of each section, in order (cut on first use)."""
        if self._sections is None:
            cut = sections(self._source)
            self._sections = [self.text] if len(cut) == 1 else [inert(piece) for piece in cut]
        return self._sections

    @property
    def section_count(self) -> int:
        """How many sections there are (a short text is one, known without cutting it)."""
        return 1 if len(self._source) <= SECTION_CHARS else len(self.sections)

    def estimate(self, index: int, width: int) -> int:
        """About how many rows section `index` takes at `width`."""
        cut = self._sections
        source = cut[index] if cut is not None else self._source
        return estimate_rows(source, width) + 1

    def render_section(self, index: int, width: int) -> list[Line]:
        """Section `index` at `width`; a blank row before it separates it from the one above."""
        by_section = self._rendered.pop(width, {})
        self._rendered[width] = by_section  # most recently used last
        while len(self._rendered) > _WIDTHS_KEPT:
            del self._rendered[next(iter(self._rendered))]
        rows = by_section.get(index)
        if rows is None:
            body = StreamingMarkdown(code_theme=self._code_theme)
            body.append(self.sections[index].strip("\n"))
            body.finish()
            rows = body.render_lines(width)
            if index:
                rows = render_plain("", width) + rows
            by_section[index] = rows
        return rows

    def render_lines(self, width: int) -> list[Line]:
        """Every row at `width` (all sections: costs what the whole text costs)."""
        count = len(self.sections)
        return [row for index in range(count) for row in self.render_section(index, width)]
