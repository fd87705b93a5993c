"""After an edit, a retry or a branch switch the log shows exactly the current branch: each
reply with its own notices, nothing of the hidden branches, and the switched message in view."""

from __future__ import annotations

from chatui.ui.app import ChatApp
from chatui.ui.conversation.entries import AssistantEntry, NoticeEntry, UserEntry
from tests.pilot import chat, press, screen_text, settle
from tests.ui.conftest import AppFactory
from tests.wireserver import Reply, WireServer

LONG = "\n\n".join(f"Paragraph {i} of a long answer, long enough to wrap." for i in range(40))


def shown(app: ChatApp) -> list[tuple[str, str]]:
    """Every entry of the log: (kind, text)."""
    kinds = {UserEntry: "you", AssistantEntry: "assistant", NoticeEntry: "notice"}
    return [(kinds[type(e)], getattr(e, "text", "")) for e in chat(app).view.entries]


async def test_edit_and_resend_shows_only_the_new_branch(
    make_app: AppFactory, wire_server: WireServer
) -> None:
    for text in ("a1", "a2", "a1 again"):
        wire_server.enqueue(Reply(pieces=[text]))
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        for question in ("q1", "q2"):
            await press(pilot, *question, "enter")
            await settle(pilot)
        await press(pilot, "alt+up", "alt+up", "alt+up", "alt+up", "ctrl+e")  # q1
        await press(pilot, *" v2", "enter")
        await settle(pilot)
        assert shown(app) == [("you", "q1 v2  [2/2]"), ("assistant", "a1 again")]
        assert "a2" not in screen_text(app)
        await press(pilot, "alt+up", "alt+up", "alt+left")  # the question: its first version
        await settle(pilot)
        assert shown(app) == [
            ("you", "q1  [1/2]"),
            ("assistant", "a1"),
            ("you", "q2"),
            ("assistant", "a2"),
        ]


async def test_retry_after_errors_keeps_each_error_with_its_attempt(
    make_app: AppFactory, wire_server: WireServer
) -> None:
    wire_server.enqueue(Reply(pieces=["partial", " text"], error_event_after=1))
    wire_server.enqueue(Reply(status=429, retry_after="30", error_message="slow down"))
    wire_server.enqueue(Reply(pieces=["recovered"]))
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await press(pilot, *"q", "enter")
        await settle(pilot)
        await press(pilot, "ctrl+r")
        await settle(pilot)
        [(_, text)] = [entry for entry in shown(app) if entry[0] == "notice"]
        assert "Rate limited" in text and "ctrl+r" in text  # only the attempt on screen
        await press(pilot, "ctrl+r")
        await settle(pilot)
        assert shown(app) == [("you", "q"), ("assistant", "recovered")]
        assert "✗" not in screen_text(app) and "[3/3]" in screen_text(app)
        await press(pilot, "alt+left")  # the failed attempts are still there, each with its error
        await settle(pilot)
        assert [kind for kind, _ in shown(app)] == ["you", "assistant", "notice"]
        assert "Rate limited" in shown(app)[2][1] and "[2/3]" in screen_text(app)
        await press(pilot, "alt+left")
        await settle(pilot)
        assert shown(app)[1] == ("assistant", "partial")
        assert "Rate limited" not in screen_text(app) and "✗" in screen_text(app)


async def test_switching_branch_keeps_the_switched_reply_in_view(
    make_app: AppFactory, wire_server: WireServer
) -> None:
    wire_server.enqueue(Reply(pieces=["short one"]), Reply.from_text(LONG, size=40))
    wire_server.enqueue(Reply(pieces=["short two"]))
    app = make_app()
    async with app.run_test(size=(100, 24)) as pilot:
        for question in ("q-one", "q-two"):
            await press(pilot, *question, "enter")
            await settle(pilot)
        await press(pilot, "ctrl+r")
        await settle(pilot)
        view = chat(app).view
        await press(pilot, "alt+left")
        await settle(pilot)
        assert view.scroll_y > 0 and "q-one" not in screen_text(app)
        assert "assistant · oai/test-model  [1/2]" in screen_text(app)
        await press(pilot, "alt+right")
        await settle(pilot)
        assert "assistant · oai/test-model  [2/2]" in screen_text(app)
        assert "short two" in screen_text(app)
