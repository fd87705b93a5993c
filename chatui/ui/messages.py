"""Messages the reply worker posts to the chat screen, one per thing that happened."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from chatui.core import ChatError, StoreError
from chatui.services.turns import Turn


@dataclass
class ReplyStarted(Message):
    """A request went out; the reply `turn` is empty so far."""

    turn: Turn


@dataclass
class ReplyText(Message):
    """More visible text of the streaming reply."""

    text: str


@dataclass
class ReplyReasoning(Message):
    """More reasoning (thinking) text of the streaming reply."""

    text: str


@dataclass
class ReplyEnded(Message):
    """The reply finished, failed (`error`) or was stopped."""

    turn: Turn
    error: ChatError | None


@dataclass
class SaveFailed(Message):
    """The store refused a write: the conversation continues unsaved."""

    error: StoreError


@dataclass
class SavedAsNew(Message):
    """The conversation was deleted elsewhere while open; it was saved again as a new one."""

    conversation_id: str
