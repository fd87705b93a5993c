"""The choice when a request won't fit the model: send the newest messages that fit, compact
the earlier part, or pick another model. It sits at the bottom, over the prompt, the
conversation still in view; the first choice is highlighted."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from chatui.core import ModelRef, short_count
from chatui.services.context.budget import Budget
from chatui.services.context.fitting import Overflow
from chatui.ui.keymap import ScreenKeys

PICK = "pick"  # the third choice: not an `Overflow` policy, a model to pick


@dataclass(frozen=True, slots=True)
class Situation:
    """What is said above the choices: the model, the request's budget, how many of the
    turns would be sent by the first choice (None: not even the new message fits)."""

    model: ModelRef
    budget: Budget
    fitting: int | None
    total: int
    compactor: ModelRef | None  # who would summarise (None: no model can read it all)


def headline(situation: Situation) -> Text:
    budget = situation.budget
    used = ("~" if budget.estimated else "") + f"{budget.used:,}"
    text = Text(f"Too long for {situation.model}: ", style="bold")
    text.append(f"{used} tokens; it takes {budget.limit or 0:,}")
    text.append(f" ({short_count(budget.window)} window less {budget.reserve:,} for the reply)")
    return text


class OverflowChoice(ModalScreen[str | None]):
    """1, 2, 3 (or arrows and Enter) choose; Esc goes back to the prompt, nothing sent."""

    KEYS = ScreenKeys("Too long for the model", 9)

    BINDINGS = [
        Binding("1", "choose('window')", "Send what fits", id="overflow.window"),
        Binding("2", "choose('compact')", "Compact", id="overflow.compact"),
        Binding("3", "choose('pick')", "Other model", id="overflow.pick"),
        Binding("escape", "dismiss(None)", "Back to editing", id="overflow.cancel"),
    ]

    def __init__(self, situation: Situation) -> None:
        super().__init__()
        self.situation = situation

    def compose(self) -> ComposeResult:
        with Vertical(id="overflow"):
            yield Label(headline(self.situation), id="overflow-headline")
            yield OptionList(*self._options(), id="overflow-options")
            yield Label("1-3, or ↑↓ and Enter: choose · Esc: back to editing", id="overflow-hint")

    def _options(self) -> list[Option]:
        s = self.situation
        if s.fitting is None:
            window = "1  Send what fits: not even your message fits this model"
        else:
            window = f"1  Send the newest messages that fit ({s.fitting} of {s.total})"
        compact = (
            f"2  Compact: {s.compactor} summarises the earlier part, then your message goes"
            if s.compactor
            else "2  Compact: not here (no model with a known window can read enough of it)"
        )
        return [
            Option(window, id=Overflow.WINDOW, disabled=s.fitting is None),
            Option(compact, id=Overflow.COMPACT, disabled=s.compactor is None),
            Option("3  Pick another model (those whose window fits)", id=PICK),
        ]

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.focus()
        options.highlighted = next(
            (i for i in range(options.option_count) if not options.get_option_at_index(i).disabled),
            None,
        )

    def action_choose(self, choice: str) -> None:
        option = self.query_one(OptionList).get_option(choice)
        if not option.disabled:
            self.dismiss(choice)

    @on(OptionList.OptionSelected, "#overflow-options")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.dismiss(event.option.id)
