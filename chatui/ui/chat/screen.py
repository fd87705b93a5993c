"""The chat screen: routes keys, the prompt's submissions and replies' news to their owners."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Callable
from typing import TYPE_CHECKING

from textual import events, on
from textual.app import ComposeResult
from textual.screen import Screen
from textual.worker import Worker

from chatui.core import ChatError, ContextOverflow, GenerationOptions, Role
from chatui.services.prompt_history import PromptHistory
from chatui.services.session import chat
from chatui.services.session.events import SessionEvent
from chatui.services.session.saved import read_saved
from chatui.ui.chat import messages as ui
from chatui.ui.chat import thinking
from chatui.ui.chat.attachment_bar import Attacher, AttachmentBar
from chatui.ui.chat.commands import CHAT_BINDINGS, ChatCommands
from chatui.ui.chat.deletions import OpenConversationDeletion
from chatui.ui.chat.message_cursor import MESSAGE_ACTIONS, MessageCursor
from chatui.ui.chat.model_choice import ModelChoice, SettingsActions
from chatui.ui.chat.prompt import PromptInput
from chatui.ui.chat.status_bar import StatusBar
from chatui.ui.chat.transcript import Transcript
from chatui.ui.context.send_check import SendCheck
from chatui.ui.footer import KeyFooter
from chatui.ui.keymap import ScreenKeys
from chatui.ui.onboarding import NO_MODEL, UNSET_MODEL, model_note, welcome_text
from chatui.ui.screens.history import open_history

#: A saved conversation opens with this many of its newest turns (a few screens' worth), then
#: the rest is read: a long one is on screen as soon as a short one.
TAIL = 100

if TYPE_CHECKING:
    from chatui.services.history import History
    from chatui.ui.app import ChatApp, Start


class ChatScreen(Screen[None]):
    """Where the conversation happens: the transcript, the attachment bar, the prompt and
    the status bar, and the session they show."""

    KEYS = ScreenKeys("Chat", 1, PromptInput)

    BINDINGS = CHAT_BINDINGS
    COMMANDS = {ChatCommands}

    app: ChatApp

    def __init__(self, start: Start) -> None:
        super().__init__()
        self.start = start
        self.view = Transcript(id="log")
        self.attachments = AttachmentBar(id="attachments")
        self.prompt = PromptInput(id="prompt", history_file=PromptHistory())
        self.status = StatusBar(id="status")
        self.cursor = MessageCursor(self.view, self.prompt, self.status)
        self.attacher = Attacher(
            self.attachments, self.prompt, lambda: self.status.refresh() and None
        )
        self.models = ModelChoice(self.view, self.status)
        self.settings_actions = SettingsActions(self.view, self.status, self.models)
        self.deletion = OpenConversationDeletion(self.view, self.action_new_chat, self.resume)
        self.send_check = SendCheck(self)
        self.status.draft = lambda: (self.prompt.text, self.attachments.files)
        self.opening: str | None = None  # the conversation being read from the store
        self.send_when_open = False  # Enter was pressed while it was read: send the prompt

    def compose(self) -> ComposeResult:
        yield self.view
        yield self.attachments
        yield self.prompt
        yield self.status
        yield KeyFooter()

    @property
    def session(self) -> chat.ChatSession | None:
        """The conversation shown (and its model: the one that answers next)."""
        return self.view.session

    def on_mount(self) -> None:
        self.prompt.focus()
        self.new_session()
        if self.start.resume_id is not None:
            self.resume(self.start.resume_id, then=self.show_start)
        else:
            self.show_start()

    def show_start(self) -> None:
        """What the app was started with, once its conversation (if any) is open: its notice,
        the welcome or the model's warm-up, the prompt to send."""
        if self.start.notice:
            self.view.add_notice(self.start.notice, "warning")
        model = self.models.current
        if model is None:
            self.view.add_notice(welcome_text(self.app.config), "info")
        else:
            self.call_after_refresh(self.models.warm_up, model.provider)
        self.call_after_refresh(self.models.discover_endpoints)
        if self.start.prompt:
            self.call_after_refresh(self.send, self.start.prompt)

    def new_session(self) -> Worker[None] | None:
        """Show a new, empty conversation with the model in use. A reply streaming in the old
        one stops (it is saved as stopped); returns its worker while it saves."""
        app, model = self.app, self.models.current if self.session else self.start.model
        options = GenerationOptions(app.config.max_tokens, app.config.temperature)
        session = chat.ChatSession(
            app.pool,
            app.store,
            model or UNSET_MODEL,
            system=app.config.system_prompt,
            options=options,
        )
        stopping = self.view.show_session(session)
        self.opening, self.send_when_open = None, False
        self.settings_actions.reset()
        self.deletion.deleted_id = None
        self.cursor.cancel_edit()
        self.status.show_session(session, model_note(app.config, model))
        self.refresh_bindings()
        return stopping

    def resume(
        self,
        conversation_id: str,
        message_id: str | None = None,
        then: Callable[[], None] | None = None,
    ) -> None:
        """Show a saved conversation in the (new, empty) session, read in a thread; at
        `message_id`'s branch if given. A new chat or another conversation chosen while it
        loads wins. `then` runs once it is shown, or failed (the error is a notice), or lost."""
        history, session = self.app.history, self.session
        if history is None or session is None:
            return
        self.opening = conversation_id
        self.run_worker(self._resume(history, session, conversation_id, message_id, then))

    async def _resume(
        self,
        history: History,
        session: chat.ChatSession,
        conversation_id: str,
        message_id: str | None,
        then: Callable[[], None] | None,
    ) -> None:
        """Read the newest turns first and show them, then the rest (a long conversation is
        on screen as soon as a short one); at `message_id`, all of it at once."""

        def still_opening() -> bool:
            return self.session is session and self.opening == conversation_id

        try:
            newest = None if message_id else TAIL  # a message in it may be anywhere
            saved = await asyncio.to_thread(read_saved, history, conversation_id, newest)
            if still_opening():
                session.load(saved)
                start = self.start
                if start.chosen and start.model and conversation_id == start.resume_id:
                    session.model = start.model  # `chatui -c -m MODEL`: that model answers
                self.show_opened(session, message_id, saved.complete)
            if not saved.complete and still_opening():
                shown = [(turn.id, session.branch_position(turn)) for turn in session.turns]
                whole = await asyncio.to_thread(read_saved, history, conversation_id)
                if still_opening():
                    session.load_whole(whole)
                    self.view.show_earlier(shown)
                    self.opened(session, True)
        except ChatError as exc:
            if self.session is session:
                self.opening, self.send_when_open = None, False
                self.view.add_notice(str(exc), "error")
        if then is not None:
            then()

    def show_opened(self, session: chat.ChatSession, message_id: str | None, whole: bool) -> None:
        """Show `session`, just loaded (its newest turns, unless `whole`), at `message_id`."""
        if message_id is not None:
            session.show_message(message_id)
        self.view.redraw()
        self.opened(session, whole)
        self.settings_actions.show_badge()
        index = next((i for i, t in enumerate(session.turns) if t.id == message_id), None)
        if index is not None:
            self.cursor.show(index)

    def opened(self, session: chat.ChatSession, whole: bool) -> None:
        """What follows the turns of `session` shown (opened for good once `whole`)."""
        if whole:
            self.opening = None
        self.refresh_bindings()
        self.prompt.add_to_recall(t.content for t in session.turns if t.role is Role.USER)
        self.status.refresh()
        if whole and self.send_when_open:
            self.send_when_open = False
            self.prompt.action_submit()

    @property
    def streaming(self) -> bool:
        """A reply streams (or, stopped, is still being saved): no other can start."""
        return self.view.streaming

    @on(PromptInput.Submitted)
    def _submitted(self, event: PromptInput.Submitted) -> None:
        if self.attacher.command(event.text):
            return
        if self.opening is not None:
            self.send_when_open = True
            self.notify("Opening the conversation: your message goes once it is read.")
            return
        if self.view.reply is not None and self.view.reply.stopping:
            self.notify("Saving the stopped reply: press Enter again in a moment.")
            return
        if self.streaming:
            self.notify("A reply is still streaming: Esc stops it.", severity="warning")
            return
        if self.models.current is None:
            self.notify(NO_MODEL)
            return
        if self.cursor.editing is None or self.session is None:
            self.send_check.submit(event.text)  # or asks first, when it won't fit
            return
        event.prompt.remember(event.text, sent=True)
        event.prompt.clear()
        index = self.cursor.editing
        self.cursor.end_edit()
        self.run_reply(self.session.edit(index, event.text), redraw=True)

    def send(self, text: str, start: int = 0) -> None:
        assert self.session is not None
        events = self.session.send(text, self.attacher.take(), start)
        self.view.show_turn(self.session.turns[-1])
        self.run_reply(events)

    def run_reply(self, events: AsyncGenerator[SessionEvent, None], redraw: bool = False) -> None:
        """Stream a reply (the session's turns already hold what it answers; `redraw` when
        they changed in place) into the transcript; Esc stops it."""
        if redraw:
            self.view.redraw()
        self.view.stream(events)

    # the transcript shows a reply's news, and passes on those of a reply still shown

    def on_reply_started(self, message: ui.ReplyStarted) -> None:
        self.status.follow_reply()
        self.refresh_bindings()  # the first message: the footer offers the message keys

    def on_reply_ended(self, message: ui.ReplyEnded) -> None:
        self.status.reply_ended()
        asked = message.turn.role is Role.ASSISTANT  # (not a summary: compacting)
        if isinstance(message.error, ContextOverflow) and message.reply.attached and asked:
            self.send_check.rejected(message.error)

    @on(ui.ReplyStopped)
    @on(ui.ReplyCrashed)
    def _reply_gone(self) -> None:
        self.status.reply_ended()

    def action_stop(self) -> None:
        if self.streaming and self.view.reply is not None:
            self.view.reply.stop()
        elif not self.cursor.cancel_edit():
            self.view.unselect()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Keys that act on messages are off (and out of the footer) until there is one."""
        if action in MESSAGE_ACTIONS:  # (and off while a conversation opens: its turns come)
            turns = self.session is not None and (self.session.busy or bool(self.session.turns))
            return turns and self.opening is None
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
        thinking.toggle_blocks(self.view)

    def action_history(self) -> None:
        open_history(self)

    def action_new_chat(self) -> None:
        self.new_session()
        self.prompt.focus()

    def action_attach_file(self) -> None:
        self.attacher.open_dialog()

    @on(PromptInput.Changed)
    def _draft_changed(self) -> None:
        self.status.refresh()  # the context meter counts the draft

    @on(PromptInput.PathCompletionRequested)
    def _complete_path(self, event: PromptInput.PathCompletionRequested) -> None:
        self.attacher.complete(event.typed)

    @on(PromptInput.BackspaceOnEmpty)
    def _remove_attachment(self) -> None:
        self.attacher.remove_last()

    def action_pick_model(self) -> None:
        self.models.pick()

    def action_conversation_settings(self) -> None:
        self.settings_actions.open()
