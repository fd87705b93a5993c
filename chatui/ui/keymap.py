"""Every key binding by screen (each screen chatui defines, found by walking the Screen classes),
the user's `[keymap]` overrides checked against them, and the keys as mapped (for F1 help)."""

from __future__ import annotations

import difflib
import importlib
import pkgutil
import string
from dataclasses import dataclass, field

from textual.binding import Binding
from textual.dom import DOMNode
from textual.keys import Keys
from textual.screen import Screen
from textual.widget import Widget

from chatui.config import Config, KeyOverride
from chatui.core import ConfigError
from chatui.ui.terminal_keys import key_name

MODIFIERS = frozenset({"ctrl", "alt", "shift", "super", "meta", "hyper"})
KEY_NAMES = frozenset(key.value.rsplit("+", 1)[-1] for key in Keys) | {
    key_name(char) for char in string.printable if not char.isspace()
}


@dataclass(frozen=True)
class ScreenKeys:
    """What a screen class declares as `KEYS` for its bindings: its title on the F1 screen, its
    place there (after the app-wide keys), and the text field it types into, if any."""

    title: str
    order: int
    text_field: type[Widget] | None = None


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
    """The app-wide bindings, then every screen's in its `KEYS.order`. (Imported here: the
    screens import this.)"""
    from chatui.ui.app import ChatApp

    screens = sorted(screen_classes(), key=lambda screen: keys_of_screen(screen).order)
    return [Scope("Everywhere", bindings_of(ChatApp)), *map(screen_scope, screens)]


def screen_classes() -> list[type[Screen[object]]]:
    """Every Screen (and ModalScreen) class defined in chatui.ui, each of its modules imported."""
    import chatui.ui

    for module in pkgutil.walk_packages(chatui.ui.__path__, "chatui.ui."):
        importlib.import_module(module.name)
    found: list[type[Screen[object]]] = []
    pending: list[type[Screen[object]]] = [Screen]
    while pending:
        for subclass in pending.pop().__subclasses__():
            pending.append(subclass)
            if subclass.__module__.startswith("chatui.ui.") and subclass not in found:
                found.append(subclass)
    return found


def keys_of_screen(screen: type[Screen[object]]) -> ScreenKeys:
    """The screen's `KEYS`; one that declares none is still listed (and checked), last."""
    keys = getattr(screen, "KEYS", None)
    return keys if isinstance(keys, ScreenKeys) else ScreenKeys(screen.__name__, 1000)


def screen_scope(screen: type[Screen[object]]) -> Scope:
    """A screen's bindings, with the keys of its text field: those of Textual's widget it is
    (typing keys) and those chatui's subclass adds (keys no binding may take)."""
    keys = keys_of_screen(screen)
    typing: dict[str, str] = {}
    own: tuple[Binding, ...] = ()
    for widget in keys.text_field.__mro__ if keys.text_field else ():
        if widget.__module__.startswith("chatui."):
            own += bindings_of(widget) if "BINDINGS" in vars(widget) else ()
        elif issubclass(widget, Widget):  # the nearest of Textual's text widgets
            typing = text_field_keys(bindings_of(widget))
            break
    return Scope(keys.title, bindings_of(screen), typing, own)


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
