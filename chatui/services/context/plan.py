"""A sliding window: the newest turns of a conversation that fit a model, with the message about
to be sent; it starts at a user message (a question and its reply are never split)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from chatui.core import Attachment, Role
from chatui.core.attachments import with_attachments
from chatui.services.context.budget import PRIMING, TurnCounts, sent
from chatui.services.session.turns import Turn


def window_start(
    turns: Sequence[Turn],
    system: str,
    limit: int,
    counts: TurnCounts,
    draft: str = "",
    attachments: Sequence[Attachment] = (),
    scale: Callable[[int], int] = lambda tokens: tokens,
) -> int | None:
    """The index of the first turn sent so that the request stays within `limit` prompt
    tokens (`len(turns)`: only the new message fits); None when not even that fits. The
    system prompt is always sent. `scale`: the estimates corrected as the budget's are (the
    model's calibration and the safety margin), so what the plan sends is what fits."""
    total = PRIMING + counts.text(system) + counts.text(with_attachments(draft, attachments))
    if scale(total) > limit:
        return None
    start = len(turns)
    for index in range(len(turns) - 1, -1, -1):
        turn = turns[index]
        if sent(turn):
            total += counts.of(turn)
        if scale(total) > limit:
            break
        if turn.role is Role.USER:
            start = index
    if start == len(turns) and not (draft or attachments):
        return None  # asking again: the last question itself must be sent
    return start
