"""Key bindings: `[keymap]` overrides by id, their problems reported with file and line, F1 help
listing keys as mapped; and the theme, which persists."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest
from textual.binding import Binding
from textual.screen import ModalScreen

from chatui.cli.main import main
from chatui.config import parse_config
from chatui.ui.keymap import ScreenKeys, checked_keymap, keymap_problems, scopes, screen_classes
from chatui.ui.screens.help import HelpScreen
from tests.pilot import press, session_of, settle, toasts
from tests.ui.conftest import AppFactory


def overrides(text: str) -> tuple:  # type: ignore[type-arg]
    return parse_config(Path("keys.toml"), text, tomllib.loads(text)).keymap


def test_every_binding_has_a_unique_id() -> None:
    ids = [b.id for scope in scopes() for b in scope.bindings]
    assert None not in ids and len(ids) == len(set(ids))
    assert {"chat.retry", "history.rename", "app.help", "picker.cancel"} <= set(ids)


def test_keymap_forms_and_where_they_are() -> None:
    found = overrides(
        '[keymap]\n"chat.retry" = "f5, ctrl+r"\nchat.new = "f9"\n[keymap.history]\nrename = "f3"\n'
    )
    assert [(o.binding_id, o.keys, o.where) for o in found] == [
        ("chat.retry", "f5,ctrl+r", "keys.toml, line 2"),
        ("chat.new", "f9", "keys.toml, line 3"),
        ("history.rename", "f3", "keys.toml, line 5"),
    ]
    assert keymap_problems(found) == []


def test_problems_name_the_file_line_and_what_is_wrong() -> None:
    problems = keymap_problems(
        overrides(
            "[keymap]\n"
            'chat.histroy = "f6"\n'  # a typo
            'chat.retry = "ctrl+b"\n'  # chat.history's key
            'chat.pick_model = "ctrl+k"\n'  # the prompt deletes to the end of the line with it
            'history.rename = "hyper2+x"\n'
            'app.help = "banana"\n'
        )
    )
    assert problems == [
        "keys.toml, line 2: keymap.chat.histroy: no binding has this id "
        "(did you mean 'chat.history'? F1 lists all)",
        "keys.toml, line 5: keymap.history.rename: 'hyper2' is not a modifier "
        "(use ctrl, alt, shift or super)",
        "keys.toml, line 6: keymap.app.help: 'banana' is not a key name "
        "(examples: ctrl+r, f5, alt+up, escape)",
        "keys.toml, line 4: keymap.chat.pick_model: ctrl+k is the text field's "
        "'delete to end of line or delete line' key (chat screen)",
        "keys.toml, line 3: keymap.chat.retry: ctrl+b is also chat.history's key (chat screen)",
    ]


def test_swapping_two_keys_is_no_clash() -> None:
    assert (
        keymap_problems(overrides('[keymap]\nchat.new = "ctrl+b"\nchat.history = "ctrl+n"\n')) == []
    )


def test_a_bad_keymap_stops_the_app_with_the_message(
    app_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = app_env / "config.toml"
    config.write_text(config.read_text() + '[keymap]\nchat.retry = "ctrl+b"\n')
    line = len(config.read_text().splitlines())
    assert main([]) == 2
    err = capsys.readouterr().err
    assert f"{config}, line {line}: keymap.chat.retry: ctrl+b is also chat.history's key" in err
    assert "Traceback" not in err


async def test_remapped_keys_work_and_help_shows_them(app_env: Path, make_app: AppFactory) -> None:
    config = app_env / "config.toml"
    config.write_text(config.read_text() + '[keymap]\n"chat.new" = "f9"\n')
    from chatui.config import load_config

    app = make_app(keymap=checked_keymap(load_config()))
    async with app.run_test(size=(110, 40)) as pilot:
        await press(pilot, "h", "i", "enter")
        await settle(pilot)
        assert len(session_of(app).turns) == 2
        await press(pilot, "ctrl+n")  # no longer bound
        assert len(session_of(app).turns) == 2
        await press(pilot, "f9")
        assert session_of(app).turns == []
        await press(pilot, "f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        rows = dict(app.screen.rows())
        assert ("f9", "Start a new conversation", "chat.new") in rows["Chat"]
        assert ("f2", "Rename", "history.rename") in rows["History"]
        assert ("ctrl+p", "Command palette: every action by name", "") in rows["Everywhere"]
        assert "chat.new" in app.export_screenshot()  # drawn, not only listed
        await press(pilot, "f1")  # toggles
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)


async def test_theme_persists(app_env: Path, make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await pilot.pause()
        assert app.theme == "textual-dark"
        app.theme = "nord"
        await settle(pilot)  # saved in a thread
    saved = json.loads((app_env / "data" / "preferences.json").read_text())
    assert saved["theme"] == "nord"
    assert (app_env / "data" / "preferences.json").stat().st_mode & 0o777 == 0o600
    again = make_app()
    async with again.run_test():
        assert again.theme == "nord"


async def test_config_theme_and_an_unknown_one(app_env: Path, make_app: AppFactory) -> None:
    config = app_env / "config.toml"
    config.write_text('theme = "textual-light"\n' + config.read_text())
    app = make_app()
    async with app.run_test():
        assert app.theme == "textual-light"
    config.write_text(config.read_text().replace("textual-light", "no-such-theme"))
    app = make_app()
    async with app.run_test() as pilot:
        await pilot.pause()
        assert app.theme == "textual-dark"
        assert any("Unknown theme 'no-such-theme'" in n.message for n in app._notifications)


def test_keys_the_prompt_and_textual_need_are_refused() -> None:
    problems = keymap_problems(
        overrides(
            "[keymap]\n"
            'chat.retry = "enter"\n'  # the footer showed "⏎ Retry" while Enter still sent
            'chat.copy = "ctrl+j"\n'  # priority: it would have taken the new-line key
            'chat.new = "shift+enter"\n'
            'chat.history = "tab"\n'
            'history.rename = "ctrl+p"\n'
        )
    )
    assert problems == [
        "keys.toml, line 2: keymap.chat.retry: enter is the prompt's 'Send' key (chat screen)",
        "keys.toml, line 5: keymap.chat.history: tab is the 'move the focus' key (every screen)",
        "keys.toml, line 4: keymap.chat.new: shift+enter is the prompt's 'New line' key "
        "(chat screen)",
        "keys.toml, line 3: keymap.chat.copy: ctrl+j is the prompt's 'New line' key (chat screen)",
        "keys.toml, line 6: keymap.history.rename: ctrl+p is the 'command palette' key "
        "(every screen)",
    ]


def test_help_lists_the_prompt_keys_and_enter_where_it_opens() -> None:
    rows = dict(HelpScreen({}, "config.toml").rows())
    assert rows["Chat"][:2] == [
        ("enter", "Send the prompt", ""),
        (
            "ctrl+j, shift+enter, alt+enter",
            "New line: ctrl+j in every terminal, shift+enter or alt+enter where the terminal "
            "tells them from enter",
            "",
        ),
    ]
    assert ("enter", "Open", "history.open") in rows["History"]
    assert ("enter", "Use the highlighted model", "") in rows["Model picker"]
    assert (
        "f1, ctrl+underscore",
        "Every key as mapped (ctrl+/ where the terminal keeps F1)",
        "app.help",
    ) in rows["Everywhere"]


def test_every_screen_declares_its_title_and_place_on_f1() -> None:
    declared = [getattr(screen, "KEYS", None) for screen in screen_classes()]
    assert all(isinstance(keys, ScreenKeys) for keys in declared)
    titles = [s.title for s in scopes()]
    assert len(titles) == len(set(titles)) == len(declared) + 1  # and "Everywhere"


def test_a_new_screen_is_listed_and_checked_with_no_list_to_update() -> None:
    class Extra(ModalScreen[None]):
        BINDINGS = [Binding("ctrl+b", "dismiss", "Close", id="extra.close")]

    Extra.__module__ = "chatui.ui.screens.extra"
    try:
        assert scopes()[-1].title == "Extra"  # no KEYS: listed last, under its class name
        problems = keymap_problems(overrides('[keymap]\nextra.close = "ctrl+q"\n'))
        assert problems == [
            "keys.toml, line 2: keymap.extra.close: ctrl+q is also app.quit's key (extra screen)"
        ]
    finally:
        Extra.__module__ = __name__  # not chatui's any more, for the other tests
    assert "Extra" not in [s.title for s in scopes()]


async def test_a_theme_that_cannot_be_saved_is_a_warning(
    app_env: Path, make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await pilot.pause()
        (app_env / "a-file").write_text("")
        monkeypatch.setenv("CHATUI_DATA_DIR", str(app_env / "a-file" / "data"))
        app.theme = "nord"
        await settle(pilot)
        assert any(t.startswith("The theme is not remembered: ") for t in toasts(app))
