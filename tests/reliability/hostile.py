"""Hostile model output, and the checks that it reached the screen inert and readable."""

from __future__ import annotations

import re
from collections.abc import Iterable

from rich.segment import Segment

#: Markup, CSI, OSC (title, clipboard, hyperlink), DCS, 8-bit C1, bidi, NUL and other controls.
HOSTILE = (
    "[bold red]loud[/] [@click=app.quit]click me[/] "
    "\x1b[2J\x1b[31mred\x1b[0m "
    "\x1b]0;pwned title\x07 "
    "\x1b]52;c;cm0gLXJmIH4K\x07 "
    "\x1b]8;;https://evil.example/\x1b\\hyperlink\x1b]8;;\x1b\\ "
    "\x1bP+q544e\x1b\\ "
    "\x9b2J \x9d0;c1 title\x9c "
    "\u202eevil\u202c \u2066isolated\u2069 "
    "nul\x00 bell\x07 back\x08 del\x7f cr\rlf "
    "[a link](https://evil.example/) "
)
#: How HOSTILE reads on screen (a few of its parts).
READABLE = (
    "[bold red]loud[/]",
    "[@click=app.quit]click me[/]",
    "^[[2J",
    "^[]0;pwned title^G",
    "^[]52;c;cm0gLXJmIH4K^G",
    "<U+009B>2J",
    "<U+202E>evil",
    "nul^@",
)
#: What must never reach the terminal: C0 (but newline/tab in text files), DEL, C1, bidi.
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
UNSAFE_IN_LINES = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def assert_inert(text: str) -> None:
    found = UNSAFE.search(text)
    assert found is None, f"{found.group()!r} in {text[max(0, found.start() - 40) :][:80]!r}"


def assert_lines_inert(lines: Iterable[Iterable[Segment]]) -> None:
    """Rendered rows: no control characters, no control segments, no links, no actions (the
    `@click` meta that markup would add; widgets' own meta such as an option index is fine)."""
    for line in lines:
        for segment in line:
            found = UNSAFE_IN_LINES.search(segment.text)
            assert found is None, f"{found.group()!r} in segment {segment.text[:80]!r}"
            assert not segment.control, segment
            style = segment.style
            if style is not None:
                actions = [key for key in style.meta if key.startswith("@")]
                assert style.link is None and not actions, (style, style.meta)


def nested_list(depth: int) -> str:
    return "".join("  " * level + f"- level {level}\n" for level in range(depth))


ONE_MB_LINE = "word " * 200_000 + "LINE-END"
BIG_FENCE = "```python\n" + "".join(f"value_{i} = {i}  # line {i}\n" for i in range(10_000))
BIG_FENCE += "```\n\nFENCE-END\n"
