"""Rows of segments from renderables and from untrusted plain text, wrapped at a width."""

from __future__ import annotations

import io
from functools import cache

from rich.cells import cell_len
from rich.console import Console, RenderableType
from rich.segment import Segment
from rich.style import Style
from rich.text import Text

from chatui.core.text import inert

Line = list[Segment]
"""One rendered row: Rich segments exactly `width` cells wide (padded)."""


@cache
def shared_console() -> Console:
    """A private Rich console used only to turn renderables into segments (never printed)."""
    return Console(
        file=io.StringIO(), width=80, color_system="truecolor", force_terminal=True,
        legacy_windows=False, markup=False, emoji=False, highlight=False,
    )  # fmt: skip


#: Rich's Markdown styles with their colours taken out, for NO_COLOR: emphasis stays readable.
NO_COLOR_STYLES = {
    "markdown.h1": "bold underline",
    "markdown.h2": "bold underline",
    "markdown.h3": "bold",
    "markdown.h4": "bold italic",
    "markdown.code": "bold",
    "markdown.link": "underline",
    "markdown.link_url": "underline",
    "markdown.block_quote": "italic",
    "markdown.table.header": "bold",
    "markdown.item.number": "bold",
}


_colors = {"enabled": True}


def use_colors(enabled: bool) -> None:
    """Render Markdown emphasis with or without colours from now on (NO_COLOR)."""
    from rich.theme import Theme

    if enabled != _colors["enabled"]:
        if enabled:
            shared_console().pop_theme()
        else:
            shared_console().push_theme(Theme(NO_COLOR_STYLES))
        _colors["enabled"] = enabled


def render_to_lines(renderable: RenderableType, width: int) -> list[Line]:
    """`renderable` rendered at `width` into padded rows of segments."""
    console = shared_console()
    options = console.options.update_width(max(1, width)).update(height=None)
    return console.render_lines(renderable, options, pad=True)


def render_plain(text: str, width: int, style: Style | str = "") -> list[Line]:
    """Untrusted `text` shown as-is (no markup, no Markdown), controls made visible, wrapped.

    Lines that fit are laid out here, the same as Rich would: its wrapping costs ~0.2 ms a
    line, five seconds for a pasted 1 MB log."""
    safe = inert(text)
    if not safe or "\t" in safe:
        return render_to_lines(Text(safe, style=style, end=""), width)
    lines = safe.split("\n")
    if len(lines) > 1 and not lines[-1]:
        lines.pop()
    styled = (Style.parse(style) if isinstance(style, str) else style) or None
    rows: list[Line] = []
    for line in lines:
        cells = cell_len(line)
        if cells > width or line[-1:].isspace():
            rows.extend(render_to_lines(Text(line, style=style, end=""), width))
            continue
        row = [Segment(line, styled)] if line else []
        rows.append([*row, Segment(" " * (width - cells))] if cells < width else row)
    return rows


class StreamingPlain:
    """Plain text that grows: complete lines are wrapped once per width, the last one per change."""

    def __init__(self) -> None:
        self._done: list[str] = []  # complete lines (raw)
        self._partial = ""  # raw text after the last newline
        self._rows: tuple[int, Style, int, list[Line]] = (0, Style(), 0, [])  # width, style, n
        self.chars = 0
        """How many characters were appended (kept as they come: `text` joins them all)."""

    @property
    def text(self) -> str:
        """Everything appended so far (raw; made inert only when rendered)."""
        return "".join(line + "\n" for line in self._done) + self._partial

    def append(self, text: str) -> None:
        """Add text; complete lines are split off and never re-wrapped at this width."""
        self.chars += len(text)
        lines = (self._partial + text).replace("\r\n", "\n").split("\n")
        self._partial = lines.pop()
        self._done.extend(lines)

    def render_lines(self, width: int, style: Style) -> list[Line]:
        """Rows for all lines at `width`, each line wrapped on its own."""
        cached_width, cached_style, done, rows = self._rows
        if (cached_width, cached_style) != (width, style):
            done, rows = 0, []
        for line in self._done[done:]:
            rows.extend(render_plain(line, width, style))
        self._rows = (width, style, len(self._done), rows)
        return [*rows, *(render_plain(self._partial, width, style) if self._partial else [])]


def estimate_rows(text: str, width: int) -> int:
    """About how many rows `text` takes at `width` (its lines, and one more per `width`
    characters: counted in C, so that estimating 10,000 messages costs a few milliseconds)."""
    return text.count("\n") + 1 + len(text) // max(1, width) if text else 0
