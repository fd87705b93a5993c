"""Chat screen actions on thinking: show/hide reasoning blocks, switch extended thinking."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from textual.app import SystemCommand

from chatui.services.session import thinking
from chatui.ui.conversation.entries import AssistantEntry

if TYPE_CHECKING:
    from chatui.ui.chat.screen import ChatScreen
    from chatui.ui.chat.transcript import Transcript


def toggle_blocks(view: Transcript) -> None:
    """Open or close the selected reply's reasoning; with no selection, every reply's (all
    open unless all are), and replies to come follow."""
    if view.selected is not None:
        entry = view.entry_of(view.selected)
        if isinstance(entry, AssistantEntry) and entry.reasoning is not None:
            view.set_thinking_open(entry, not entry.thinking_open)
        else:
            view.notify("The selected message has no thinking.")
        return
    replies = [e for e in view.entries if isinstance(e, AssistantEntry)]
    blocks = [e for e in replies if e.reasoning is not None]
    view.thinking_open = not all([e.thinking_open for e in blocks] or [view.thinking_open])
    for entry in replies:
        view.set_thinking_open(entry, view.thinking_open)
    if not blocks:
        shown = "open" if view.thinking_open else "closed"
        view.notify(f"No reply has thinking yet; it will show {shown}.")


def extended_thinking_command(screen: ChatScreen) -> SystemCommand:
    """The palette command switching extended thinking for this conversation."""
    session = screen.session
    budget = session.options.thinking_budget if session is not None else 0
    run = partial(switch_extended_thinking, screen)
    if budget:
        about = f"Now on ({budget:,} tokens): answer without thinking first"
        return SystemCommand("Extended thinking: off", about, run)
    budget = thinking.toggled_budget(session.options, screen.app.config) if session else 0
    about = f"Models that support it (Claude 3.7, 4 and later) think first, {budget:,} tokens"
    return SystemCommand("Extended thinking: on", about, run)


def switch_extended_thinking(screen: ChatScreen) -> None:
    """Turn extended thinking on or off for this conversation's next replies."""
    session = screen.session
    if session is None:
        return
    budget = thinking.toggled_budget(session.options, screen.app.config)
    session.set_thinking(budget)
    if not budget:
        screen.notify("Extended thinking is off for this conversation.")
        return
    ref = session.model
    note = "" if thinking.thinks(screen.app.config, ref) else f"; {ref} does not support it"
    screen.notify(f"Extended thinking is on: {budget:,} tokens for models that support it{note}.")
