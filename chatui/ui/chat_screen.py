"""The chat screen: conversation log, prompt, status bar; streams replies in a worker."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Iterator
from contextlib import aclosing, suppress
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer
from textual.worker import Worker, WorkerState

from chatui.core import ChatError, GenerationOptions, ModelRef, ReasoningDelta, TextDelta
from chatui.services import chat
from chatui.services.turns import Turn
from chatui.ui import messages as ui
from chatui.ui.conversation_view import ConversationView
from chatui.ui.picker import ModelPicker
from chatui.ui.prompt import PromptInput
from chatui.ui.status import StatusBar

if TYPE_CHECKING:
    from chatui.ui.app import ChatApp

STATUS_HZ = 4


class ChatScreen(Screen[None]):
    """Where the conversation happens."""

    BINDINGS = [
        Binding("escape", "stop", "Stop", id="chat.stop"),
        Binding("ctrl+o", "pick_model", "Model", id="chat.pick_model"),
        Binding("ctrl+r", "retry", "Retry", id="chat.retry"),
        Binding("ctrl+n", "new_chat", "New chat", id="chat.new"),
    ]

    app: ChatApp

    def __init__(
        self,
        model: ModelRef | None,
        *,
        prompt: str | None = None,
        resume_id: str | None = None,
        notice: str | None = None,
    ) -> None:
        super().__init__()
        self.model = model
        self.start_prompt = prompt
        self.resume_id = resume_id
        self.start_notice = notice
        self.session: chat.ChatSession | None = None
        self.reply: Any = None
        self.status_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield ConversationView(id="log")
        yield PromptInput(id="prompt")
        yield StatusBar(id="status")
        yield Footer()

    @property
    def view(self) -> ConversationView:
        return self.query_one(ConversationView)

    @property
    def status(self) -> StatusBar:
        return self.query_one(StatusBar)

    def on_mount(self) -> None:
        self.query_one(PromptInput).focus()
        self.new_session()
        if self.resume_id is not None:
            self.resume(self.resume_id)
        if self.start_notice:
            self.view.add_notice(self.start_notice, "warning")
        if self.model is not None:
            self.call_after_refresh(self.warm_up, self.model.provider)
        if self.start_prompt:
            self.call_after_refresh(self.send, self.start_prompt)

    def new_session(self) -> None:
        app = self.app
        model = self.model or ModelRef("none", "none")
        options = GenerationOptions(app.config.max_tokens, app.config.temperature)
        self.session = chat.ChatSession(
            app.pool, app.store, model, system=app.config.system_prompt, options=options
        )
        self.status.reset_totals()
        self.status.show(model=str(self.model) if self.model else "no model available")

    def resume(self, conversation_id: str) -> None:
        store, session = self.app.store, self.session
        if store is None or session is None:
            return
        try:
            session.load(store.get_conversation(conversation_id))
        except ChatError as exc:
            self.view.add_notice(str(exc), "error")
            return
        for turn in session.turns:
            self.show_turn(turn)
        self.model = session.model
        self.status.show(model=str(self.model))

    def show_turn(self, turn: Turn) -> None:
        if turn.role.value == "user":
            self.view.add_user(turn.content)
            return
        handle = self.view.add_assistant(turn.model_label)
        if turn.reasoning:
            self.view.append_reasoning(handle, turn.reasoning)
        self.view.append(handle, turn.content)
        if turn.status != "complete":
            self.view.set_status(handle, turn.status)
        self.view.finish(handle)
        if turn.error:
            self.view.add_notice(turn.error, "error")

    @work(exclusive=True, group="warm-up", exit_on_error=False)
    async def warm_up(self, provider: str) -> None:
        """Import the SDK and build the client in a thread, after the first paint; then list
        the models, which opens a connection the first message can reuse."""
        await self.warm(provider)
        with suppress(ChatError, TimeoutError):
            models = await asyncio.wait_for(self.app.pool.get(provider).list_models(), 10)
            self.app.model_lists[provider] = models

    async def warm(self, provider: str) -> None:
        with suppress(ChatError):  # a missing key is reported when the user sends
            await asyncio.to_thread(self.app.pool.warm, provider)

    @on(PromptInput.Submitted)
    def _submitted(self, event: PromptInput.Submitted) -> None:
        if self.session is not None and self.session.busy:
            self.notify("A reply is still streaming: Esc stops it.", severity="warning")
            return
        if self.model is None:
            self.notify("No model is available: set an API key or configure an endpoint.")
            return
        event.prompt.remember(event.text)
        event.prompt.clear()
        self.send(event.text)

    def send(self, text: str) -> None:
        assert self.session is not None
        self.view.add_user(text)
        self.run_reply(self.session.send(text))

    @work(exclusive=True, group="reply", exit_on_error=False)
    async def run_reply(self, events: AsyncGenerator[chat.SessionEvent, None]) -> None:
        """Relay the session's events to the screen as messages."""
        if self.session is not None:  # never import an SDK on the event loop
            await self.warm(self.session.model.provider)
        async with aclosing(events) as stream:
            async for event in stream:
                if isinstance(event, TextDelta):
                    self.post_message(ui.ReplyText(event.text))
                elif isinstance(event, ReasoningDelta):
                    self.post_message(ui.ReplyReasoning(event.text))
                elif isinstance(event, chat.ReplyStarted):
                    self.post_message(ui.ReplyStarted(event.turn))
                elif isinstance(event, chat.ReplyEnded):
                    self.post_message(ui.ReplyEnded(event.turn, event.error))
                elif isinstance(event, chat.NotSaved):
                    self.post_message(ui.SaveFailed(event.error))

    def on_reply_started(self, message: ui.ReplyStarted) -> None:
        self.reply = self.view.add_assistant(message.turn.model_label)
        self.status_timer = self.set_interval(1 / STATUS_HZ, self.refresh_status)
        self.refresh_status()

    def on_reply_text(self, message: ui.ReplyText) -> None:
        if self.reply is not None:
            self.view.append(self.reply, message.text)

    def on_reply_reasoning(self, message: ui.ReplyReasoning) -> None:
        if self.reply is not None:
            self.view.append_reasoning(self.reply, message.text)

    def on_reply_ended(self, message: ui.ReplyEnded) -> None:
        self.end_reply(message.turn.status)
        if message.error is not None:
            hint = " — press ctrl+r to retry" if message.error.retryable else ""
            self.view.add_notice(f"{message.error}{hint}", "error")

    def on_save_failed(self, message: ui.SaveFailed) -> None:
        text = f"Not saved: {message.error.message}. The conversation continues unsaved."
        self.view.add_notice(text, "warning")

    def end_reply(self, status: str) -> None:
        if self.reply is not None:
            if status != "complete":
                self.view.set_status(self.reply, status)
            self.view.finish(self.reply)
            self.reply = None
        if self.status_timer is not None:
            self.status_timer.stop()
            self.status_timer = None
        if self.session is not None and self.session.stats is not None:
            self.status.add_totals(self.session.stats)
        self.refresh_status()

    def refresh_status(self) -> None:
        stats = self.session.stats if self.session else None
        self.status.show(model=str(self.model) if self.model else None, stats=stats)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "reply":
            return
        if event.state == WorkerState.CANCELLED:
            self.end_reply("stopped")
        elif event.state == WorkerState.ERROR:  # a bug, not a provider fault: show, don't die
            self.end_reply("error")
            self.view.add_notice(f"Internal error: {event.worker.error!r}", "error")

    def action_stop(self) -> None:
        if self.session is not None and self.session.busy:
            self.workers.cancel_group(self, "reply")

    def action_retry(self) -> None:
        if self.session is None or self.session.busy or not self.session.turns:
            return
        self.run_reply(self.session.retry())

    def action_new_chat(self) -> None:
        if self.session is not None and self.session.busy:
            self.action_stop()
        self.view.clear()
        self.new_session()
        self.query_one(PromptInput).focus()

    def action_pick_model(self) -> None:
        def picked(ref: ModelRef | None) -> None:
            if ref is None or self.session is None:
                return
            self.model = self.session.model = ref
            self.status.show(model=str(ref))
            self.warm_up(ref.provider)

        self.app.push_screen(ModelPicker(self.app.config, self.model, self.app.model_lists), picked)

    def commands(self) -> Iterator[SystemCommand]:
        yield SystemCommand(
            "Pick model", "Choose the model for the next reply", self.action_pick_model
        )
        yield SystemCommand("New chat", "Start a new conversation", self.action_new_chat)
        yield SystemCommand("Retry reply", "Ask again after an error", self.action_retry)
        yield SystemCommand("Stop reply", "Stop the streaming reply", self.action_stop)
