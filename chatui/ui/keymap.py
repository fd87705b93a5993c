"""Every key binding by screen, the user's `[keymap]` overrides checked against them, and the
keys as currently mapped (for the F1 help screen)."""

from __future__ import annotations

import difflib
import string
from dataclasses import dataclass, field

from textual.binding import Binding
from textual.dom import DOMNode
from textual.keys import Keys, _character_to_key

from chatui.config import Config, KeyOverride
from chatui.core import ConfigError

MODIFIERS = frozenset({"ctrl", "alt", "shift", "super", "meta", "hyper"})
KEY_NAMES = frozenset(key.value.rsplit("+", 1)[-1] for key in Keys) | {
    _character_to_key(char) for char in string.printable if not char.isspace()
}


@dataclass(frozen=True)
class Scope:
    """Where a set of bindings is active: a screen plus the app-wide bindings; `typing` holds the
    keys its focused text field uses (a non-priority binding on one of them never fires);
    `own` the keys the field itself needs (the prompt's Enter and new-line keys): no binding
    may take those, priority or not."""

    title: str
    bindings: tuple[Binding, ...]
    typing: dict[str, str] = field(default_factory=dict)
    own: tuple[Binding, ...] = ()


def text_field_keys(bindings: tuple[Binding, ...]) -> dict[str, str]:
    return {key: b.action.replace("_", " ") for b in bindings for key in b.key.split(",")}


def scopes() -> list[Scope]:
    """Every screen's bindings, app-wide ones first. (Imported here: the screens import this.)"""
    from textual.widgets import Input, TextArea

    from chatui.ui.app import ChatApp
    from chatui.ui.chat.attachment_bar import PathDialog
    from chatui.ui.chat.prompt import PromptInput
    from chatui.ui.chat.screen import ChatScreen
    from chatui.ui.screens.dialogs import Ask, Confirm
    from chatui.ui.screens.help import HelpScreen
    from chatui.ui.screens.history import HistoryScreen
    from chatui.ui.screens.picker import ModelPicker
    from chatui.ui.screens.settings import SettingsDialog

    typing_input = text_field_keys(bindings_of(Input))
    typing_text = text_field_keys(bindings_of(TextArea))
    screens: list[tuple[str, type[DOMNode], dict[str, str]]] = [
        ("History", HistoryScreen, typing_input),
        ("Model picker", ModelPicker, typing_input),
        ("Conversation settings", SettingsDialog, typing_text),
        ("Attach a file", PathDialog, typing_input),
        ("Confirmation", Confirm, {}),
        ("Text prompt", Ask, typing_input),
        ("Help", HelpScreen, {}),
    ]
    result = [
        Scope("Everywhere", bindings_of(ChatApp)),
        Scope("Chat", bindings_of(ChatScreen), typing_text, own=bindings_of(PromptInput)),
    ]
    result += [Scope(title, bindings_of(screen), typing) for title, screen, typing in screens]
    return result


def reserved_keys() -> dict[str, str]:
    """Keys Textual keeps on every screen (focus moves, the command palette), and what for."""
    from textual.app import App
    from textual.screen import Screen

    focus = [b for b in bindings_of(Screen) if b.action.startswith("app.focus")]
    reserved = {key: "move the focus" for b in focus for key in split_keys(b.key)}
    reserved[App.COMMAND_PALETTE_BINDING] = "command palette"
    return reserved


def bindings_of(node: type[DOMNode]) -> tuple[Binding, ...]:
    return tuple(b for b in node.BINDINGS if isinstance(b, Binding))


def split_keys(keys: str) -> list[str]:
    return [key.strip() for key in keys.split(",") if key.strip()]


def keys_of(binding: Binding, keymap: dict[str, str]) -> list[str]:
    """The keys `binding` answers to once `keymap` (id -> keys) is applied."""
    return split_keys(keymap.get(binding.id or "", binding.key))


def key_problem(key: str) -> str | None:
    *modifiers, name = key.split("+")
    unknown = [m for m in modifiers if m not in MODIFIERS]
    if unknown:
        return f"{unknown[0]!r} is not a modifier (use ctrl, alt, shift or super)"
    if name not in KEY_NAMES:
        return f"{key!r} is not a key name (examples: ctrl+r, f5, alt+up, escape)"
    return None


def keymap_problems(overrides: tuple[KeyOverride, ...]) -> list[str]:
    """Everything wrong with `overrides`, one line each: unknown ids, bad key names, two
    bindings on one key in one screen, a key the screen's text field needs."""
    all_scopes = scopes()
    known = {b.id for scope in all_scopes for b in scope.bindings if b.id}
    keymap = {o.binding_id: o.keys for o in overrides}
    where = {o.binding_id: f"{o.where}: keymap.{o.binding_id}" for o in overrides}
    problems: list[str] = []
    for o in overrides:
        if o.binding_id not in known:
            close = difflib.get_close_matches(o.binding_id, known, 1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            problems.append(f"{where[o.binding_id]}: no binding has this id ({hint}F1 lists all)")
            continue
        problems += [
            f"{where[o.binding_id]}: {p}" for k in split_keys(o.keys) if (p := key_problem(k))
        ]
    app_wide = all_scopes[0].bindings
    textual_keys = reserved_keys()
    for scope in all_scopes:
        own = {key: b.description for b in scope.own for key in split_keys(b.key)}
        bindings = scope.bindings if scope is all_scopes[0] else scope.bindings + app_wide
        users: dict[str, list[Binding]] = {}
        for binding in bindings:
            for key in keys_of(binding, keymap):
                users.setdefault(key, []).append(binding)
        screen = f"{scope.title.lower()} screen"
        for key, on_key in users.items():
            for binding in on_key:
                place = where.get(binding.id or "")
                if place is None:
                    continue  # the defaults are known to work together
                problems += [
                    f"{place}: {key} is also {other.id}'s key ({screen})"
                    for other in on_key
                    if other is not binding
                ]
                if key in own:
                    problems.append(f"{place}: {key} is the prompt's {own[key]!r} key ({screen})")
                elif key in textual_keys:
                    what = textual_keys[key]
                    problems.append(f"{place}: {key} is the {what!r} key (every screen)")
                elif key in scope.typing and not binding.priority:
                    problems.append(
                        f"{place}: {key} is the text field's {scope.typing[key]!r} key ({screen})"
                    )
    return list(dict.fromkeys(problems))


def checked_keymap(config: Config) -> dict[str, str]:
    """The `[keymap]` overrides for `App.set_keymap`; ConfigError listing every problem."""
    if not config.keymap:
        return {}  # nothing to check: the screens' own bindings do not clash
    problems = keymap_problems(config.keymap)
    if problems:
        raise ConfigError("\n".join(problems))
    return {o.binding_id: o.keys for o in config.keymap}
