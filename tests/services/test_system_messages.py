"""A saved conversation's system messages: kept as such, sent as the system prompt, never as the
user's words."""

from __future__ import annotations

from pathlib import Path

from chatui.core import MessageStatus, Role
from chatui.services.session.turns import history, instructions, turn_from_record
from tests.services.test_chat_session import make_session, run


async def test_system_messages_join_the_system_prompt_and_stay_out_of_the_messages(
    tmp_path: Path,
) -> None:
    session, providers = make_session(tmp_path, "alpha")
    store = session.store
    assert store is not None
    conversation = store.create_conversation("imported", system_prompt="be brief")
    rule = store.add_message(conversation.id, "system", "answer in French")
    question = store.add_message(conversation.id, "user", "hi", parent_id=rule.id)
    store.add_message(
        conversation.id, "assistant", "salut", parent_id=question.id, provider="alpha", model="m1"
    )
    session.load(store.get_conversation(conversation.id))
    assert [turn.role for turn in session.turns] == [Role.SYSTEM, Role.USER, Role.ASSISTANT]

    await run(session.send("again"))

    request = providers["alpha"].requests[-1]
    assert request.system == "be brief\n\nanswer in French"
    assert [(m.role, m.content) for m in request.messages] == [
        (Role.USER, "hi"),
        (Role.ASSISTANT, "salut"),
        (Role.USER, "again"),
    ]


def test_a_system_message_alone_is_the_whole_system_prompt(tmp_path: Path) -> None:
    session, _ = make_session(tmp_path, "alpha")
    store = session.store
    assert store is not None
    conversation = store.create_conversation("x")
    turn = turn_from_record(store.add_message(conversation.id, "system", "be terse"))
    assert (turn.role, turn.status) == (Role.SYSTEM, MessageStatus.COMPLETE)
    assert instructions("", [turn]) == "be terse" and history([turn]) == ()
