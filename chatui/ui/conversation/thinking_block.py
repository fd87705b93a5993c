"""A reply's collapsible reasoning (thinking) block: one summary row, or that row and the text."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text

from chatui.ui.conversation.plain_text import Line, StreamingPlain, render_to_lines


class ThinkingBlock(StreamingPlain):
    """Reasoning text that grows; shown closed as "▸ Thinking · 1,234 chars" ("Thinking…"
    while it streams), open as "▾ Thinking" and the text: plain, never Markdown nor markup."""

    def __init__(self) -> None:
        super().__init__()
        self._summary: tuple[tuple[int, str, Style], Line] | None = None

    def summary(self, width: int, style: Style, *, opened: bool, live: bool) -> Line:
        """The first row; the same object while it reads the same, so its strip is reused."""
        more = "…" if live else ""
        label = f"▾ Thinking{more}" if opened else f"▸ Thinking{more} · {self.chars:,} chars"
        key = (width, label, style)
        if self._summary is None or self._summary[0] != key:
            text = Text(label, style=style, no_wrap=True, overflow="ellipsis", end="")
            self._summary = (key, render_to_lines(text, width)[0])
        return self._summary[1]

    def rows(self, width: int, style: Style, *, opened: bool, live: bool) -> list[Line]:
        """The summary row, then (open) the text wrapped at `width`: complete lines are cached,
        so a closed block costs one row and an open one what the answer's text would."""
        first = self.summary(width, style, opened=opened, live=live)
        return [first, *self.render_lines(width, style)] if opened else [first]
