"""The history's rows: what a keystroke draws is bounded by the screen, not by the hits."""

from __future__ import annotations

import pytest
from textual.strip import Strip

from chatui.ui.screens.history import HITS, HistoryScreen, Opened
from chatui.ui.screens.row_list import RowList
from tests.pilot import press, settle, wait_until
from tests.transcripts import seed
from tests.ui.conftest import AppFactory
from tests.ui.test_history import open_history


async def test_a_keystroke_draws_the_lines_on_screen_and_only_those_that_changed(
    make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    for index in range(HITS + 5):
        seed(f"animals {index}", [(f"tell me about zebras, part {index}", "stripes")])
    drawn: list[int] = []
    render_line = RowList.render_line

    def counted(listing: RowList, y: int) -> Strip:
        drawn.append(y)
        return render_line(listing, y)

    monkeypatch.setattr(RowList, "render_line", counted)
    app = make_app()
    async with app.run_test(size=(100, 20)) as pilot:
        history = await open_history(pilot)
        listing = history.options
        height = listing.scrollable_content_region.height
        await press(pilot, *"zeb")
        await wait_until(pilot, lambda: listing.row_count == HITS, "the hits")
        await settle(pilot)
        lines = listing.virtual_size.height
        assert 2 * height < lines  # more lines than the screen shows, twice over
        # only those on screen were made (twice if the width changed meanwhile: a scrollbar)
        assert 0 < listing.lines_drawn <= 2 * height
        # (Textual may repaint the whole screen now and then: lines are counted as built)
        before = history.rows
        await press(pilot, "r")  # "zebr": the same hits, the same words marked
        await wait_until(pilot, lambda: history.rows is not before, "the new hits")
        await settle(pilot)
        assert listing.unpainted == set()  # nothing on screen changed: nothing to repaint
        built = listing.lines_drawn
        await press(pilot, "down")
        await settle(pilot)
        assert listing.lines_drawn - built == 4  # the two rows whose highlight moved
        assert set(drawn) >= {0, 1, 2, 3}


async def test_a_click_opens_the_row_under_the_pointer(
    make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    older = seed("older chat", [("old question", "old answer")])
    seed("newer chat", [("new question", "new answer")])
    opened: list[Opened | None] = []
    monkeypatch.setattr(HistoryScreen, "dismiss", lambda self, result: opened.append(result))
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        history = await open_history(pilot)
        assert [row.title for row in history.rows] == ["newer chat", "older chat"]
        # the list's first line is its border; each conversation takes three lines
        await pilot.click(RowList, offset=(5, 1 + 3 + 1))
        await settle(pilot)
        assert opened == [Opened(older)]
