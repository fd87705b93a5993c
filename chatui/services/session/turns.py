"""The session's view of a conversation: turns on the active branch, and live reply statistics."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from chatui.core import ChatMessage, MessageStatus, Role, Usage
from chatui.core.attachments import Attachment, with_attachments
from chatui.store.records import MessageRecord

SENDABLE = (MessageStatus.COMPLETE, MessageStatus.STOPPED, MessageStatus.INTERRUPTED)
CUT_SHORT = frozenset({"length", "max_tokens", "max_output_tokens"})  # stop reasons: token limit
REFUSED, FILTERED = "refusal", "content_filter"  # the model refused; the provider's filter cut it
# every other stop reason the protocols document (one outside these is shown as it is)
USUAL_STOPS = frozenset(
    {"stop", "end_turn", "stop_sequence", "completed", "tool_calls", "tool_use", "pause_turn"}
)
# by stored value: a dict lookup, where calling the enum costs a microsecond (x 10,000 messages)
TITLE_LENGTH = 80
_ROLES = {role.value: role for role in Role}
_STATUSES = {status.value: status for status in MessageStatus}


@dataclass(eq=False, slots=True)
class Turn:
    """One message on the conversation's active branch."""

    role: Role
    content: str
    id: str | None = None
    provider: str | None = None
    model: str | None = None
    status: MessageStatus = MessageStatus.COMPLETE
    error: str | None = None
    reasoning: str = ""
    usage: Usage | None = None
    cost: float | None = None
    parent: Turn | None = None
    stop_reason: str | None = None
    attachments: tuple[Attachment, ...] = ()
    window: Turn | None = None  # a reply's: the first turn it was sent, when not the first

    @property
    def cut_short(self) -> bool:
        """The reply ended at the max_tokens limit."""
        return self.stop_reason in CUT_SHORT

    @property
    def stop_note(self) -> str | None:
        """What the user is told about how the reply ended, beyond its text and a cut."""
        return stop_note(self.stop_reason)

    @property
    def empty(self) -> bool:
        """A reply that ended normally without any visible text."""
        finished = self.role is Role.ASSISTANT and self.status == MessageStatus.COMPLETE
        return finished and not self.content.strip()

    @property
    def model_label(self) -> str:
        return f"{self.provider}/{self.model}" if self.provider else ""


def stop_note(stop_reason: str | None) -> str | None:
    """The sentence for a stop reason the user should hear of: a refusal, the provider's
    content filter, or a reason chatui does not know (shown as the server said it)."""
    if stop_reason == REFUSED:
        return "The model refused."
    if stop_reason == FILTERED:
        return "Stopped by the provider's content filter."
    if stop_reason is None or stop_reason in USUAL_STOPS or stop_reason in CUT_SHORT:
        return None
    return f"The reply ended for a reason chatui does not know: {stop_reason}."


def make_title(prompt: str) -> str:
    """A conversation's title from its first message: one line, at most TITLE_LENGTH long."""
    line = " ".join(prompt.split())
    return line if len(line) <= TITLE_LENGTH else line[: TITLE_LENGTH - 1].rstrip() + "…"


def turn_from_record(record: MessageRecord) -> Turn:
    usage = None
    if record.input_tokens is not None or record.output_tokens is not None:
        usage = Usage(record.input_tokens or 0, record.output_tokens or 0)
    return Turn(
        _ROLES[record.role],
        record.content,
        id=record.id,
        provider=record.provider,
        model=record.model,
        status=_STATUSES[record.status],
        error=record.error,
        reasoning=record.reasoning,
        usage=usage,
        cost=record.cost,
        attachments=record.attachments,
        stop_reason=record.stop_reason,
    )


def history(turns: list[Turn]) -> tuple[ChatMessage, ...]:
    """What is sent to a model: every turn with text, except failed replies and system messages
    (they join the system prompt: `instructions`). Attached files go with their message, every
    time (a resumed conversation sends them again: the model saw them)."""
    return tuple(
        ChatMessage(turn.role, with_attachments(turn.content, turn.attachments))
        for turn in turns
        if (turn.content or turn.attachments)
        and (turn.role is Role.USER or (turn.role is Role.ASSISTANT and turn.status in SENDABLE))
    )


def instructions(system_prompt: str, turns: Sequence[Turn]) -> str:
    """The system prompt sent: the conversation's, then the system messages on the branch, in
    order (an imported conversation's instructions: meant for the model, not said by the user;
    every protocol takes them there, Anthropic's nowhere else)."""
    system = [turn.content for turn in turns if turn.role is Role.SYSTEM and turn.content.strip()]
    return "\n\n".join(part for part in (system_prompt, *system) if part)


@dataclass(slots=True)
class ReplyStats:
    """Timing and counts of the reply in progress (or just finished)."""

    started: float = field(default_factory=time.monotonic)
    first_token: float | None = None
    finished: float | None = None
    chars: int = 0
    usage: Usage | None = None
    cost: float | None = None
    state: str = "waiting"

    @property
    def ttft(self) -> float | None:
        return None if self.first_token is None else self.first_token - self.started

    @property
    def duration(self) -> float:
        return (self.finished or time.monotonic()) - self.started

    @property
    def output_tokens(self) -> int:
        """Reported output tokens, else an estimate (4 characters a token)."""
        return self.usage.output_tokens if self.usage else max(1, self.chars // 4)

    @property
    def tokens_per_second(self) -> float | None:
        if self.first_token is None:
            return None
        elapsed = (self.finished or time.monotonic()) - self.first_token
        return self.output_tokens / elapsed if elapsed > 0.05 else None
