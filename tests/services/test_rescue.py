"""A conversation deleted elsewhere while open is saved again as a new one: nothing sent is lost."""

from __future__ import annotations

from pathlib import Path

from chatui.core import TextDelta
from chatui.services.session.branches import build_tree
from chatui.services.session.events import NotSaved
from chatui.services.session.rescue import SavedAsNew
from chatui.store import TranscriptStore
from tests.services.test_chat_session import make_session, run


def delete_elsewhere(path: Path, conversation_id: str) -> None:
    """What `chatui history delete -y ID` in another terminal does."""
    with TranscriptStore.open(path) as other:
        other.delete(conversation_id)


async def test_sending_after_a_deletion_elsewhere_saves_every_branch_anew(tmp_path: Path) -> None:
    session, providers = make_session(tmp_path, "alpha")
    providers["alpha"].enqueue("first answer")
    providers["alpha"].enqueue("second answer")
    providers["alpha"].enqueue("after the deletion")
    await run(session.send("question one"))
    await run(session.retry())  # two sibling replies: both must survive
    deleted = session.conversation_id
    assert deleted is not None and session.store is not None
    delete_elsewhere(tmp_path / "chatui.db", deleted)

    events = await run(session.send("question two"))
    notes = [e for e in events if isinstance(e, SavedAsNew | NotSaved)]
    assert notes == [SavedAsNew(str(session.conversation_id))]
    assert session.conversation_id is not None and session.conversation_id != deleted
    saved = session.store.get_conversation(session.conversation_id)
    assert saved.conversation.title == "question one"
    assert saved.conversation.system_prompt == "sys"
    tree, branch = build_tree(saved.messages)
    assert [t.content for t in branch] == [
        "question one",
        "second answer",
        "question two",
        "after the deletion",
    ]
    assert [t.content for t in tree.siblings(branch[1])] == ["first answer", "second answer"]
    assert [t.id for t in session.turns] == [t.id for t in branch]


async def test_a_deletion_elsewhere_mid_reply_keeps_the_reply(tmp_path: Path) -> None:
    session, providers = make_session(tmp_path, "alpha")
    providers["alpha"].enqueue("hello")
    providers["alpha"].enqueue("part one, ", 0.6, "part two")
    await run(session.send("first"))
    deleted = session.conversation_id
    assert deleted is not None and session.store is not None
    events = []
    async for event in session.send("second"):
        events.append(event)
        if isinstance(event, TextDelta) and event.text == "part one, ":
            delete_elsewhere(tmp_path / "chatui.db", deleted)
    assert SavedAsNew(str(session.conversation_id)) in events
    assert not any(isinstance(e, NotSaved) for e in events)
    saved = session.store.get_conversation(str(session.conversation_id))
    assert [(m.content, m.status) for m in saved.messages] == [
        ("first", "complete"),
        ("hello", "complete"),
        ("second", "complete"),
        ("part one, part two", "complete"),
    ]
    assert [c.id for c in session.store.list_conversations()] == [session.conversation_id]
