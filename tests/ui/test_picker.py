"""The model picker (ctrl+o): it takes keys at once, even while the SDKs load and the live
lists arrive; Enter picks what is highlighted, or the `provider/model` typed."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import anthropic
import openai
import pytest
from textual.widgets import Input, OptionList

from chatui.core import ModelRef
from chatui.ui.app import ChatApp
from chatui.ui.screens.picker import ModelPicker
from tests.pilot import chat, press, settle, toasts, workers_done
from tests.ui.conftest import AppFactory
from tests.wireserver import WireServer


def picker(app: ChatApp) -> ModelPicker:
    screen = app.screen
    assert isinstance(screen, ModelPicker)
    return screen


def shown(app: ChatApp) -> list[str]:
    """The models listed, as `provider/model`."""
    return [o.id for o in picker(app).query_one(OptionList).options if o.id is not None]


def highlighted(app: ChatApp) -> str | None:
    option = picker(app).query_one(OptionList).highlighted_option
    return None if option is None else option.id


@pytest.fixture
def cold_sdks(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[threading.Event, list[str]]]:
    """Building an SDK client waits for the event (a first import on a busy machine takes
    seconds); the list names the clients built."""
    gate, built = threading.Event(), []
    for client_class in (openai.AsyncOpenAI, anthropic.AsyncAnthropic):

        def slow(self: Any, *args: Any, __init: Any = client_class.__init__, **kw: Any) -> None:
            gate.wait(5)
            __init(self, *args, **kw)
            built.append(type(self).__name__)

        monkeypatch.setattr(client_class, "__init__", slow)
    yield gate, built
    gate.set()


async def test_the_first_picker_takes_keys_while_the_sdks_load_and_lists_arrive(
    make_app: AppFactory, wire_server: WireServer, cold_sdks: tuple[threading.Event, list[str]]
) -> None:
    gate, built = cold_sdks
    wire_server.models_delay = 0.5
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await press(pilot, "ctrl+o", *"test")
        assert picker(app).query_one(Input).value == "test"
        assert built == []  # typed and filtered while no client was built yet
        assert highlighted(app) == "oai/test-model"
        await press(pilot, "down")
        assert highlighted(app) == "claude/claude-test"
        gate.set()
        await workers_done(pilot)
        assert "oai/test-model-large" in shown(app)  # the live lists came
        assert highlighted(app) == "claude/claude-test"  # and the cursor stayed put
        await press(pilot, "enter")
        assert chat(app).models.current == ModelRef("claude", "claude-test")
        await press(pilot, "ctrl+o")
        assert picker(app).query_one(Input).value == ""
        await settle(pilot)


async def test_enter_takes_a_typed_model_or_says_why_not(
    make_app: AppFactory, wire_server: WireServer
) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await press(pilot, "ctrl+o", *"zzz", "enter")
        assert isinstance(app.screen, ModelPicker)  # nothing matches: it stays open, and says
        assert any("No model matches 'zzz'" in text for text in toasts(app))
        picker(app).query_one(Input).value = "claude/claude-next"  # not listed, known provider
        await press(pilot, "enter")
        assert chat(app).models.current == ModelRef("claude", "claude-next")


async def test_long_model_names_are_cut_not_wrapped_at_narrow_widths(
    make_app: AppFactory, wire_server: WireServer
) -> None:
    wire_server.models = ["claude-3-5-haiku-20241022", "test-model"]
    app = make_app()
    async with app.run_test(size=(40, 15)) as pilot:
        await press(pilot, "ctrl+o")
        await workers_done(pilot)
        await pilot.pause()
        options = picker(app).query_one(OptionList)
        rows = [options.render_line(y).text.strip() for y in range(options.size.height)]
        assert "claude/claude-3-5-haiku-20241022" in shown(app)
        assert any(row.startswith("claude-3-5-haiku") and row.endswith("…") for row in rows), rows
        assert not any(row.startswith("022") for row in rows), rows
