"""The status bar: the model, how full its window is, the reply's state, speed, tokens, cost."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from rich.text import Text
from textual.timer import Timer
from textual.widget import Widget

from chatui.core import Attachment
from chatui.services.context.budget import Budget
from chatui.services.session.turns import ReplyStats
from chatui.ui.context.meter import meter
from chatui.ui.onboarding import chosen_model

if TYPE_CHECKING:
    from chatui.services.session.chat import ChatSession

STATUS_HZ = 4
Draft = tuple[str, Sequence[Attachment]]  # the prompt's text and the files attached


def money(value: float) -> str:
    return f"${value:.4f}" if value < 1 else f"${value:.2f}"


class StatusBar(Widget):
    """One line at the bottom: `provider/model · state · ttft · tok/s · tokens · cost`, read
    from the session shown (its model is the one source of which model answers next)."""

    DEFAULT_CSS = """
    StatusBar {
        height: 1;
        padding: 0 1;
        background: $panel;
        color: $text-muted;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.session: ChatSession | None = None
        self.timer: Timer | None = None  # refreshes the figures while a reply streams
        self.note = ""
        self.badge = ""  # a preset or system prompt in effect
        self.stats: ReplyStats | None = None
        self.total_tokens = (0, 0)
        self.total_cost: float | None = None
        self.draft: Callable[[], Draft] = lambda: ("", ())  # what the next message holds

    def show_session(self, session: ChatSession, note: str) -> None:
        """Show `session`'s model and figures from now on, its totals from zero."""
        self.session, self.note = session, note
        self.stop_following()
        self.reset_totals()

    def follow_reply(self) -> None:
        """A reply streams: its figures refresh a few times a second."""
        self.stop_following()
        self.timer = self.set_interval(1 / STATUS_HZ, self.show_stats)
        self.show_stats()

    def reply_ended(self) -> None:
        """The reply ended: its figures count in the conversation's totals."""
        self.stop_following()
        if self.session is not None and self.session.stats is not None:
            self.add_totals(self.session.stats)
        self.show_stats()

    def stop_following(self) -> None:
        if self.timer is not None:
            self.timer.stop()
            self.timer = None

    def show_stats(self) -> None:
        self.show(stats=self.session.stats if self.session else None)

    def show(
        self,
        *,
        stats: ReplyStats | None = None,
        note: str | None = None,
        badge: str | None = None,
    ) -> None:
        if stats is not None:
            self.stats = stats
        if note is not None:
            self.note = note
        if badge is not None:
            self.badge = badge
        self.refresh()

    def add_totals(self, stats: ReplyStats) -> None:
        if stats.usage is not None:
            tokens_in, tokens_out = self.total_tokens
            self.total_tokens = (
                tokens_in + stats.usage.input_tokens,
                tokens_out + stats.usage.output_tokens,
            )
        if stats.cost is not None:
            self.total_cost = (self.total_cost or 0.0) + stats.cost

    def reset_totals(self) -> None:
        self.total_tokens, self.total_cost, self.stats = (0, 0), None, None
        self.refresh()

    def budget(self) -> Budget | None:
        """The next request (the draft sent) against the model's window; None without one."""
        if self.session is None or chosen_model(self.session.model) is None:
            return None
        return self.session.budget(*self.draft())

    def render(self) -> Text:
        model = chosen_model(self.session.model) if self.session else None
        label = str(model) if model else "no model available" if self.session else "no model"
        text = Text(label, style="bold")
        if self.badge:
            text.append(f" [{self.badge}]", style="not bold")
        if (budget := self.budget()) is not None:
            theme = self.app.current_theme
            text.append("  ")
            text.append_text(meter(budget, theme.warning or "yellow", theme.error or "red"))
        parts = self._reply_parts()
        if parts:
            text.append("  " + " · ".join(parts))
        tokens_in, tokens_out = self.total_tokens
        if tokens_in or tokens_out:
            total = f"chat {tokens_in}→{tokens_out} tok"
            if self.total_cost is not None:
                total += f" {money(self.total_cost)}"
            text.append("  │ " + total)
        if self.note:
            text.append("  │ " + self.note, style="italic")
        return text

    def _reply_parts(self) -> list[str]:
        stats = self.stats
        if stats is None:
            return []
        parts = [stats.state]
        if stats.ttft is not None:
            parts.append(f"ttft {stats.ttft:.2f}s")
        speed = stats.tokens_per_second
        if speed is not None:
            parts.append(f"{speed:.0f} tok/s")
        if stats.usage is not None:
            parts.append(f"{stats.usage.input_tokens}→{stats.usage.output_tokens} tok")
        if stats.cost is not None:
            parts.append(money(stats.cost))
        return parts
