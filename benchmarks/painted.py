"""When the history's rows reach the terminal: what history_scale.py times a keystroke by."""

from __future__ import annotations

import bisect
import time
from typing import Any

from chatui.ui.app import ChatApp
from chatui.ui.screens.history import HistoryScreen
from chatui.ui.screens.row_list import RowList


class Frames:
    """When the history's rows were first on the terminal, as the user sees them: the end of
    the first frame (compositor update, turned into the bytes a terminal gets, which a
    headless app skips) after which the list has drawn every line they changed, or the time
    they were set if they changed none. A keystroke counts until then and until a frame has
    shown the letter typed, not until the rows are read."""

    def __init__(self) -> None:
        self.painted: dict[int, tuple[object, float]] = {}  # id(rows) -> (rows, perf_counter)
        self.frames: list[float] = []  # perf_counter at the end of each frame
        original = RowList.set_rows

        def set_rows(listing: RowList, *args: Any, **kwargs: Any) -> None:
            original(listing, *args, **kwargs)
            if not listing.unpainted:
                self.painted_now(getattr(listing.screen, "rows", None))

        RowList.set_rows = set_rows  # type: ignore[method-assign]

    def watch(self, app: ChatApp) -> None:
        original = app._display

        def display(screen: Any, update: Any) -> None:
            original(screen, update)
            if update is None:
                return
            update.render_segments(app.console)
            if isinstance(screen, HistoryScreen) and not screen.options.unpainted:
                self.painted_now(screen.rows)
            self.frames.append(time.perf_counter())

        app._display = display  # type: ignore[method-assign]

    def painted_now(self, rows: object) -> None:
        if id(rows) not in self.painted:
            self.painted[id(rows)] = (rows, time.perf_counter())  # rows kept: ids stay unique

    def shown(self, rows: object, since: float) -> float | None:
        """perf_counter() once `rows` are painted and a frame has ended since `since`."""
        painted = self.painted.get(id(rows))
        after = bisect.bisect_right(self.frames, since)
        if painted is None or painted[0] is not rows or after == len(self.frames):
            return None
        return max(painted[1], self.frames[after])
