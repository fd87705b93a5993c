"""Messages the reply worker posts to the transcript, one per thing that happened. Each names
its `reply`: once that reply is detached (its conversation left the screen), they change nothing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

from chatui.core import ChatError, InternalError, StoreError
from chatui.services.session.turns import Turn

if TYPE_CHECKING:
    from chatui.ui.chat.reply import ReplyRelay


@dataclass
class ReplyMessage(Message):
    """Something that happened to `reply`."""

    reply: ReplyRelay


@dataclass
class ReplyStarted(ReplyMessage):
    """A request went out; the reply `turn` is empty so far."""

    turn: Turn


@dataclass
class ReplyText(ReplyMessage):
    """More visible text of the streaming reply."""

    text: str


@dataclass
class ReplyReasoning(ReplyMessage):
    """More reasoning (thinking) text of the streaming reply."""

    text: str


@dataclass
class ReplyEnded(ReplyMessage):
    """The reply finished, failed (`error`) or was stopped, as the session reports it."""

    turn: Turn
    error: ChatError | None


@dataclass
class ReplyStopped(ReplyMessage):
    """The reply's worker was cancelled (Esc) and has saved what arrived."""


@dataclass
class ReplyCrashed(ReplyMessage):
    """The reply's worker raised: a bug, not a provider fault (shown, not fatal)."""

    error: BaseException


@dataclass
class BranchChanged(ReplyMessage):
    """The conversation moved to another branch (compacted): draw it again."""


@dataclass
class SaveFailed(ReplyMessage):
    """The store refused a write (or saving met a bug: InternalError): the conversation
    continues unsaved."""

    error: StoreError | InternalError


@dataclass
class SavedAsNew(ReplyMessage):
    """The conversation was deleted elsewhere while open; it was saved again as a new one."""

    conversation_id: str
