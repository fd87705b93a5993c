"""Makes untrusted text inert for a terminal: no escape sequences, controls or bidi overrides."""

from __future__ import annotations

import re

# C0 controls except tab and newline, DEL, C1 controls, and the bidi embedding/override/isolate
# characters that can reorder what a reader sees.
_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _visible(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if code < 0x20:
        return "^" + chr(code + 0x40)  # caret notation: ESC -> ^[
    return f"<U+{code:04X}>"


def inert(text: str) -> str:
    """`text` with every control (but tab/newline) shown visibly instead of acted on."""
    text = text.replace("\r\n", "\n")
    return _UNSAFE.sub(_visible, text)


def inert_json(text: str) -> str:
    """JSON text with the characters `inert` would show written as \\uXXXX escapes instead:
    the same data once parsed, and nothing a terminal acts on (they only occur in strings)."""
    return _UNSAFE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)
