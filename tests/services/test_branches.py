"""Regenerate and edit create sibling branches; switching and reloading follow parent links."""

from __future__ import annotations

from pathlib import Path

from chatui.core import ModelRef, Role
from chatui.services.pool import ProviderPool
from chatui.services.session.chat import ChatSession
from tests.services.test_chat_session import make_session, run


def contents(session: ChatSession) -> list[str]:
    return [turn.content for turn in session.turns]


async def test_regenerate_keeps_old_reply_as_sibling(tmp_path: Path) -> None:
    session, providers = make_session(tmp_path, "alpha", "beta")
    providers["alpha"].enqueue("first answer")
    await run(session.send("question"))
    session.model = ModelRef("beta", "b1")
    providers["beta"].enqueue("second answer")
    await run(session.retry())
    assert contents(session) == ["question", "second answer"]
    assert session.branch_position(session.turns[-1]) == (2, 2)
    assert session.switch_branch(1, -1)
    assert contents(session) == ["question", "first answer"]
    assert session.turns[-1].model_label == "alpha/m1"
    assert session.switch_branch(1, 1)
    assert contents(session) == ["question", "second answer"]


async def test_edit_branches_at_the_user_message(tmp_path: Path) -> None:
    session, providers = make_session(tmp_path, "alpha")
    for text in ("a1", "a2", "b2"):
        providers["alpha"].enqueue(text)
    await run(session.send("q1"))
    await run(session.send("q2"))
    await run(session.edit(2, "q2 edited"))
    assert contents(session) == ["q1", "a1", "q2 edited", "b2"]
    request = providers["alpha"].requests[-1]
    assert [(m.role, m.content) for m in request.messages] == [
        (Role.USER, "q1"),
        (Role.ASSISTANT, "a1"),
        (Role.USER, "q2 edited"),
    ]
    assert session.branch_position(session.turns[2]) == (2, 2)
    session.switch_branch(2, 1)  # wraps around to the original
    assert contents(session) == ["q1", "a1", "q2", "a2"]
    assert not session.switch_branch(0, 1)  # the first message has no siblings


async def test_send_edit_and_retry_change_the_turns_when_called(tmp_path: Path) -> None:
    """The screen draws the branch they leave before their events run (a stale reply under an
    edited question was the result otherwise)."""
    session, providers = make_session(tmp_path, "alpha")
    providers["alpha"].enqueue("a1")
    providers["alpha"].enqueue("a1 again")
    providers["alpha"].enqueue("b1")
    events = session.send("q1")
    assert contents(session) == ["q1"]
    await run(events)
    events = session.retry()
    assert contents(session) == ["q1"]
    await run(events)
    events = session.edit(0, "q1 v2")
    assert contents(session) == ["q1 v2"]
    await run(events)
    assert contents(session) == ["q1 v2", "b1"]


async def test_reload_rebuilds_tree_and_newest_branch(tmp_path: Path) -> None:
    session, providers = make_session(tmp_path, "alpha")
    for text in ("a1", "a2", "b2", "b2 again"):
        providers["alpha"].enqueue(text)
    await run(session.send("q1"))
    await run(session.send("q2"))
    await run(session.edit(2, "q2 edited"))
    await run(session.retry())
    assert session.store is not None and session.conversation_id is not None
    stored = session.store.get_conversation(session.conversation_id)
    assert len(stored.messages) == 7  # every branch is kept
    again = ChatSession(ProviderPool(session.pool.config), session.store, ModelRef("alpha", "m1"))
    again.pool.providers.update(session.pool.providers)
    again.load(stored)
    assert contents(again) == ["q1", "a1", "q2 edited", "b2 again"]
    assert again.branch_position(again.turns[3]) == (2, 2)
    assert again.branch_position(again.turns[2]) == (2, 2)
    again.switch_branch(2, -1)
    assert contents(again) == ["q1", "a1", "q2", "a2"]
    providers["alpha"].enqueue("continued")
    await run(again.send("q3"))
    saved = again.store.get_conversation(again.conversation_id or "").messages  # type: ignore[union-attr]
    by_id = {m.id: m for m in saved}
    last = saved[-1]
    assert last.content == "continued"
    assert by_id[by_id[last.parent_id or ""].parent_id or ""].content == "a2"
