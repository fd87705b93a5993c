"""How entries are styled from CSS: text styles without their backgrounds, and the selected
message on a tinted background under text that stays readable."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from rich.color import Color
from rich.segment import Segment
from rich.style import Style
from rich.terminal_theme import TerminalTheme

from chatui.ui.conversation.entries import EntryStyles
from chatui.ui.conversation.plain_text import Line

READABLE = 4.5  # WCAG AA contrast for body text
STYLED = ("user", "assistant", "model", "status", "reasoning", "error", "warning", "info")
PARTS = (*STYLED, "highlight")  # the view's component classes: conversation-view--user, ...

VIEW_CSS = """
ConversationView {
    overflow-x: hidden;
    overflow-y: scroll;
    background: $surface;
    & > .conversation-view--user { color: $accent; text-style: bold; }
    & > .conversation-view--assistant { color: $primary; text-style: bold; }
    & > .conversation-view--model { color: $text-muted; }
    & > .conversation-view--status { color: $warning; text-style: italic; }
    & > .conversation-view--reasoning { color: $text-muted; text-style: italic dim; }
    & > .conversation-view--error { color: $error; }
    & > .conversation-view--warning { color: $warning; }
    & > .conversation-view--info { color: $text-muted; }
    & > .conversation-view--highlight { background: $primary 15%; }
    &:ansi > .conversation-view--highlight { background: ansi_bright_black; }
}
"""


@lru_cache(maxsize=256)
def luminance(color: Color, terminal: TerminalTheme, foreground: bool) -> float:
    """WCAG relative luminance; ANSI and default colours as `terminal` shows them."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(v) for v in color.get_truecolor(terminal, foreground))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(text: Color, background: Color, terminal: TerminalTheme) -> float:
    """WCAG contrast ratio, from 1 (none) to 21 (black on white)."""
    low, high = sorted((luminance(text, terminal, True), luminance(background, terminal, False)))
    return (high + 0.05) / (low + 0.05)


BLACK, WHITE = Color.from_rgb(0, 0, 0), Color.from_rgb(255, 255, 255)


class SelectionLook:
    """Paints rows of the selected message on `background`. Text whose colour would be hard to
    read there (a heading in the theme's primary colour, say) takes the view's `foreground`, or
    black or white if that is hard to read too (Solarized); text on a background of its own
    (code blocks) keeps it."""

    def __init__(self, background: Color, foreground: Color, terminal: TerminalTheme) -> None:
        self.background = Style(bgcolor=background)
        self._readable: dict[Color, bool] = {}
        self._terminal = terminal
        if not self._is_readable(foreground):
            foreground = max(BLACK, WHITE, key=lambda c: contrast(c, background, terminal))
        self.plain = Style(color=foreground, bgcolor=background)

    def paint(self, line: Line) -> Line:
        return [self._segment(segment) for segment in line]

    def _segment(self, segment: Segment) -> Segment:
        text, style, control = segment
        if style is not None and style.bgcolor is not None:
            return segment
        color = style.color if style is not None else None
        if color is None or not self._is_readable(color):
            return Segment(text, (style or Style()) + self.plain, control)
        return Segment(text, style + self.background if style else self.background, control)

    def _is_readable(self, color: Color) -> bool:
        readable = self._readable.get(color)
        if readable is None:
            background = self.background.bgcolor
            assert background is not None
            readable = contrast(color, background, self._terminal) >= READABLE
            self._readable[color] = readable
        return readable


def text_only(full: Style) -> Style:
    """A component class's text style without its background. (`partial=True` would drop a
    translucent colour such as $text-muted to plain white; this one is blended.)"""
    return Style(
        color=full.color, bold=full.bold, italic=full.italic, underline=full.underline,
        strike=full.strike, reverse=full.reverse,
    )  # fmt: skip


def entry_styles(component_style: Callable[[str], Style]) -> EntryStyles:
    """The entries' styles: the text styles of the view's component classes."""
    parts = {part: text_only(component_style(f"conversation-view--{part}")) for part in STYLED}
    return EntryStyles(**parts)
