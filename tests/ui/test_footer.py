"""The footer shows help, quit and the new-line key first, so a narrow terminal keeps them."""

from __future__ import annotations

import pytest
from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from chatui.ui.app import ChatApp
from chatui.ui.footer import KeyFooter
from tests.pilot import press, settle, wait_until
from tests.ui.conftest import AppFactory


def shown_keys(app: ChatApp) -> list[str]:
    """The footer's keys that are wholly visible: left of the command palette's key."""
    footer = app.screen.query_one(Footer)
    palette = footer.query_one(".-command-palette", FooterKey)
    return [
        f"{key.key_display} {key.description}"
        for key in footer.query(FooterKey)
        if key is not palette and key.region.right <= palette.region.x
    ]


async def test_a_narrow_footer_keeps_help_quit_and_the_new_line_key(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(40, 15)) as pilot:
        narrow = ["f1 Help", "^q Quit", "^j New line"]
        await wait_until(pilot, lambda: shown_keys(app) == narrow, "the compact footer")
        await press(pilot, "ctrl+f")
        in_history = ["f1 Help", "^q Quit", "⏎ Open"]
        await wait_until(pilot, lambda: shown_keys(app) == in_history, "the history's footer")


async def test_a_wide_footer_lists_the_screen_keys_in_their_order(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(160, 30)) as pilot:
        keys = ["f1 Help", "^q Quit", "^j New line", "^o Model", "^f History", "^n New chat"]
        # stop, retry and the message actions appear once there is a message
        await wait_until(pilot, lambda: shown_keys(app) == keys, "the footer's keys")


async def test_nothing_shows_right_of_the_palette_key(make_app: AppFactory) -> None:
    """Keys that don't fit scroll under the palette's key; none may peek out after it."""
    app = make_app()
    async with app.run_test(size=(60, 15)) as pilot:

        def palette_at_the_right() -> bool:
            footer = app.screen.query_one(Footer)
            palettes = footer.query(".-command-palette").results(FooterKey)
            return any(key.region.right == footer.region.right > 0 for key in palettes)

        await wait_until(pilot, palette_at_the_right, "the palette key at the right end")


async def test_the_footer_is_rebuilt_only_when_the_keys_it_shows_change(
    make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    composed: list[list[str]] = []
    compose = KeyFooter.compose

    def counted(footer: KeyFooter) -> ComposeResult:
        keys = list(compose(footer))
        composed.append([key.description for key in keys if isinstance(key, FooterKey)])
        return iter(keys)

    monkeypatch.setattr(KeyFooter, "compose", counted)
    app = make_app()
    async with app.run_test(size=(160, 30)) as pilot:
        await press(pilot, "h", "i", "enter")
        await settle(pilot)  # the first message: the message keys join the footer
        before = len(composed)
        assert "Retry" in composed[-1]
        await press(pilot, *"again", "enter")  # the same keys, streaming or not
        await settle(pilot)
        assert len(composed) == before
        await press(pilot, "ctrl+n")  # a new chat: no message keys
        await wait_until(pilot, lambda: "Retry" not in composed[-1])
