"""Messages the reply worker posts to the chat screen, one per thing that happened. Each names
the `relay` of its reply: once the screen has left that conversation, they change nothing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

from chatui.core import ChatError, InternalError, StoreError
from chatui.services.turns import Turn

if TYPE_CHECKING:
    from chatui.ui.reply_relay import ReplyRelay


@dataclass
class ReplyStarted(Message):
    """A request went out; the reply `turn` is empty so far."""

    relay: ReplyRelay
    turn: Turn


@dataclass
class ReplyText(Message):
    """More visible text of the streaming reply."""

    relay: ReplyRelay
    text: str


@dataclass
class ReplyReasoning(Message):
    """More reasoning (thinking) text of the streaming reply."""

    relay: ReplyRelay
    text: str


@dataclass
class ReplyEnded(Message):
    """The reply finished, failed (`error`) or was stopped."""

    relay: ReplyRelay
    turn: Turn
    error: ChatError | None


@dataclass
class SaveFailed(Message):
    """The store refused a write (or saving met a bug: InternalError): the conversation
    continues unsaved."""

    relay: ReplyRelay
    error: StoreError | InternalError


@dataclass
class SavedAsNew(Message):
    """The conversation was deleted elsewhere while open; it was saved again as a new one."""

    relay: ReplyRelay
    conversation_id: str
