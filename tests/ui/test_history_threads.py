"""The history screen does its store I/O in worker threads, never on the event loop."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from chatui.services.history import History
from tests.ui.conftest import AppFactory, settle
from tests.ui.test_history import open_history, seed

CALLED = ("page", "search", "rename", "delete", "undo", "export_into")


async def test_every_history_call_runs_off_the_event_loop(
    make_app: AppFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed("first title", [("q", "a")])
    monkeypatch.chdir(tmp_path)
    on_loop: dict[str, bool] = {}

    def watched(name: str, method: Callable[..., Any]) -> Callable[..., Any]:
        def call(self: History, *args: Any, **kwargs: Any) -> Any:
            on_loop[name] = on_loop.get(name, False) or (
                threading.current_thread() is threading.main_thread()
            )
            return method(self, *args, **kwargs)

        return call

    for name in CALLED:
        monkeypatch.setattr(History, name, watched(name, getattr(History, name)))
    app = make_app()
    async with app.run_test() as pilot:
        await open_history(pilot)
        await pilot.press("f2", "ctrl+a", "ctrl+k", *"Renamed", "enter")
        await settle(pilot)
        await pilot.press("ctrl+e")
        await settle(pilot)
        await pilot.press("ctrl+d", "y")
        await settle(pilot)
        await pilot.press("ctrl+z")
        await settle(pilot)
        await pilot.press(*"renamed")
        await settle(pilot)
        assert app.store is not None
        assert [s.title for s in app.store.list_conversations()] == ["Renamed"]
    assert len(list(tmp_path.glob("chatui-renamed-*.md"))) == 1
    assert on_loop == dict.fromkeys(CALLED, False)
