"""SVG snapshots of the context meter (normal, 80%, won't fit, unknown window) and of the
choice when a request won't fit."""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot

from chatui.core import ModelRef
from tests.pilot import chat, press, session_of, settle_for_snapshot, wait_until
from tests.ui.conftest import AppFactory
from tests.ui.test_context_fit import WORDS, long_conversation, small_models

__all__ = ["small_models"]  # the fixture, used by name


def typing(text: str) -> Any:
    """A run_before that settles, then puts `text` in the prompt (the meter counts it)."""

    async def run(pilot: Pilot[Any]) -> None:
        await settle_for_snapshot(pilot)
        chat(pilot.app).prompt.insert(text)
        await settle_for_snapshot(pilot)

    return run


@pytest.mark.parametrize(
    ("model", "draft"),
    [
        ("oai/tiny", "A short question"),  # normal
        ("oai/tiny", WORDS * 3 + "the quick brown fox " * 12),  # past 80% of 2k
        ("oai/tiny", WORDS * 5),  # past the window less the reply's room
        ("oai/mystery", "A short question"),  # nobody says its window
    ],
    ids=["normal", "warning", "wont-fit", "unknown"],
)
def test_meter(
    snap_compare: Any, make_app: AppFactory, small_models: None, model: str, draft: str
) -> None:
    assert snap_compare(make_app(model), terminal_size=(80, 24), run_before=typing(draft))


def test_the_choice_when_it_wont_fit(
    snap_compare: Any, make_app: AppFactory, small_models: None
) -> None:
    async def ask(pilot: Pilot[Any]) -> None:
        await settle_for_snapshot(pilot)
        session_of(pilot.app).model = ModelRef("oai", "tiny")
        await press(pilot, *"and now?", "enter")
        await wait_until(pilot, lambda: "Overflow" in type(pilot.app.screen).__name__, "it")
        await settle_for_snapshot(pilot)

    app = make_app("oai/tiny", resume_id=long_conversation())
    assert snap_compare(app, terminal_size=(90, 24), run_before=ask)
