"""ChatSession: sends a conversation to a provider, streams its events, and persists as it goes."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Sequence
from contextlib import aclosing
from dataclasses import replace
from typing import Any

from chatui.core import (
    Attachment,
    ChatError,
    ContextOverflow,
    Finished,
    GenerationOptions,
    InternalError,
    MessageStatus,
    ModelRef,
    ReasoningDelta,
    Role,
    TextDelta,
    UsageReport,
)
from chatui.errorlog import internal_error
from chatui.services.context.budget import Budget
from chatui.services.context.fitting import Conversation, Fitting, Overflow
from chatui.services.pool import ProviderPool
from chatui.services.pricing import cost_of
from chatui.services.session import thinking
from chatui.services.session.branches import MessageTree
from chatui.services.session.events import NotSaved, ReplyEnded, ReplyStarted, SessionEvent
from chatui.services.session.recorder import Recorder
from chatui.services.session.reply_writer import ReplyWriter
from chatui.services.session.rescue import SavedAsNew, save_again_if_deleted
from chatui.services.session.saved import SavedConversation
from chatui.services.session.settings import (
    ConversationSettings,
    saved_on_overflow,
    with_on_overflow,
    with_thinking_budget,
)
from chatui.services.session.turns import ReplyStats, Turn, make_title
from chatui.store import TranscriptStore
from chatui.store.records import Transcript


class ChatSession:
    """One conversation: its turns, the model for the next reply, and one reply at a time."""

    def __init__(
        self,
        pool: ProviderPool,
        store: TranscriptStore | None,
        model: ModelRef,
        *,
        system: str = "",
        options: GenerationOptions | None = None,
        preset: str | None = None,
        on_overflow: Overflow | None = None,
    ) -> None:
        self.pool = pool
        self.recorder = Recorder(store)
        self.model = model
        self.system = system
        self.options = thinking.with_default(options or GenerationOptions(), pool.config)
        self.preset = preset
        self.saved_settings: dict[str, Any] = {}  # the stored settings JSON, other keys kept
        self.turns: list[Turn] = []
        self.tree = MessageTree()
        self.conversation_id: str | None = None
        self.title = ""
        self.stats: ReplyStats | None = None
        self.busy = False
        self.fitting = Fitting(pool)
        # a send that won't fit: ask (or send what fits, or compact); the config's by default
        self._on_overflow = on_overflow or Overflow(pool.config.on_overflow)
        self.sent_from = 0  # the index of the first turn the next request sends
        self._reported_failure = False
        self._saved_as_new = False

    def load(self, saved: Transcript | SavedConversation) -> None:
        """Continue a saved conversation: its active branch becomes the session's turns."""
        if isinstance(saved, Transcript):
            saved = SavedConversation.of(saved)
        transcript = saved.transcript
        record = transcript.conversation
        self.conversation_id, self.title = record.id, record.title
        self.saved_settings = dict(record.settings)
        defaults = ConversationSettings.from_config(self.pool.config)
        self.use_settings(ConversationSettings.from_record(record, defaults))
        self.options = thinking.restored(self.options, record.settings)
        self._on_overflow = saved_on_overflow(record.settings) or self._on_overflow
        self.tree, self.turns = saved.tree, saved.turns
        last = next((t for t in reversed(self.turns) if t.provider and t.model), None)
        # ChatGPT/Claude imports name app models ("chatgpt", "claude"), not API ones: keep ours.
        imported = "imported_from" in transcript.conversation.settings
        if last is not None and last.provider in self.pool.config.providers and not imported:
            self.model = ModelRef(last.provider, str(last.model))

    def load_whole(self, saved: SavedConversation) -> None:
        """The rest of the conversation `load`ed from its newest turns: all of its turns and
        branches (its settings and model stay as they are now)."""
        if saved.transcript.conversation.id == self.conversation_id:
            self.tree, self.turns = saved.tree, saved.turns

    @property
    def store(self) -> TranscriptStore | None:
        return self.recorder.store

    def detach(self) -> None:
        """Save nothing more (its conversation was deleted here, and the session is left)."""
        self.recorder.store = None

    @property
    def settings(self) -> ConversationSettings:
        """The system prompt, temperature, max tokens and preset the next reply is sent with."""
        return ConversationSettings(
            self.system, self.options.temperature, self.options.max_tokens, self.preset
        )

    def use_settings(self, settings: ConversationSettings) -> None:
        """Send the next replies with `settings` (in memory only; `configure` also saves)."""
        self.system, self.preset = settings.system_prompt, settings.preset
        self.options = settings.options(self.options)

    def configure(self, settings: ConversationSettings) -> None:
        """Use `settings` from the next reply on, and save them with the conversation (now if
        it exists, else when the first message creates it). Call from the event loop."""
        self.use_settings(settings)
        store = self.store
        if store is not None and self.conversation_id is not None:
            self.saved_settings = settings.to_json(self.saved_settings)
            self.recorder.later(
                store.update_conversation,
                self.conversation_id,
                system_prompt=settings.system_prompt,
                settings=self.saved_settings,
            )

    @property
    def conversation(self) -> Conversation:
        """What the next request is made of."""
        return Conversation(self.turns, self.system, self.model, self.options)

    def budget(self, draft: str = "", attachments: Sequence[Attachment] = ()) -> Budget:
        """The next request (the draft sent) against the model's window: the whole branch,
        or, when it won't fit and the conversation sends what fits, the newest turns."""
        whole = self.fitting.budget(self.conversation, draft, attachments)
        start = self.start_for(draft, attachments) if not whole.fits else 0
        if not start:
            return whole
        return self.fitting.budget(self.conversation, draft, attachments, start)

    def start_for(self, draft: str = "", attachments: Sequence[Attachment] = ()) -> int | None:
        """The first turn sent with the draft: 0 when the whole branch fits; else, when the
        conversation sends what fits, the newest turns' first; else None (ask the user)."""
        if self.fitting.budget(self.conversation, draft, attachments).fits:
            return 0
        if self.on_overflow is not Overflow.WINDOW:
            return None
        return self.fitting.newest_that_fit(self.conversation, draft, attachments)

    def send(
        self, prompt: str, attachments: Sequence[Attachment] = (), start: int = 0
    ) -> AsyncGenerator[SessionEvent, None]:
        """Add the user's message (with any attached files) to the turns now; the events save
        it, then stream (and save) the reply, sent with the turns from `start` on."""
        if self.busy:
            raise RuntimeError("a reply is already streaming")
        self.sent_from = start
        user = self._append(Turn(Role.USER, prompt, attachments=tuple(attachments)))
        return self._send(user)

    async def _send(self, user: Turn) -> AsyncGenerator[SessionEvent, None]:
        await asyncio.shield(self._save_user(user))  # saved even if stopped at once
        async for event in self._reply():
            yield event

    def retry(self, start: int = 0) -> AsyncGenerator[SessionEvent, None]:
        """Ask again for the last reply: it leaves the turns now (it stays in the tree as a
        sibling branch); the events stream the new one, sent with the turns from `start` on."""
        if self.busy:
            raise RuntimeError("a reply is already streaming")
        self.sent_from = start
        if self.turns and self.turns[-1].role is Role.ASSISTANT:
            self.turns.pop()
        return self._reply()

    def edit(self, index: int, text: str) -> AsyncGenerator[SessionEvent, None]:
        """Replace the user message at `index` with `text` (its attached files are kept): a new
        branch from that point. The turns change now; the events stream the reply."""
        if self.busy:
            raise RuntimeError("a reply is already streaming")
        if self.turns[index].role is not Role.USER:
            raise ValueError("only a user message can be edited")
        attachments = self.turns[index].attachments
        del self.turns[index:]
        return self.send(text, attachments)

    def set_thinking(self, budget: int) -> None:
        """Extended thinking for the next replies (`budget` tokens, 0: off), saved with the
        conversation (from its first message on, if it has none yet)."""
        self.options = replace(self.options, thinking_budget=budget)
        self._save_settings(with_thinking_budget(self.saved_settings, budget))

    @property
    def on_overflow(self) -> Overflow:
        """What a send that won't fit does: ask, send what fits, or compact."""
        return self._on_overflow

    @on_overflow.setter
    def on_overflow(self, policy: Overflow) -> None:
        """From now on in this conversation, saved with it (from its first message on)."""
        self._on_overflow = policy
        self._save_settings(with_on_overflow(self.saved_settings, policy))

    def _save_settings(self, saved: dict[str, Any]) -> None:
        """Keep `saved` as the conversation's settings JSON, and store it if it exists."""
        self.saved_settings = saved
        store = self.store
        if store is not None and self.conversation_id is not None:
            self.recorder.later(
                store.update_conversation, self.conversation_id, settings=self.saved_settings
            )

    def switch_branch(self, index: int, step: int) -> bool:
        """Show the sibling `step` away of the turn at `index`; False when there is none."""
        if self.busy:
            return False
        branch = self.tree.switch(self.turns, index, step)
        changed = branch is not self.turns
        self.turns = branch
        return changed

    def show_message(self, message_id: str) -> bool:
        """Make the branch through the stored message `message_id` the current one."""
        branch = self.tree.branch_through(message_id)
        if branch is not None:
            self.turns = branch
        return branch is not None

    def branch_position(self, turn: Turn) -> tuple[int, int]:
        return self.tree.position(turn)

    def _append(self, turn: Turn) -> Turn:
        turn.parent = self.turns[-1] if self.turns else None
        self.tree.add(turn)
        self.turns.append(turn)
        return turn

    async def _save_user(self, user: Turn) -> None:
        store = self.store
        if store is None:
            return
        if self.conversation_id is None:
            self.saved_settings = with_thinking_budget(
                self.settings.to_json(self.saved_settings), thinking.saved(self.options)
            )
            self.title = make_title(user.content or " ".join(a.name for a in user.attachments))
            record = await self.recorder.call(
                store.create_conversation,
                title=self.title,
                system_prompt=self.system,
                settings=self.saved_settings,
            )
            self.conversation_id = record.id if record else None
        if self.conversation_id is not None:
            saved = await self.recorder.call(
                store.add_message,
                self.conversation_id,
                "user",
                user.content,
                parent_id=user.parent.id if user.parent is not None else None,
                attachments=user.attachments,
            )
            user.id = saved.id if saved else None
            self._saved_as_new |= await save_again_if_deleted(self)

    def _not_saved(self) -> NotSaved | SavedAsNew | None:
        if self._saved_as_new and self.conversation_id is not None:
            self._saved_as_new = False
            return SavedAsNew(self.conversation_id)
        if self.recorder.failure is not None and not self._reported_failure:
            self._reported_failure = True
            return NotSaved(self.recorder.failure)
        return None

    async def _reply(self) -> AsyncGenerator[SessionEvent, None]:
        if not self.turns:
            return
        self.busy = True
        model, start = self.model, min(self.sent_from, len(self.turns) - 1)
        request = self.fitting.request(self.conversation, start)
        reply = self._append(Turn(Role.ASSISTANT, "", provider=model.provider, model=model.model))
        reply.window = self.turns[start] if start else None
        self.stats = stats = ReplyStats(state="waiting")
        writer = ReplyWriter(self.recorder, self.conversation_id, reply)
        error: ChatError | None = None
        try:
            if (note := self._not_saved()) is not None:
                yield note
            yield ReplyStarted(reply)
            await asyncio.to_thread(self.pool.warm, model.provider)  # no SDK import on the loop
            provider = self.pool.get(model.provider)
            async with aclosing(provider.stream(request)) as events:
                async for event in events:
                    if isinstance(event, TextDelta | ReasoningDelta):
                        writer.add(event, stats)
                    elif isinstance(event, UsageReport):
                        stats.usage = reply.usage = event.usage
                        sent = Conversation(self.turns[:-1], self.system, model, self.options)
                        self.fitting.calibrate(sent, start, event.usage.input_tokens)
                        stats.cost = reply.cost = cost_of(
                            provider.capabilities(model.model).price, event.usage
                        )
                    elif isinstance(event, Finished):
                        reply.status, reply.stop_reason = MessageStatus.COMPLETE, event.stop_reason
                    yield event
        except ChatError as exc:
            error = exc
            if isinstance(exc, ContextOverflow):
                sent = Conversation(self.turns[:-1], self.system, model, self.options)
                self.fitting.learn(sent, start, exc)
        except Exception as exc:  # a bug here: the reply still ends (and is saved) as failed
            error = internal_error(exc, f"streaming the reply of {model}")
        except asyncio.CancelledError:
            reply.status = MessageStatus.STOPPED
            await asyncio.shield(self._finish(writer, stats))
            raise
        finally:
            self.busy = False
        if error is not None:
            if isinstance(error, InternalError):
                error.noting_saved(self.recorder.kept(self.conversation_id))
            reply.status, reply.error = MessageStatus.ERROR, str(error)
        await self._finish(writer, stats)
        if (note := self._not_saved()) is not None:
            yield note
        yield ReplyEnded(reply, error)

    async def _finish(self, writer: ReplyWriter, stats: ReplyStats) -> None:
        await writer.finish(stats)
        if self.store is not None and self.conversation_id is not None:
            self._saved_as_new |= await save_again_if_deleted(self)
