"""Untrusted text made inert for terminals."""

from chatui.core.text import inert


def test_escape_sequences_and_controls_become_visible() -> None:
    hostile = "a\x1b[31mred\x1b]0;title\x07\x00\u202eevil\x9b2J\tok\nnext"
    shown = inert(hostile)
    assert "\x1b" not in shown and "\x07" not in shown and "\x00" not in shown
    assert "\u202e" not in shown and "\x9b" not in shown
    assert shown == "a^[[31mred^[]0;title^G^@<U+202E>evil<U+009B>2J\tok\nnext"


def test_plain_text_is_unchanged() -> None:
    assert inert("héllo — 世界\n\tcode") == "héllo — 世界\n\tcode"
