"""Markdown export and `history show --all-branches` give the branch a conversation opens on,
then the others, each marked: never every branch flattened into one conversation that never
happened. `history show` gives the branch it opens on and says how to see the others."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from chatui.core import RateLimited
from chatui.services.exports import export_conversation
from chatui.services.session.chat import ChatSession
from chatui.store import TranscriptStore
from tests.services.test_chat_session import make_session, run
from tests.store.test_export_reasoning import run as history


async def branched(data_dir: Path) -> ChatSession:
    """q1 answered twice (regenerated); q2 failed, retried, then edited and answered again."""
    data_dir.mkdir()
    session, providers = make_session(data_dir, "alpha")
    script = providers["alpha"]
    script.enqueue("a1 first")
    await run(session.send("q1"))
    script.enqueue("a1 regenerated")
    await run(session.retry())
    script.enqueue(RateLimited("slow down"))
    await run(session.send("q2"))
    script.enqueue("a2 after the error")
    await run(session.retry())
    script.enqueue("a2 for the edit")
    await run(session.edit(2, "q2 edited"))
    return session


def sections(markdown: str) -> list[str]:
    """The text before the first `# Branch` heading, then each branch section."""
    head, *rest = markdown.split("\n# Branch ")
    return [head, *rest]


def contents(section: str, texts: list[str]) -> list[str]:
    """Which of `texts` the section holds as message lines, in order of appearance."""
    lines = section.splitlines()
    return [line for line in lines if line in texts]


TEXTS = ["q1", "a1 first", "a1 regenerated", "q2", "a2 after the error", "q2 edited"]
TEXTS += ["a2 for the edit", "*[error: Rate limited: slow down]*"]


async def test_markdown_shows_the_open_branch_then_marks_the_others(
    data_dir: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    session = await branched(data_dir)
    assert session.store is not None and session.conversation_id is not None
    conversation = session.conversation_id
    opened = [turn.content for turn in session.turns]
    session.store.close()

    assert history("export", conversation) == 0
    exported = capsys.readouterr().out
    assert history("show", conversation, "--all-branches") == 0
    assert capsys.readouterr().out == exported
    assert history("show", conversation) == 0
    shown = capsys.readouterr().out
    assert "# Branch" not in shown and "below" not in shown
    assert (
        "*Branch 1 of 4, the one chatui opens; 3 other branches (from regenerated replies, edited"
        " questions or failed attempts) not shown: `chatui history show"
        f" {conversation} --all-branches` prints them.*"
    ) in shown
    assert contents(shown, TEXTS) == opened
    with TranscriptStore.open() as store:  # the history screen's Ctrl+E writes the same
        assert export_conversation(store, conversation, "md", tmp_path).read_text() == exported
        reopened = ChatSession(session.pool, store, session.model)
        reopened.load(store.get_conversation(conversation))

    main, second, third, fourth = sections(exported)
    assert "*4 branches (from regenerated replies, edited questions or failed attempts)" in main
    # first, exactly the conversation as it opens in the app, each message once
    assert contents(main, TEXTS) == opened == [t.content for t in reopened.turns]
    assert opened == ["q1", "a1 regenerated", "q2 edited", "a2 for the edit"]
    assert "*Version 2 of 2 of this message; other versions: branch 2 below.*" in main
    assert "*Version 2 of 2 of this message; other versions: branches 3 and 4 below.*" in main
    # then each other branch from where it parts, and what it shares is named, not repeated
    assert second.startswith("2 of 4\n\n*As branch 1 up to the user message “q1”, then:*")
    assert contents(second, TEXTS) == ["a1 first"]
    assert third.startswith("3 of 4\n\n*As branch 1 up to the assistant message “a1 regenerated”")
    assert contents(third, TEXTS) == ["q2", "*[error: Rate limited: slow down]*"]
    assert fourth.startswith("4 of 4\n\n*As branch 3 up to the user message “q2”, then:*")
    assert contents(fourth, TEXTS) == ["a2 after the error"]


async def test_json_keeps_every_message_and_link(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    session = await branched(data_dir)
    assert session.store is not None and session.conversation_id is not None
    session.store.close()
    assert history("export", session.conversation_id, "--format", "json") == 0
    messages = json.loads(capsys.readouterr().out)["messages"]
    assert len(messages) == 8 and sum(m["parent_id"] is None for m in messages) == 1


def test_a_linear_conversation_has_no_branch_notes(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with TranscriptStore.open() as store:
        conversation = store.create_conversation("Straight")
        question = store.add_message(conversation.id, "user", "one question")
        store.add_message(conversation.id, "assistant", "one answer", parent_id=question.id,
                          provider="p", model="m")  # fmt: skip
    assert history("show", conversation.id) == 0
    shown = capsys.readouterr().out
    assert "branch" not in shown.lower() and "Version" not in shown
    assert shown.endswith("## User\n\none question\n\n## Assistant (p/m)\n\none answer\n")
