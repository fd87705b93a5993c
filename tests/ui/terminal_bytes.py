"""What common terminals send for each default key, as their default settings have it: the data
behind docs/keys.md (`python -m tests.ui.terminal_bytes` prints its table) and the key tests.

tmux 3.3a was checked here (`send-keys`, raw bytes read in the pane); the others come from their
documented defaults: xterm (ctlseqs; eightBitInput on, metaSendsEscape off), GNOME Terminal /
VTE, iTerm2's and Terminal.app's default key maps, Windows Terminal's default actions."""

from __future__ import annotations

from dataclasses import dataclass

from textual import events

from chatui.ui.terminal_keys import KeyParser

TERMINALS = ("tmux", "xterm", "GNOME Terminal", "iTerm2", "Terminal.app", "Windows Terminal")


@dataclass(frozen=True)
class Press:
    """What a terminal sends for a key (None: nothing reaches the app), and `how` when the key
    is pressed differently there or something else takes it."""

    sent: str | None
    how: str = ""


def everywhere(sent: str, **others: Press) -> dict[str, Press]:
    """`sent` in every terminal but `others` (keyword names: TERMINALS without spaces or dots)."""
    named = {name.replace(" ", "").replace(".", ""): name for name in TERMINALS}
    return {name: others.get(short, Press(sent)) for short, name in named.items()}


MISSION_CONTROL = Press(None, "Mission Control")
TMUX_PREFIX = Press(None, "tmux prefix")


def ctrl(letter: str, **others: Press) -> dict[str, Press]:
    return everywhere(chr(ord(letter) - 96), **others)


def option_arrow(csi: str, final: str) -> dict[str, Press]:
    """Alt+arrow: xterm's CSI 1;3, or ESC + the arrow (iTerm2's default Option+arrow map;
    Terminal.app sends it for Ctrl+Option+arrow, its Option+arrow being ↑ or word moves)."""
    escaped = f"\x1b\x1b[{final}"
    return everywhere(
        csi,
        iTerm2=Press(escaped),
        Terminalapp=Press(escaped, "⌃⌥+arrow"),
        WindowsTerminal=Press(csi, "one pane"),
    )


SENT: dict[str, dict[str, Press]] = {
    "escape": everywhere("\x1b"),
    "enter": everywhere("\r"),
    "up": everywhere("\x1b[A"),
    "down": everywhere("\x1b[B"),
    "pageup": everywhere("\x1b[5~", Terminalapp=Press("\x1b[5~", "⇧PageUp")),
    "pagedown": everywhere("\x1b[6~", Terminalapp=Press("\x1b[6~", "⇧PageDown")),
    "ctrl+home": everywhere(
        "\x1b[1;5H",
        iTerm2=Press("\x1b[1;5H", "fn+⌃← (not checked)"),
        Terminalapp=Press("\x1b[1;5H", "fn+⌃← (not checked)"),
    ),
    "ctrl+end": everywhere(
        "\x1b[1;5F",
        iTerm2=Press("\x1b[1;5F", "fn+⌃→ (not checked)"),
        Terminalapp=Press("\x1b[1;5F", "fn+⌃→ (not checked)"),
    ),
    "tab": everywhere("\t"),
    "shift+tab": everywhere("\x1b[Z"),
    "f1": everywhere("\x1bOP", GNOMETerminal=Press(None, "its Help")),
    "f2": everywhere("\x1bOQ"),
    "ctrl+underscore": everywhere(
        "\x1f", iTerm2=Press(None, "not checked"), Terminalapp=Press(None, "not checked")
    ),
    "y": everywhere("y"),
    "n": everywhere("n"),
    "q": everywhere("q"),
    **{digit: everywhere(digit) for digit in "123"},
    "ctrl+b": ctrl("b", tmux=TMUX_PREFIX),
    **{f"ctrl+{c}": ctrl(c) for c in "defglnopqrstyz"},
    "ctrl+j": ctrl("j"),
    "alt+up": option_arrow("\x1b[1;3A", "A"),
    "alt+down": option_arrow("\x1b[1;3B", "B"),
    "alt+left": option_arrow("\x1b[1;3D", "D"),
    "alt+right": option_arrow("\x1b[1;3C", "C"),
    "ctrl+up": everywhere("\x1b[1;5A", iTerm2=MISSION_CONTROL, Terminalapp=MISSION_CONTROL),
    "ctrl+down": everywhere("\x1b[1;5B", iTerm2=MISSION_CONTROL, Terminalapp=MISSION_CONTROL),
    "alt+y": everywhere(
        "\x1by", xterm=Press("ù", "8-bit Meta"), iTerm2=Press("¥"), Terminalapp=Press("¥")
    ),
    "shift+enter": everywhere(
        "\r",
        tmux=Press("\r", "see extended-keys"),
        xterm=Press("\x1b[27;2;13~", "modifyOtherKeys"),
    ),
    "alt+enter": everywhere(
        "\x1b\r",
        xterm=Press("\x8d", "8-bit Meta"),
        iTerm2=Press("\r"),
        Terminalapp=Press("\r"),
        WindowsTerminal=Press(None, "full screen"),
    ),
}


def parsed(sent: str) -> list[events.Key]:
    """The key events chatui's parser makes of `sent` (a lone ESC is flushed as Escape)."""
    parser = KeyParser()
    made = [*parser.feed(sent), *parser.feed("")]
    return [event for event in made if isinstance(event, events.Key)]


def works(key: str, press: Press) -> bool:
    """Does `press` reach the app as `key`, and as that key alone?"""
    if press.sent is None:
        return False
    found = parsed(press.sent)
    return len(found) == 1 and key in found[0].aliases


#: How the docs name a key, where its Textual name is not what one presses.
LABELS = {"ctrl+underscore": "ctrl+underscore (Ctrl+/)"}


def shown(sent: str | None) -> str:
    """`sent` readably: ESC, CR, LF, ^X for other controls."""
    if sent is None:
        return "—"
    names = {"\x1b": "ESC ", "\r": "CR", "\n": "LF", "\t": "TAB", "\x8d": "0x8D"}
    text = "".join(names.get(c, f"^{chr(ord(c) + 64)}" if ord(c) < 32 else c) for c in sent)
    return f"`{text.replace('ESC [', 'ESC[').strip()}`"


def audit_table() -> str:
    """The Markdown table of docs/keys.md: each key, what each terminal sends, ✓ if it works."""
    lines = [
        "| key | " + " | ".join(TERMINALS) + " |",
        "|---" * (len(TERMINALS) + 1) + "|",
    ]
    for key, presses in SENT.items():
        cells = []
        for name in TERMINALS:
            press = presses[name]
            note = f" ({press.how})" if press.how else ""
            cells.append(f"{shown(press.sent)} {'✓' if works(key, press) else '✗'}{note}")
        lines.append(f"| {LABELS.get(key, key)} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(audit_table(), end="")
