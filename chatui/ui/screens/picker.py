"""The model picker: a fuzzy filter over every provider's models, grouped, current one marked."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.fuzzy import Matcher
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from chatui.config import Config
from chatui.core import GenerationOptions, ModelRef, short_count
from chatui.providers import available_providers
from chatui.services.context.budget import reply_reserve
from chatui.services.models import list_all_models
from chatui.services.pool import ProviderPool
from chatui.ui.keymap import ScreenKeys
from chatui.ui.onboarding import no_models_text


class ModelPicker(ModalScreen[ModelRef | None]):
    """Type to filter, Up/Down to move, Enter to pick, Esc to cancel."""

    KEYS = ScreenKeys("Model picker", 3, Input)

    BINDINGS = [
        Binding("escape", "dismiss(None)", "Cancel", id="picker.cancel"),
        Binding("down", "move(1)", "Next", show=False, id="picker.down"),
        Binding("up", "move(-1)", "Previous", show=False, id="picker.up"),
    ]

    def __init__(
        self,
        config: Config,
        current: ModelRef | None,
        live: dict[str, list[str]],
        pool: ProviderPool,
        need: int | None = None,
    ) -> None:
        """`live` caches the lists fetched from providers, between openings of the picker;
        `pool` says what each model can take (its window is shown beside it)."""
        super().__init__()
        self.config = config
        self.pool = pool
        self.need = need  # prompt tokens the model must take (a conversation too long)
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
            yield Static(id="picker-note")

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        self.refill("")
        self.fetch_live()

    @work(exclusive=True, group="picker-models", exit_on_error=False)
    async def fetch_live(self) -> None:
        for result in await list_all_models(self.config):
            name = result.provider.name
            self.live[name] = self.models[name] = result.models
            self.pool.heard(name, result.served)
            if result.error is not None:
                self.errors[name] = result.error.message
        self.refill(self.query_one(Input).value, keep=True)

    @on(Input.Changed, "#picker-filter")
    def _filter(self, event: Input.Changed) -> None:
        self.refill(event.value)

    def refill(self, query: str, *, keep: bool = False) -> None:
        """List the models matching `query`, best first; highlight the first, or the current
        model while nothing is typed, or (`keep`: the live lists came) the one highlighted."""
        options = self.query_one(OptionList)
        kept = options.highlighted_option.id if keep and options.highlighted_option else None
        matcher = Matcher(query) if query else None
        wanted = kept or (str(self.current) if self.current and not query else None)
        items: list[Option] = []
        target: int | None = None
        for provider, models in self.models.items():
            scored = [
                (matcher.match(f"{provider}/{m}") if matcher else 1.0, m)
                for m in models
                if self._takes(ModelRef(provider, m))
            ]
            shown = [(score, m) for score, m in scored if score > 0]
            if not shown:
                continue
            if matcher:
                shown.sort(key=lambda pair: -pair[0])
            heading = Text(provider, style="bold")
            if provider in self.errors:
                heading.append("  (offline list: see below)", style="dim")
            items.append(Option(heading, disabled=True))
            width = max(len(model) for _, model in shown)
            for _, model in shown:
                ref = ModelRef(provider, model)
                if target is None or str(ref) == wanted:
                    target = len(items)
                items.append(Option(self._line(ref, width), id=str(ref)))
        note, text = self.query_one("#picker-note", Static), self._note(query, bool(items))
        note.update(text)
        note.display = bool(text)
        self.query_one("#picker").set_class(not items, "-empty")  # the note takes the room
        options.clear_options()
        options.add_options(items)
        options.highlighted = target

    def _takes(self, ref: ModelRef) -> bool:
        """Whether `ref`'s window takes what is needed (unknown windows don't)."""
        if self.need is None:
            return True
        caps = self.pool.capabilities(ref)
        reserve = reply_reserve(GenerationOptions(self.config.max_tokens), caps)
        return caps.context is not None and caps.context - reserve >= self.need

    def _line(self, ref: ModelRef, width: int) -> Text:
        """`● model   128k`: the current model marked, the window beside (`?`: unknown)."""
        line = Text("● " if ref == self.current else "  ")
        line.append(ref.model.ljust(width + 2))
        line.append(short_count(self.pool.capabilities(ref).context).rjust(5), style="dim")
        return line

    def _note(self, query: str, listed: bool) -> Text:
        """Why the list is empty, and which live lists failed (it wraps; the list doesn't)."""
        lines = [f"{name}: {error}" for name, error in self.errors.items()]
        if self.need is not None:
            lines.insert(0, f"Models whose window takes ~{self.need:,} tokens (known windows).")
        if not self.models:
            lines.insert(0, no_models_text(self.config))
        elif not listed:
            lines.insert(0, f"No model matches {query!r}: Enter takes provider/model as typed.")
        return Text("\n".join(lines))

    def action_move(self, step: int) -> None:
        options = self.query_one(OptionList)
        if step > 0:
            options.action_cursor_down()
        else:
            options.action_cursor_up()

    @on(Input.Submitted, "#picker-filter")
    def _pick_highlighted(self, event: Input.Submitted) -> None:
        """The highlighted model; if none matches, a `provider/model` typed in full (one the
        lists don't show); else stay open and say so."""
        options = self.query_one(OptionList)
        if options.highlighted is not None:
            self._pick(options.get_option_at_index(options.highlighted))
            return
        typed = event.value.strip()
        provider, _, model = typed.partition("/")
        if provider in self.models and model:
            self.dismiss(ModelRef(provider, model))
        elif typed:
            known = ", ".join(self.models) or "none"
            self.notify(
                f"No model matches {typed!r}. To use one that isn't listed, type "
                f"provider/model (providers: {known}).",
                severity="warning",
            )

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self._pick(event.option)

    def _pick(self, option: Option) -> None:
        if option.id is not None and not option.disabled:
            self.dismiss(ModelRef.parse(option.id))
