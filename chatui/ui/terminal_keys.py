"""Keys as real terminals send them: a parser that fills three gaps in Textual's, and the driver
that uses it and asks the terminal for xterm's modifyOtherKeys (so Shift+Enter can be told
from Enter). docs/keys.md has the bytes each terminal sends for every default key.

The gaps: xterm's modifyOtherKeys form `ESC [ 27 ; mod ; code ~` (xterm, tmux 3.5: Shift+Enter
is `ESC[27;2;13~`) was read as a key named "shift+\\r"; Alt sent as an ESC prefix (tmux, VTE,
Windows Terminal) kept the letter as text, so Alt+Y typed "y" in the prompt; and Option+arrow
sent as `ESC ESC [ A` (iTerm2's default, Terminal.app's Ctrl+Option+arrow) arrived as Escape,
which stops a reply, then a plain arrow."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import cache

from textual import events
from textual._xterm_parser import XTermParser
from textual.binding import Binding, InvalidBinding
from textual.drivers import linux_driver
from textual.keys import ASCII_KEY_NAMES
from textual.message import Message

#: Asks for modifyOtherKeys level 1 (keys with a well-known meaning, such as Ctrl+letters, keep
#: it); terminals without it ignore the request. `ESC[>4m` puts back the terminal's default.
MODIFY_OTHER_KEYS_ON = "\x1b[>4;1m"
MODIFY_OTHER_KEYS_RESET = "\x1b[>4m"

_OTHER_KEY = re.compile(r"\x1b\[27;(\d+);(\d+)~")
_ESCAPED_ARROW = re.compile(r"\x1b\x1b[\[O]([ABCD])")
#: Codes that name a key rather than type a character.
_NAMED = {13: "enter", 9: "tab", 27: "escape", 127: "backspace", 8: "backspace", 32: "space"}


@cache
def key_name(character: str) -> str:
    """Textual's name for the key that types `character` ("+" is "plus", "a" is "a"), through
    public API: a binding on a character is made under that name (`keys._character_to_key` is
    private). A comma or a blank cannot be bound alone: named after its Unicode name."""
    try:
        return next(iter(Binding.make_bindings([Binding(character, "")]))).key
    except InvalidBinding:
        name = unicodedata.name(character, "").lower().replace("-", "_").replace(" ", "_")
        return name or ASCII_KEY_NAMES.get(character, character)


def other_key(modifiers: int, code: int) -> events.Key:
    """The key for xterm's `ESC [ 27 ; modifiers ; code ~` (modifiers: 1 + shift 1, alt 2,
    ctrl 4, meta 8; meta counts as alt, as the ESC-prefix form does)."""
    bits = modifiers - 1
    typing = not bits & (2 | 4 | 8)  # Shift alone types (a space, a capital, "!")
    character = chr(code)
    if typing and code not in _NAMED:
        return events.Key(key_name(character), character)
    held = [mod for mod, bit in (("alt", 2 | 8), ("ctrl", 4), ("shift", 1)) if bits & bit]
    name = _NAMED.get(code) or key_name(character.lower())
    return events.Key("+".join([*held, name]), " " if typing and code == 32 else None)


def with_alt(event: events.Key) -> events.Key:
    """An ESC-prefixed key: Alt held, and no text (Alt+Y must not type "y")."""
    key = event.key if event.key.startswith("alt+") else f"alt+{event.key}"
    return events.Key(key, None)


class KeyParser(XTermParser):
    """Textual's input parser, plus modifyOtherKeys, ESC-prefixed Alt keys and ESC ESC arrows."""

    def feed(self, data: str) -> Iterable[Message]:
        # Option+arrow as ESC + the arrow's own sequence: the same as xterm's Alt+arrow
        return super().feed(_ESCAPED_ARROW.sub("\x1b[1;3\\1", data))

    def _sequence_to_key_events(self, sequence: str, alt: bool = False) -> Iterable[events.Key]:
        if match := _OTHER_KEY.fullmatch(sequence):
            yield other_key(int(match[1]), int(match[2]))
            return
        for event in super()._sequence_to_key_events(sequence, alt):
            if alt and event.key.startswith("ctrl+"):
                # no binding is Alt+Ctrl+letter: ESC then Ctrl+letter in one read is Esc pressed
                # just before the key (fast typing, tmux's `send-keys Escape C-n`)
                yield events.Key("escape", "\x1b")
                yield event
            else:
                yield with_alt(event) if alt else event


class TerminalDriver(linux_driver.LinuxDriver):
    """Textual's driver for POSIX terminals, reading keys with `KeyParser` and asking for
    modifyOtherKeys while the app runs (and after a suspend)."""

    def run_input_thread(self) -> None:
        # LinuxDriver's input loop builds its parser from this module-level name.
        linux_driver.XTermParser = KeyParser  # type: ignore[attr-defined]
        super().run_input_thread()

    def start_application_mode(self) -> None:
        super().start_application_mode()  # type: ignore[no-untyped-call]
        self.write(MODIFY_OTHER_KEYS_ON)
        self.flush()

    def stop_application_mode(self) -> None:
        self.write(MODIFY_OTHER_KEYS_RESET)
        super().stop_application_mode()
