"""Conversations written straight into a transcript store, for tests that start from a history."""

from __future__ import annotations

from pathlib import Path

from chatui.store import TranscriptStore

#: The reply of `streaming_chat`: a heading, emphasis, a list, code and a table.
REPLY = (
    "## Plan\n\nStream **blocks**, cache them, re-render the *tail*.\n\n"
    "- finished blocks render once\n- the open block re-renders per frame\n\n"
    "```python\ndef render(block):\n    return cache[block]\n```\n\n"
    "| step | cost |\n|---|---|\n| parse | low |\n| paint | lower |\n"
)


def seed(
    title: str,
    pairs: list[tuple[str, str]],
    *,
    status: str = "complete",
    error: str | None = None,
    reasoning: str = "",
    stop_reason: str | None = None,
    provider: str = "oai",
    model: str = "test-model",
    db: Path | None = None,
) -> str:
    """A conversation of (question, answer) pairs in the store at `db` (default: CHATUI_DATA_DIR's);
    every answer gets `status`, `error`, `reasoning` and `stop_reason`. Returns its id."""
    with TranscriptStore.open(db) as store:
        conversation = store.create_conversation(title)
        parent = None
        for question, answer in pairs:
            user = store.add_message(conversation.id, "user", question, parent_id=parent)
            reply = store.add_message(
                conversation.id, "assistant", answer, parent_id=user.id, provider=provider,
                model=model, status=status, error=error, reasoning=reasoning,
                stop_reason=stop_reason,
            )  # fmt: skip
            parent = reply.id
        return conversation.id


def streaming_chat(error: str | None = None) -> str:
    """ "How to stream?": one question and a Markdown reply, failed with `error` if given."""
    status = "error" if error else "complete"
    pair = ("How should a reply stream?", REPLY)
    return seed("How to stream?", [pair], status=status, error=error)
