"""What a session's reply yields besides the stream's own events: its start and end, and
the news that saving failed or made the conversation anew."""

from __future__ import annotations

from dataclasses import dataclass

from chatui.core import ChatError, InternalError, StoreError, StreamEvent
from chatui.services.session.rescue import SavedAsNew
from chatui.services.session.turns import Turn


@dataclass(frozen=True, slots=True)
class ReplyStarted:
    """The request is on its way; `turn` is the (empty) reply."""

    turn: Turn


@dataclass(frozen=True, slots=True)
class ReplyEnded:
    """The reply ended: `turn.status` is complete, stopped or error (then `error` is set)."""

    turn: Turn
    error: ChatError | None = None


@dataclass(frozen=True, slots=True)
class NotSaved:
    """Saving failed (or met a bug: InternalError); the conversation goes on in memory only."""

    error: StoreError | InternalError


@dataclass(frozen=True, slots=True)
class Compacted:
    """The earlier turns were summarised: the conversation is on a new branch (draw it)."""


SessionEvent = StreamEvent | ReplyStarted | ReplyEnded | NotSaved | SavedAsNew | Compacted
