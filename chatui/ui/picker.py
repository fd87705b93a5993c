"""The model picker: a fuzzy filter over every provider's models, grouped, current one marked."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.fuzzy import Matcher
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from chatui.config import Config
from chatui.core import ModelRef
from chatui.providers import available_providers
from chatui.services.models import list_all_models


class ModelPicker(ModalScreen[ModelRef | None]):
    """Type to filter, Up/Down to move, Enter to pick, Esc to cancel."""

    BINDINGS = [
        Binding("escape", "dismiss(None)", "Cancel", id="picker.cancel"),
        Binding("down", "move(1)", "Next", show=False, id="picker.down"),
        Binding("up", "move(-1)", "Previous", show=False, id="picker.up"),
    ]

    def __init__(
        self, config: Config, current: ModelRef | None, live: dict[str, list[str]]
    ) -> None:
        """`live` caches the lists fetched from providers, between openings of the picker."""
        super().__init__()
        self.config = config
        self.current = current
        self.live = live
        self.errors: dict[str, str] = {}
        self.models: dict[str, list[str]] = {
            p.name: list(self.live.get(p.name, p.models)) for p in available_providers(config)
        }

    def compose(self) -> ComposeResult:
        with Vertical(id="picker"):
            yield Input(placeholder="Filter models…", id="picker-filter")
            yield OptionList(id="picker-options")

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        self.refill("")
        self.fetch_live()

    @work(exclusive=True, group="picker-models", exit_on_error=False)
    async def fetch_live(self) -> None:
        for result in await list_all_models(self.config):
            name = result.provider.name
            self.live[name] = self.models[name] = result.models
            if result.error is not None:
                self.errors[name] = result.error.message
        self.refill(self.query_one(Input).value)

    @on(Input.Changed, "#picker-filter")
    def _filter(self, event: Input.Changed) -> None:
        self.refill(event.value)

    def refill(self, query: str) -> None:
        options = self.query_one(OptionList)
        options.clear_options()
        matcher = Matcher(query) if query else None
        first: int | None = None
        for provider, models in self.models.items():
            scored = [(matcher.match(f"{provider}/{m}") if matcher else 1.0, m) for m in models]
            shown = [(score, m) for score, m in scored if score > 0]
            if not shown:
                continue
            if matcher:
                shown.sort(key=lambda pair: -pair[0])
            heading = Text(provider, style="bold")
            if provider in self.errors:
                heading.append(f"  (offline list: {self.errors[provider]})", style="dim")
            options.add_option(Option(heading, disabled=True))
            for _, model in shown:
                ref = ModelRef(provider, model)
                mark = "● " if ref == self.current else "  "
                options.add_option(Option(Text(mark + model), id=str(ref)))
                if first is None or (ref == self.current and not query):
                    first = options.option_count - 1
        if first is not None:
            options.highlighted = first

    def action_move(self, step: int) -> None:
        options = self.query_one(OptionList)
        if step > 0:
            options.action_cursor_down()
        else:
            options.action_cursor_up()

    @on(Input.Submitted, "#picker-filter")
    def _pick_highlighted(self) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is not None:
            self._pick(options.get_option_at_index(options.highlighted))

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self._pick(event.option)

    def _pick(self, option: Option) -> None:
        if option.id is not None and not option.disabled:
            self.dismiss(ModelRef.parse(option.id))
