"""Every default key as real terminals send it: through chatui's parser (Textual's, plus three
fixes) into the running app, where its binding must fire; docs/keys.md shows the same table."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.dom import DOMNode
from textual.pilot import Pilot
from textual.screen import Screen

from chatui.core import ModelRef
from chatui.services.context.budget import Budget
from chatui.ui.app import ChatApp
from chatui.ui.chat.attachment_bar import PathDialog
from chatui.ui.chat.prompt import PromptInput
from chatui.ui.chat.screen import ChatScreen
from chatui.ui.context.overflow_choice import OverflowChoice, Situation
from chatui.ui.keymap import scopes, split_keys
from chatui.ui.screens.dialogs import Ask, Confirm
from chatui.ui.screens.help import HelpScreen
from chatui.ui.screens.history import HistoryScreen
from chatui.ui.screens.picker import ModelPicker
from chatui.ui.screens.settings import SettingsDialog
from chatui.ui.terminal_keys import MODIFY_OTHER_KEYS_ON, TerminalDriver, key_name
from tests.pilot import chat, session_of
from tests.ui.conftest import AppFactory
from tests.ui.terminal_bytes import SENT, TERMINALS, audit_table, parsed, works

DOCS = Path(__file__).parents[2] / "docs" / "keys.md"


async def no_file(path: str) -> str | None:
    return None


#: How each scope's screen is opened over the chat screen (None: it is the chat screen).
OPEN: dict[str, Callable[[ChatApp], Screen[Any]] | None] = {
    "Everywhere": None,
    "Chat": None,
    "History": lambda app: HistoryScreen(),
    "Model picker": lambda app: ModelPicker(app.config, chat(app).models.current, {}, app.pool),
    "Conversation settings": lambda app: SettingsDialog(app.start_settings),
    "Attach a file": lambda app: PathDialog(no_file),
    "Confirmation": lambda app: Confirm("Delete it?"),
    "Text prompt": lambda app: Ask("New title:"),
    "Help": lambda app: HelpScreen({}, "config.toml"),
    "Too long for the model": lambda app: OverflowChoice(
        Situation(ModelRef("oai", "m"), Budget(9000, 2048, 512, True), 4, 40, ModelRef("a", "b"))
    ),
}


async def feed(pilot: Pilot[None], sent: str) -> None:
    """Deliver `sent` as the terminal would: parsed into keys, posted by the driver."""
    driver = pilot.app._driver
    assert driver is not None
    for event in parsed(sent):
        event.set_sender(pilot.app)
        driver.send_message(event)
        await pilot.pause()


def test_the_docs_table_is_what_the_parser_makes_of_each_terminal() -> None:
    assert audit_table() in DOCS.read_text(), "run: python -m tests.ui.terminal_bytes"


def test_every_binding_has_a_key_that_every_terminal_delivers() -> None:
    for scope in scopes():
        for binding in scope.bindings:
            keys = split_keys(binding.key)
            assert all(key in SENT for key in keys), f"{binding.id}: add {keys} to SENT"
            for terminal in TERMINALS:
                assert any(works(key, SENT[key][terminal]) for key in keys), (binding.id, terminal)


async def test_each_default_binding_fires_from_the_bytes_terminals_send(
    make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app()
    fired: list[tuple[str, tuple[object, ...]]] = []
    dispatch = app._dispatch_action

    async def record(namespace: DOMNode, action: str, params: tuple[object, ...]) -> bool:
        """A screen's or the app's action is recorded, not run; widgets' run (and may skip)."""
        if not isinstance(namespace, Screen | App):
            return await dispatch(namespace, action, params)
        fired.append((action, tuple(params)))
        return True

    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        monkeypatch.setattr(app, "_dispatch_action", record)
        # the keys are what is tested, not whether the empty chat has a message to act on
        monkeypatch.setattr(ChatScreen, "check_action", lambda *_: True)
        for scope in scopes():
            opener = OPEN[scope.title]
            if opener is not None:
                await app.push_screen(opener(app))
                await pilot.pause()
            for binding in scope.bindings:
                for key in split_keys(binding.key):
                    for sent in {p.sent for p in SENT[key].values() if works(key, p)}:
                        assert sent is not None
                        fired.clear()
                        await feed(pilot, sent)
                        wanted = app._parse_action(binding.action, app.screen)[1:]
                        assert fired == [wanted], (scope.title, key, sent, fired)
            if opener is not None:
                app.pop_screen()
                await pilot.pause()


@pytest.mark.parametrize(
    "sent",
    ["\n", "\x1b[13;2u", "\x1b[27;2;13~", "\x1b\r"],
    ids=["ctrl+j", "shift+enter kitty/tmux", "shift+enter xterm", "alt+enter"],
)
async def test_newline_keys_from_terminal_bytes(make_app: AppFactory, sent: str) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        prompt = app.query_one(PromptInput)
        await feed(pilot, "a")
        await feed(pilot, sent)
        await feed(pilot, "b")
        assert prompt.text == "a\nb"
        await feed(pilot, "\x1by")  # ESC-prefixed Alt+Y copies (nothing here): it types no "y"
        await feed(pilot, "\r")
        assert prompt.text == ""  # Enter sent it
        assert session_of(app).turns[0].content == "a\nb"


def test_the_driver_asks_for_modify_other_keys_and_puts_it_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    written: list[str] = []
    monkeypatch.setattr(TerminalDriver, "write", lambda self, data: written.append(data))
    monkeypatch.setattr(TerminalDriver, "flush", lambda self: None)
    for method in ("start_application_mode", "stop_application_mode"):
        monkeypatch.setattr(f"textual.drivers.linux_driver.LinuxDriver.{method}", lambda self: None)
    driver = TerminalDriver.__new__(TerminalDriver)
    driver.start_application_mode()
    assert written == [MODIFY_OTHER_KEYS_ON]
    driver.stop_application_mode()
    assert written[-1] == "\x1b[>4m"


@pytest.mark.parametrize(("sent", "key"), [("\x1b\x0e", "ctrl+n"), ("\x1b\x06", "ctrl+f")])
def test_escape_then_a_ctrl_key_in_one_read_is_both_keys(sent: str, key: str) -> None:
    """Esc pressed just before Ctrl+N (or tmux's `send-keys Escape C-n`) stops the reply, then
    starts a new chat; it was read as Alt+Ctrl+N, which nothing is bound to."""
    assert [event.key for event in parsed(sent)] == ["escape", key]


@pytest.mark.parametrize(
    ("character", "name"),
    [("a", "a"), ("A", "A"), ("+", "plus"), (",", "comma"), (" ", "space"), ("é", "é")],
)
def test_key_names_are_textuals_through_its_public_api(character: str, name: str) -> None:
    assert key_name(character) == name
