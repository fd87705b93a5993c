"""The chat screen: conversation log, prompt, status bar; streams replies in a worker."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Iterator
from contextlib import suppress
from typing import TYPE_CHECKING

from textual import events, on, work
from textual.app import ComposeResult, SystemCommand
from textual.screen import Screen
from textual.worker import Worker, WorkerCancelled, WorkerFailed

from chatui.core import ChatError, GenerationOptions, MessageStatus, ModelRef, Role
from chatui.services.discovery import discover
from chatui.services.prompt_history import PromptHistory
from chatui.services.session import chat
from chatui.services.session.turns import Turn
from chatui.ui.chat import messages as ui
from chatui.ui.chat import thinking
from chatui.ui.chat.attachment_bar import Attacher, AttachmentBar, chip_labels
from chatui.ui.chat.commands import CHAT_BINDINGS, palette_commands
from chatui.ui.chat.deletions import OpenConversationDeletion
from chatui.ui.chat.message_cursor import MESSAGE_ACTIONS, MessageCursor
from chatui.ui.chat.onboarding import NO_MODEL, model_note, welcome_text
from chatui.ui.chat.prompt import PromptInput
from chatui.ui.chat.reply import ReplyRelay, turn_notices
from chatui.ui.chat.status_bar import StatusBar
from chatui.ui.conversation.entries import Entry
from chatui.ui.conversation.markdown_blocks import warm_rendering
from chatui.ui.conversation.view import ConversationView
from chatui.ui.footer import KeyFooter
from chatui.ui.keymap import ScreenKeys
from chatui.ui.screens.history import HistoryScreen, Opened
from chatui.ui.screens.picker import ModelPicker
from chatui.ui.screens.settings import SettingsActions

if TYPE_CHECKING:
    from chatui.ui.app import ChatApp, Start


class ChatScreen(Screen[None]):
    """Where the conversation happens."""

    KEYS = ScreenKeys("Chat", 1, PromptInput)

    BINDINGS = CHAT_BINDINGS

    app: ChatApp

    def __init__(self, start: Start) -> None:
        super().__init__()
        self.start = start
        self.model = start.model
        self.session: chat.ChatSession | None = None
        self.reply: ReplyRelay | None = None  # the reply streaming now, or the last one
        self.entry_for: dict[Turn, Entry] = {}
        self.cursor = MessageCursor(self)
        self.settings_actions = SettingsActions(self)
        self.attacher = Attacher(self)
        self.deletion = OpenConversationDeletion(self)

    def compose(self) -> ComposeResult:
        yield ConversationView(id="log")
        yield AttachmentBar(id="attachments")
        yield PromptInput(id="prompt", history_file=PromptHistory())
        yield StatusBar(id="status")
        yield KeyFooter()

    @property
    def view(self) -> ConversationView:
        return self.query_one(ConversationView)

    @property
    def status(self) -> StatusBar:
        return self.query_one(StatusBar)

    @property
    def prompt(self) -> PromptInput:
        return self.query_one(PromptInput)

    def on_mount(self) -> None:
        self.query_one(PromptInput).focus()
        self.new_session()
        if self.start.resume_id is not None:
            self.resume(self.start.resume_id)
        if self.start.notice:
            self.view.add_notice(self.start.notice, "warning")
        if self.model is None:
            self.view.add_notice(welcome_text(self.app.config), "info")
        else:
            self.call_after_refresh(self.warm_up, self.model.provider)
        self.call_after_refresh(self.discover_endpoints)
        if self.start.prompt:
            self.call_after_refresh(self.send, self.start.prompt)

    def new_session(self) -> None:
        app = self.app
        model = self.model or ModelRef("none", "none")
        options = GenerationOptions(app.config.max_tokens, app.config.temperature)
        self.session = chat.ChatSession(
            app.pool, app.store, model, system=app.config.system_prompt, options=options
        )
        self.settings_actions.reset()
        self.deletion.deleted_id = None
        self.cursor.cancel_edit()
        self.cursor.selected = None
        self.status.reset_totals()
        self.status.show(
            model=str(self.model) if self.model else "no model available",
            note=model_note(app.config, self.model),
        )
        self.refresh_bindings()

    def resume(self, conversation_id: str, message_id: str | None = None) -> None:
        store, session = self.app.store, self.session
        if store is None or session is None:
            return
        try:
            session.load(store.get_conversation(conversation_id))
        except ChatError as exc:
            self.view.add_notice(str(exc), "error")
            return
        if message_id is not None:
            session.show_message(message_id)
        self.redraw()
        self.refresh_bindings()
        self.prompt.add_to_recall(t.content for t in session.turns if t.role is Role.USER)
        self.model = session.model
        self.status.show(model=str(self.model))
        self.settings_actions.show_badge()
        index = next((i for i, t in enumerate(session.turns) if t.id == message_id), None)
        if index is not None:
            self.cursor.show(index)

    def redraw(self) -> None:
        """Show the session's current branch from scratch."""
        self.view.clear()
        self.entry_for.clear()
        for turn in self.session.turns if self.session else []:
            self.show_turn(turn)

    def branch_label(self, turn: Turn) -> str:
        position, count = self.session.branch_position(turn) if self.session else (1, 1)
        return f"  [{position}/{count}]" if count > 1 else ""

    def show_turn(self, turn: Turn) -> None:
        """Add `turn` to the view, with the notices that belong to it."""
        if turn.role is Role.SYSTEM:
            self.entry_for[turn] = self.view.add_system(turn.content)
            return
        if turn.role is Role.USER:
            label, chips = self.branch_label(turn), chip_labels(turn.attachments)
            self.entry_for[turn] = self.view.add_user(turn.content + label, chips)
            return
        handle = self.view.add_assistant(turn.model_label + self.branch_label(turn))
        self.entry_for[turn] = handle
        if turn.reasoning:
            self.view.append_reasoning(handle, turn.reasoning)
        self.view.append(handle, turn.content)
        if turn.status != MessageStatus.COMPLETE:
            self.view.set_status(handle, turn.status)
        self.view.finish(handle)
        limit = self.session.options.max_tokens if self.session else None
        for text, kind in turn_notices(turn, limit):
            self.view.add_notice(text, kind)

    @work(exclusive=True, group="warm-up", exit_on_error=False)
    async def warm_up(self, provider: str) -> None:
        """Import the SDK and build the client in a thread, after the first paint; then list
        the models, which opens a connection the first message can reuse."""
        with suppress(ChatError):  # a missing key is reported when the user sends
            await asyncio.to_thread(self.app.pool.warm, provider)
        await asyncio.to_thread(warm_rendering)
        with suppress(ChatError, TimeoutError):
            models = await asyncio.wait_for(self.app.pool.get(provider).list_models(), 10)
            self.app.model_lists[provider] = models

    @work(exclusive=True, group="discover", exit_on_error=False)
    async def discover_endpoints(self) -> None:
        """Probe for local servers after the first paint; they join the model picker."""
        found = await discover(self.app.config)
        if not found:
            return
        names = ", ".join(f"{p.name} ({len(p.models)} models)" for p in found)
        if self.model is None and found[0].models and self.session is not None:
            self.use_model(ModelRef(found[0].name, found[0].models[0]))
            self.view.add_notice(f"Found {names}; using {self.model}. ctrl+o picks another.")
        else:
            self.notify(f"Found local servers: {names}. ctrl+o to pick their models.")

    def use_model(self, ref: ModelRef) -> None:
        """The next reply comes from `ref`."""
        self.model = ref
        if self.session is not None:
            self.session.model = ref
        self.status.show(model=str(ref), note=model_note(self.app.config, ref))
        self.warm_up(ref.provider)

    @property
    def streaming(self) -> bool:
        """A reply streams (or, stopped, is still being saved): no other can start."""
        return self.reply is not None and self.reply.running

    @on(PromptInput.Submitted)
    def _submitted(self, event: PromptInput.Submitted) -> None:
        if self.attacher.command(event.text):
            return
        if self.reply is not None and self.reply.stopping:
            self.notify("Saving the stopped reply: press Enter again in a moment.")
            return
        if self.streaming:
            self.notify("A reply is still streaming: Esc stops it.", severity="warning")
            return
        if self.model is None:
            self.notify(NO_MODEL)
            return
        event.prompt.remember(event.text, sent=True)
        event.prompt.clear()
        if self.cursor.editing is not None and self.session is not None:
            index = self.cursor.editing
            self.cursor.end_edit()
            self.run_reply(self.session.edit(index, event.text), redraw=True)
            return
        self.send(event.text)

    def send(self, text: str) -> None:
        assert self.session is not None
        events = self.session.send(text, self.attacher.take())
        self.show_turn(self.session.turns[-1])
        self.run_reply(events)

    def run_reply(
        self, events: AsyncGenerator[chat.SessionEvent, None], redraw: bool = False
    ) -> None:
        """Stream a reply (the session's turns already hold what it answers; `redraw` when
        they changed in place), following it to the bottom; Esc stops it."""
        self.cursor.unselect()
        if redraw:
            self.redraw()
        self.view.follow()
        self.reply = ReplyRelay(self)
        self.reply.start(events)

    def on_reply_started(self, message: ui.ReplyStarted) -> None:
        message.relay.started(message.turn)
        self.refresh_bindings()  # the first message: the footer offers the message keys

    def on_reply_text(self, message: ui.ReplyText) -> None:
        message.relay.text(message.text)

    def on_reply_reasoning(self, message: ui.ReplyReasoning) -> None:
        message.relay.reasoning(message.text)

    def on_reply_ended(self, message: ui.ReplyEnded) -> None:
        message.relay.ended(message)

    def on_save_failed(self, message: ui.SaveFailed) -> None:
        message.relay.save_failed(message)

    def on_saved_as_new(self, message: ui.SavedAsNew) -> None:
        message.relay.saved_as_new()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if self.reply is not None:
            self.reply.worker_changed(event)

    def action_stop(self) -> None:
        if self.streaming and self.reply is not None:
            self.reply.stop()
        elif not self.cursor.cancel_edit():
            self.cursor.unselect()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Keys that act on messages are off (and out of the footer) until there is one."""
        if action in MESSAGE_ACTIONS:
            return self.session is not None and (self.session.busy or bool(self.session.turns))
        return True

    def action_retry(self) -> None:
        if self.session is None or self.streaming or not self.session.turns:
            return
        self.run_reply(self.session.retry(), redraw=True)  # the old reply: alt+left shows it

    def action_select(self, step: int) -> None:
        self.cursor.select(step)

    def action_copy_message(self) -> None:
        self.cursor.copy_message()

    def action_copy_code(self) -> None:
        self.cursor.copy_code()

    def action_edit(self) -> None:
        self.cursor.edit()

    def action_branch(self, step: int) -> None:
        self.cursor.branch(step)

    def action_scroll_log(self, where: str) -> None:
        self.view.go(where)

    def on_key(self, event: events.Key) -> None:
        """Typing (or pasting) while the log has the focus goes to the prompt."""
        if event.is_printable and event.character:
            self.to_prompt(event, event.character)

    def on_paste(self, event: events.Paste) -> None:
        self.to_prompt(event, event.text)

    def to_prompt(self, event: events.Event, text: str) -> None:
        if self.focused is self.view:
            event.stop()
            self.prompt.focus()
            self.prompt.insert(text)

    def action_toggle_thinking(self) -> None:
        thinking.toggle_blocks(self)

    def leave_conversation(self) -> Worker[None] | None:
        """Show a new, empty conversation. A reply streaming in the old one stops (it is saved
        as stopped) and nothing more of it is shown; returns its worker while it saves."""
        reply, self.reply = self.reply, None
        stopping = reply.detach() if reply is not None else None
        self.view.clear()
        self.entry_for.clear()
        self.new_session()
        return stopping

    def action_history(self) -> None:
        async def opened(choice: Opened | None) -> None:
            if choice is None:
                self.deletion.reopen_if_restored()
                return
            stopping = self.leave_conversation()
            if stopping is not None and choice.conversation_id is not None:
                with suppress(WorkerCancelled, WorkerFailed):  # it may be the one opened:
                    await stopping.wait()  # show its reply as saved
            if choice.conversation_id is not None:
                self.resume(choice.conversation_id, choice.message_id)
            self.prompt.focus()

        self.app.push_screen(HistoryScreen(self.deletion.deleted), opened)

    def action_new_chat(self) -> None:
        self.leave_conversation()
        self.prompt.focus()

    def action_attach_file(self) -> None:
        self.attacher.open_dialog()

    @on(PromptInput.PathCompletionRequested)
    def _complete_path(self, event: PromptInput.PathCompletionRequested) -> None:
        self.attacher.complete(event.prompt, event.typed)

    @on(PromptInput.BackspaceOnEmpty)
    def _remove_attachment(self) -> None:
        self.attacher.remove_last()

    def action_pick_model(self) -> None:
        def picked(ref: ModelRef | None) -> None:
            if ref is not None:
                self.use_model(ref)

        self.app.push_screen(ModelPicker(self.app.config, self.model, self.app.model_lists), picked)

    def action_conversation_settings(self) -> None:
        self.settings_actions.open()

    def commands(self) -> Iterator[SystemCommand]:
        return palette_commands(self)
