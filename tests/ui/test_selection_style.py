"""The selected message (alt+up) is a visible, readable highlight in every theme and NO_COLOR."""

from __future__ import annotations

from collections import Counter

import pytest
from rich.color import Color as RichColor
from rich.segment import Segment
from rich.terminal_theme import TerminalTheme
from textual.color import Color
from textual.theme import BUILTIN_THEMES

from chatui.ui.app import ChatApp
from chatui.ui.conversation.selection import READABLE, contrast
from tests.pilot import chat, press, settle
from tests.transcripts import streaming_chat
from tests.ui.conftest import AppFactory

Rows = list[list[Segment]]


def legibility(segment: Segment, terminal: TerminalTheme) -> float:
    style = segment.style
    assert style is not None and style.color and style.bgcolor
    return contrast(style.color, style.bgcolor, terminal)


def painted(app: ChatApp) -> dict[int, Rows]:
    """The view's visible rows as the terminal gets them (after NO_COLOR's filter), by entry."""
    view = chat(app).view
    background = Color.from_rich_color(view.rich_style.bgcolor)
    found: dict[int, Rows] = {}
    for y in range(view.size.height):
        index = view.entry_at(y)
        strip = view.render_line(y)
        for line_filter in app.get_line_filters():
            strip = strip.apply_filter(line_filter, background)
        if index is not None:
            found.setdefault(index, []).append(list(strip))
    return found


def fill(rows: Rows) -> RichColor | None:
    """The background of most cells of `rows` (code blocks keep their own)."""
    cells = Counter(s.style.bgcolor for row in rows for s in row if s.style for _ in s.text)
    return cells.most_common(1)[0][0]


def unreadable(before: Rows, after: Rows, terminal: TerminalTheme) -> list[str]:
    """Text on the selection's background below READABLE contrast; text on a background of its
    own (a code block) must look as it did."""
    highlight = fill(after)
    return [
        f"{new.text!r}: {legibility(old, terminal):.2f} -> {legibility(new, terminal):.2f}"
        for old_row, new_row in zip(before, after, strict=True)
        for old, new in zip(old_row, new_row, strict=True)
        if new.text.strip()
        and new.style
        and (
            legibility(new, terminal) < READABLE
            if new.style.bgcolor == highlight
            else new.style != old.style
        )
    ]


@pytest.mark.parametrize("no_color", [False, True], ids=["colour", "NO_COLOR"])
async def test_the_selection_is_visible_and_readable_in_every_theme(
    make_app: AppFactory, monkeypatch: pytest.MonkeyPatch, no_color: bool
) -> None:
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(resume_id=streaming_chat())
    async with app.run_test(size=(90, 34)) as pilot:
        await settle(pilot)
        themes = ["textual-dark"] if no_color else list(BUILTIN_THEMES)
        for theme in themes:
            app.theme = theme
            await press(pilot, "escape")
            await pilot.pause()
            plain = painted(app)
            await press(pilot, "alt+up")  # the reply
            await pilot.pause()
            selected = chat(app).view.highlighted
            assert selected is not None
            shown = painted(app)
            rows, before = shown[selected], plain[selected]
            others = [r for i, rs in shown.items() if i != selected for r in rs]
            assert fill(rows) != fill(before) and fill(rows) != fill(others), theme
            assert not unreadable(before, rows, app.ansi_theme), theme
