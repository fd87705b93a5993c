"""The footer: help and quit first, then the focused field's keys, then the screen's in the
order it declares them (Textual's order came from whichever widget first used a key), so a
narrow terminal still shows how to get help and out; tighter spacing when it is narrow."""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

#: Actions shown before all others, in this order.
FIRST = ("help", "quit")
#: Below this many columns the keys are drawn without padding.
COMPACT_BELOW = 100


class KeyFooter(Footer):
    """Textual's footer, in the order above."""

    # compact, Textual gives the palette's key the right margin the other keys have: the last
    # column then showed a letter of the keys scrolled under it, after "^p palette"
    DEFAULT_CSS = """
    KeyFooter.-compact FooterKey.-command-palette {
        margin-right: 0;
    }
    """

    _coalescing = False  # a recompose is queued: it will show bindings changed until then

    def bindings_changed(self, screen: Screen[object]) -> None:
        """Textual queues a recompose (20-odd widgets) for every change of bindings; opening
        a screen changes them a dozen times in one frame. One recompose shows them all."""
        if self._coalescing:
            return
        self._coalescing = True
        self.call_after_refresh(self._end_coalescing)
        super().bindings_changed(screen)

    def _end_coalescing(self) -> None:
        self._coalescing = False

    _shown: tuple[object, ...] | None = None  # what the keys shown were made from

    async def recompose(self) -> None:
        """Make the keys again only if they would differ: focus moving between widgets with
        the same keys (the prompt and the log), a reply starting, or a screen kept between
        openings (the history) change the bindings, not the keys shown."""
        if not self.is_attached or self._pruning:
            return
        shown = self.shown()
        if shown != self._shown or not self.children:
            self._shown = shown
            await super().recompose()

    def shown(self) -> tuple[object, ...]:
        """Everything `compose` reads: the active bindings (and whether each is enabled)."""
        bindings = tuple(
            (key, b.key, b.key_display, b.action, b.description, b.tooltip, b.show, b.group, *rest)
            for key, (_, b, *rest) in self.screen.active_bindings.items()
        )
        palette, groups = self.show_command_palette, self.combine_groups
        return (self._bindings_ready, self.compact, palette, groups, bindings)

    def compose(self) -> ComposeResult:
        declared = [b.action for b in type(self.screen).BINDINGS if isinstance(b, Binding)]

        def rank(widget: Widget) -> int:
            action = widget.action if isinstance(widget, FooterKey) else ""
            if action in FIRST:
                return FIRST.index(action)
            return len(FIRST) + 1 + declared.index(action) if action in declared else len(FIRST)

        widgets = sorted(super().compose(), key=rank)  # stable: the focused field's keep order
        for widget in widgets:
            if isinstance(widget, FooterKey) and not widget.has_class("-command-palette"):
                self.born_compact(widget)
        yield from widgets

    def born_compact(self, key: FooterKey) -> None:
        """A key bound to the footer's `compact` made with it and its class already. Textual's
        start compact (the class added, restyled), then the binding makes them wide (the class
        removed, restyled again): 40-odd restyles per recompose. The palette's key is not bound
        (it stays compact)."""
        key.set_reactive(FooterKey.compact, self.compact)
        key.set_class(self.compact, "-compact", update=False)

    def on_resize(self, event: events.Resize) -> None:
        self.compact = event.size.width < COMPACT_BELOW
