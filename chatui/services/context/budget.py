"""How full a model's window is for the next request: exact where the server counted (the last
reply's usage), estimated for what came after (newer messages, the draft, attached files)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar, cast

from chatui.core import Attachment, Capabilities, GenerationOptions, MessageStatus, ModelRef, Role
from chatui.core.attachments import with_attachments
from chatui.services.session.turns import SENDABLE, Turn

Count = Callable[[str], int]  # an estimate of the tokens of a text
T = TypeVar("T")
MESSAGE_OVERHEAD = 4  # tokens each message costs beyond its text (role, delimiters)
PRIMING = 3  # tokens the reply's start costs
WARNING_SHARE = 0.8  # the meter's warning from 80% of what the prompt may take on


@dataclass(frozen=True, slots=True)
class Budget:
    """The next request against the model's window. `used`: its prompt tokens; `reserve`: the
    tokens kept for the reply (the `max_tokens` sent); `estimated`: some of `used` is an
    estimate (else the server counted all of it)."""

    used: int
    window: int | None
    reserve: int
    estimated: bool
    max_input: int | None = None

    @property
    def limit(self) -> int | None:
        """The most the prompt may take: the window less the reply's room (and the vendor's
        cap on prompts, where it has one); None when the window is unknown."""
        if self.window is None:
            return self.max_input
        room = max(self.window - self.reserve, 0)
        return min(room, self.max_input) if self.max_input else room

    @property
    def fits(self) -> bool:
        return self.limit is None or self.used <= self.limit

    @property
    def share(self) -> float | None:
        """How full the window is, 0-1 (more when over); None when the window is unknown."""
        return self.used / self.window if self.window else None

    @property
    def warning(self) -> bool:
        """Near full: 80% of what the prompt may take (a small window keeps a quarter for the
        reply: 80% of the window itself would already be too long)."""
        limit = self.limit
        return not self.fits or (limit is not None and self.used >= WARNING_SHARE * limit)


def reply_reserve(options: GenerationOptions, caps: Capabilities) -> int:
    """Tokens kept for the reply: its `max_tokens`, at most the model's longest reply and a
    quarter of its window (the default 4,096 would leave nothing of a 2,048-token window)."""
    reserve = options.max_tokens
    if caps.max_output:
        reserve = min(reserve, caps.max_output)
    if caps.context:
        reserve = min(reserve, max(caps.context // 4, 1))
    return reserve


class TurnCounts:
    """Estimated tokens of each turn's message, kept while the turn's text stays the same
    length (a streaming reply grows): a keystroke re-counts only the draft."""

    def __init__(self, count: Count) -> None:
        self.count = count
        self._counted: dict[Turn, tuple[int, int]] = {}  # turn -> (its length, tokens)
        self._kept: dict[tuple[object, ...], object] = {}  # what was worked out of turns

    def keep(self, what: str, turns: Sequence[Turn], extra: object, make: Callable[[], T]) -> T:
        """`make()`, worked out once for the same turns (and `extra`): a keystroke in a
        1,000-message conversation walks none of them again, only the draft is counted."""
        first, last = (turns[0], turns[-1]) if turns else (None, None)
        key: tuple[object, ...] = (what, extra, len(turns), first, last)
        if last is not None:
            key += (len(last.content), last.status)
        if key not in self._kept:
            if len(self._kept) > 16:
                self._kept.clear()
            self._kept[key] = make()
        return cast(T, self._kept[key])

    def total(self, turns: Sequence[Turn]) -> int:
        """The tokens of the turns sent among `turns`."""
        return self.keep("total", turns, None, lambda: sum(map(self.of, filter(sent, turns))))

    def of(self, turn: Turn) -> int:
        size = len(turn.content) + sum(len(a.content) for a in turn.attachments)
        known = self._counted.get(turn)
        if known is None or known[0] != size:
            text = with_attachments(turn.content, turn.attachments)
            known = self._counted[turn] = (size, self.count(text) + MESSAGE_OVERHEAD)
        return known[1]

    def text(self, text: str) -> int:
        return self.count(text) + MESSAGE_OVERHEAD if text else 0


def sent(turn: Turn) -> bool:
    """Whether the turn goes into a request (see `turns.history`)."""
    if not (turn.content or turn.attachments):
        return False
    return turn.role is Role.USER or (turn.role is Role.ASSISTANT and turn.status in SENDABLE)


def anchor(turns: Sequence[Turn], model: ModelRef) -> int | None:
    """The index of the newest reply of `model` whose usage the server reported: its prompt
    and reply tokens count everything up to it exactly."""
    for index in range(len(turns) - 1, -1, -1):
        turn = turns[index]
        if (
            turn.role is Role.ASSISTANT
            and turn.usage is not None
            and turn.usage.input_tokens > 0
            and turn.status == MessageStatus.COMPLETE
            and (turn.provider, turn.model) == (model.provider, model.model)
        ):
            return index
    return None


def index_of(turns: Sequence[Turn], turn: Turn) -> int | None:
    """Where `turn` itself is in `turns` (None: not there)."""
    return next((i for i, candidate in enumerate(turns) if candidate is turn), None)


def measure(
    turns: Sequence[Turn],
    system: str,
    model: ModelRef,
    caps: Capabilities,
    options: GenerationOptions,
    counts: TurnCounts,
    draft: str = "",
    attachments: Sequence[Attachment] = (),
    scale: Callable[[int], int] = lambda tokens: tokens,
    exact: bool = True,
) -> Budget:
    """The budget of sending `turns` (a branch, or the part of it sent) then the draft; the
    estimated part through `scale` (a model's calibration and the safety margin). `exact`:
    what the newest reply of the model counted is taken as counted (else all is estimated)."""
    start = counts.keep("anchor", turns, model, lambda: anchor(turns, model)) if exact else None
    read_from = 0  # the first turn the anchored reply was sent (its count covers from there)
    if start is not None and (window := turns[start].window) is not None:
        found = counts.keep("window", turns, window, lambda: index_of(turns, window))
        start, read_from = (None, 0) if found is None else (start, found)
    if start is not None:
        usage = turns[start].usage
        assert usage is not None
        counted, after = usage.input_tokens + usage.output_tokens, turns[start + 1 :]
        guessed = counts.total(turns[:read_from])  # sent now, not then
    else:
        counted, guessed, after = 0, PRIMING + counts.text(system), turns
    guessed += counts.total(after)
    guessed += counts.text(with_attachments(draft, attachments))
    estimated = start is None or guessed > 0
    used = counted + (scale(guessed) if estimated else guessed)
    return Budget(used, caps.context, reply_reserve(options, caps), estimated, caps.max_input)
