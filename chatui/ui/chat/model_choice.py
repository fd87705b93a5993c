"""What answers next and how (both the session's): the model (picking it, warming its provider,
local servers) and the conversation settings (the dialog, presets, the status badge)."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Callable, Iterator
from contextlib import suppress
from typing import TYPE_CHECKING, cast

from textual.app import SystemCommand

from chatui.core import ChatError, ConfigError, ModelRef
from chatui.services.discovery import discover
from chatui.services.models import resolve_model
from chatui.services.session.settings import ConversationSettings
from chatui.ui.chat.status_bar import StatusBar
from chatui.ui.chat.transcript import Transcript
from chatui.ui.conversation.markdown_blocks import warm_rendering
from chatui.ui.onboarding import chosen_model, model_note
from chatui.ui.screens.picker import ModelPicker
from chatui.ui.screens.settings import SettingsDialog

if TYPE_CHECKING:
    from chatui.ui.app import ChatApp


class ModelChoice:
    """The chat's model: the shown session's (`transcript.session.model`), the only record of
    it; the status bar reads it there too."""

    def __init__(self, transcript: Transcript, status: StatusBar) -> None:
        self.transcript, self.status = transcript, status

    @property
    def app(self) -> ChatApp:
        return cast("ChatApp", self.transcript.app)

    @property
    def current(self) -> ModelRef | None:
        """The session's model; None while no model is available."""
        session = self.transcript.session
        return chosen_model(session.model) if session is not None else None

    def use(self, ref: ModelRef) -> None:
        """The next reply comes from `ref`."""
        if self.transcript.session is not None:
            self.transcript.session.model = ref
        self.status.show(note=model_note(self.app.config, ref))
        self.warm_up(ref.provider)

    def pick(self, need: int | None = None, then: Callable[[ModelRef], None] | None = None) -> None:
        """Open the model picker; the model picked answers next, then `then` runs. `need`:
        only the models whose window takes that many prompt tokens are offered."""

        def picked(ref: ModelRef | None) -> None:
            if ref is not None:
                self.use(ref)
                if then is not None:
                    then(ref)

        app = self.app
        picker = ModelPicker(app.config, self.current, app.model_lists, app.pool, need)
        self.app.push_screen(picker, picked)

    def warm_up(self, provider: str) -> None:
        """Import the SDK and build the client in a thread, after the first paint; then list
        the models, which opens a connection the first message can reuse."""
        self.transcript.run_worker(
            self._warm_up(provider), group="warm-up", exclusive=True, exit_on_error=False
        )

    async def _warm_up(self, provider: str) -> None:
        pool = self.app.pool
        with suppress(ChatError):  # a missing key is reported when the user sends
            await asyncio.to_thread(pool.warm, provider)
        await asyncio.to_thread(warm_rendering)
        gc.freeze()  # what start-up imported lives as long as the app: see ChatApp.on_mount
        with suppress(ChatError, TimeoutError):
            models = await asyncio.wait_for(pool.get(provider).list_models(), 10)
            self.app.model_lists[provider] = models
            current = self.current.model if self.current else None
            asked = models + ([current] if current and current not in models else [])
            await asyncio.wait_for(pool.get(provider).fetch_capabilities(asked), 10)
            self.status.refresh()  # the meter: the model's window, as its server says

    def discover_endpoints(self) -> None:
        """Probe for local servers after the first paint; they join the model picker."""
        self.transcript.run_worker(
            self._discover(), group="discover", exclusive=True, exit_on_error=False
        )

    async def _discover(self) -> None:
        found = await discover(self.app.config)
        if not found:
            return
        names = ", ".join(f"{p.name} ({len(p.models)} models)" for p in found)
        if self.current is None and found[0].models and self.transcript.session is not None:
            self.use(ModelRef(found[0].name, found[0].models[0]))
            text = f"Found {names}; using {self.current}. ctrl+o picks another."
            self.transcript.add_notice(text)
        else:
            self.transcript.notify(f"Found local servers: {names}. ctrl+o to pick their models.")


class SettingsActions:
    """The chat's side of conversation settings: opening the dialog, presets (which may also
    pick the model), the status bar's badge."""

    def __init__(self, transcript: Transcript, status: StatusBar, models: ModelChoice) -> None:
        self.transcript, self.status, self.models = transcript, status, models

    def reset(self) -> None:
        """A new conversation starts with the app's settings (the config's, or `chatui -p`'s)."""
        if self.transcript.session is not None:
            self.transcript.session.use_settings(self.models.app.start_settings)
        self.show_badge()

    def show_badge(self) -> None:
        session = self.transcript.session
        self.status.show(badge=session.settings.badge if session is not None else "")

    def open(self) -> None:
        session = self.transcript.session
        if session is None:
            return

        def saved(settings: ConversationSettings | None) -> None:
            if settings is not None and settings != session.settings:
                self.apply(settings)
                self.transcript.notify("Conversation settings saved: they apply to the next reply.")

        self.models.app.push_screen(SettingsDialog(session.settings), saved)

    def apply(self, settings: ConversationSettings) -> None:
        """Use and save `settings` for the current conversation."""
        if self.transcript.session is not None:
            self.transcript.session.configure(settings)
        self.show_badge()

    def use_preset(self, name: str) -> None:
        """Apply the preset `name` to the current conversation (and its model, if it sets one)."""
        config = self.models.app.config
        preset = config.presets[name]
        self.apply(ConversationSettings.from_config(config, preset))
        if preset.model is not None:
            try:
                self.models.use(resolve_model(config, str(preset.model)))
            except ConfigError as exc:
                self.transcript.notify(f"Preset {name}: {exc}", severity="error")
                return
        self.transcript.notify(f"Preset {name} applies to the next reply.")

    def commands(self) -> Iterator[SystemCommand]:
        for name in sorted(self.models.app.config.presets):
            yield SystemCommand(
                f"Use preset: {name}",
                "Apply this preset from the config to the conversation",
                lambda name=name: self.use_preset(name),
            )
