"""Long conversations cost what the screen shows: what is laid out after opening is bounded by
the screen, not by the conversation, and jumps (top, a message, a resize) land exactly."""

from __future__ import annotations

from textual.pilot import Pilot

from chatui.core import MessageStatus
from chatui.store import TranscriptStore
from chatui.ui.conversation.document import SECTION_CHARS, MarkdownDocument, sections
from chatui.ui.conversation.entries import AssistantEntry, EntryStyles, UserEntry
from chatui.ui.conversation.layout import EntryLayout
from chatui.ui.conversation.markdown_blocks import StreamingMarkdown
from chatui.ui.conversation.view import ConversationView
from tests.pilot import chat, wait_until
from tests.ui.conftest import AppFactory
from tests.ui.test_conversation_view import ViewApp, rows, view_of

PARAGRAPH = "Streaming text keeps arriving in small pieces, one after another, for a while. "


def reply_text(index: int) -> str:
    return (
        f"## Answer {index}\n\n{PARAGRAPH * 2}\n\n- one\n- two\n\n"
        f"```python\nx = {index}\n```\n\nEnd of answer {index}."
    )


def load(view: ConversationView, messages: int) -> None:
    """What opening a saved conversation does: finished entries, text given at once."""
    for index in range(messages // 2):
        view.add_user(f"question {index}")
        view.finish(view.add_assistant("m", MessageStatus.COMPLETE, reply_text(index)))


async def opened(pilot: Pilot[None], messages: int) -> tuple[ConversationView, int]:
    view = view_of(pilot.app)
    load(view, messages)
    await wait_until(pilot, lambda: view.laid_out, "the last screens to be laid out")
    await pilot.pause()
    return view, view.pieces_laid_out


async def test_opening_lays_out_what_the_screen_shows_not_the_conversation() -> None:
    counts = []
    for messages in (100, 2000):
        async with ViewApp().run_test(size=(100, 30)) as pilot:
            view, laid_out = await opened(pilot, messages)
            assert "End of answer" in "\n".join(rows(view))  # the end is drawn
            assert view.scroll_y == view.max_scroll_y > 0
            counts.append(laid_out)
    # about three screens of entries (the screen, one above, one below): far from 100 or 2,000
    assert counts[0] < 40 and counts[1] < 40
    assert abs(counts[1] - counts[0]) <= 4


async def test_scrolling_lays_out_what_comes_into_view() -> None:
    async with ViewApp().run_test(size=(100, 30)) as pilot:
        view, laid_out = await opened(pilot, 1000)
        view.go("up")
        await pilot.pause()
        view.go("up")
        await wait_until(pilot, lambda: view.laid_out)
        assert view.pieces_laid_out > laid_out  # a screen further up came near
        assert view.pieces_laid_out < laid_out + 40


async def test_home_and_a_message_in_the_middle_land_exactly() -> None:
    async with ViewApp().run_test(size=(100, 30)) as pilot:
        view, _ = await opened(pilot, 1000)
        view.go("top")
        await wait_until(pilot, lambda: view.laid_out)
        assert view.scroll_y == 0 and rows(view)[0].startswith("you")
        assert rows(view)[1].startswith("question 0")
        for target in (501, 900, 250):  # a reply (estimated heights above it), then others
            view.scroll_to_entry(target)
            await wait_until(pilot, lambda: view.laid_out)
            assert view.entry_at(0) == target
            header = rows(view)[0]
            assert header.startswith("assistant" if target % 2 else "you"), header
            if target % 2:
                assert f"Answer {target // 2}" in rows(view)[1] + rows(view)[2]


async def test_a_resize_lays_out_only_the_view_and_keeps_the_reader_in_place() -> None:
    async with ViewApp().run_test(size=(100, 30)) as pilot:
        view, _ = await opened(pilot, 1000)
        view.scroll_to_entry(600)  # "question 300"
        await wait_until(pilot, lambda: view.laid_out)
        before = view.pieces_laid_out
        await pilot.resize_terminal(60, 30)
        await wait_until(pilot, lambda: view.laid_out)
        assert view.pieces_laid_out - before < 40  # not 1,000
        assert view.entry_at(0) == 600 and rows(view)[1].startswith("question 300")


async def test_a_megabyte_reply_is_laid_out_a_section_at_a_time() -> None:
    text = "\n\n".join(f"Paragraph {i}: {PARAGRAPH * 3}" for i in range(4000)) + "\n\nTHE END"
    assert len(text) > 1_000_000
    async with ViewApp().run_test(size=(100, 30)) as pilot:
        view = view_of(pilot.app)
        view.add_user("write a lot")
        reply = view.add_assistant("m", MessageStatus.COMPLETE, text)
        view.finish(reply)
        await wait_until(pilot, lambda: view.laid_out)
        await pilot.pause()
        assert "THE END" in "\n".join(rows(view))
        assert view.pieces_laid_out <= 6  # the user entry, the header, a few sections
        view.go("top")
        await wait_until(pilot, lambda: view.laid_out)
        assert rows(view)[3].startswith("assistant") and rows(view)[4].startswith("Paragraph 0:")
        assert view.pieces_laid_out <= 12


def test_sections_render_as_the_whole_does() -> None:
    fence = "```python\n" + "\n\n".join(f"x = {i}" for i in range(50)) + "\n```"
    parts = [
        *(f"Paragraph {i}: {PARAGRAPH * 4}" for i in range(200)),
        "- a loose list\n\n- across blank lines\n\n  continued",
        fence,
        *(f"# Heading {i}\n\n{PARAGRAPH}" for i in range(100)),
    ]
    text = "\n\n".join(parts)
    cut = sections(text)
    assert len(cut) > 3 and "".join(cut) == text
    assert all(len(piece) < 2 * SECTION_CHARS for piece in cut)
    assert not any(piece.startswith(("- across", "  continued")) for piece in cut)
    assert sum(piece.count("```") for piece in cut if "x = 0" in piece) == 2  # fence kept whole
    whole = StreamingMarkdown(text)
    whole.finish()
    expected = ["".join(s.text for s in row) for row in whole.render_lines(80)]
    document = MarkdownDocument(text)
    got = ["".join(s.text for s in row) for row in document.render_lines(80)]
    assert got == expected


def seed_long(pairs: int, needle_at: int) -> tuple[str, str, str]:
    """A saved conversation of `pairs` questions and Markdown answers; the answer at
    `needle_at` has a sibling (an older branch). Returns (conversation, needle answer, its
    question's id)."""
    with TranscriptStore.open() as store:
        conversation = store.create_conversation("long")
        parent, needle, question = None, "", ""
        for index in range(pairs):
            user = store.add_message(conversation.id, "user", f"question {index}", parent_id=parent)
            reply = store.add_message(
                conversation.id, "assistant", reply_text(index), parent_id=user.id,
                provider="oai", model="test-model",
            )  # fmt: skip
            if index == needle_at:
                needle, question = reply.id, user.id
            parent = reply.id
        return conversation.id, needle, question


def add_other_answer(conversation: str, question: str, text: str) -> str:
    """A newer answer to `question` (its id): the branch the conversation opens on."""
    with TranscriptStore.open() as store:
        return store.add_message(
            conversation, "assistant", text, parent_id=question, provider="oai", model="test-model"
        ).id


async def test_opening_at_a_search_hit_lands_on_it_and_lays_out_only_around_it(
    make_app: AppFactory,
) -> None:
    conversation, needle, _ = seed_long(300, needle_at=120)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = chat(app)
        before = screen.view.pieces_laid_out
        screen.resume(conversation, needle)  # what opening a search hit does
        await wait_until(
            pilot, lambda: screen.view.highlighted is not None and screen.view.laid_out
        )
        view = screen.view
        index = view.highlighted
        assert index is not None and view.entry_at(0) == index
        assert "Answer 120" in "\n".join(rows(view))
        assert view.pieces_laid_out - before < 40  # not 600


async def test_switching_branch_in_a_long_conversation_lands_on_the_message(
    make_app: AppFactory,
) -> None:
    conversation, _, question = seed_long(300, needle_at=120)
    add_other_answer(conversation, question, "A short other answer.")
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = chat(app)
        screen.resume(conversation)
        await wait_until(pilot, lambda: len(screen.view.entries) >= 240 and screen.view.laid_out)
        assert "A short other answer." in "\n".join(rows(screen.view))
        before = screen.view.pieces_laid_out
        screen.action_branch(-1)  # the older branch: 600 messages
        await wait_until(pilot, lambda: len(screen.view.entries) >= 600 and screen.view.laid_out)
        view = screen.view
        index = view.highlighted
        assert index is not None and view.entry_at(0) == index
        assert "Answer 120" in "\n".join(rows(view))
        assert view.pieces_laid_out - before < 40


def test_removing_an_entry_keeps_the_pieces_after_it_in_place() -> None:
    """A long reply is several pieces; removing an entry before it moves them all, laid out
    or not, and the rows read the same as a layout of the remaining entries from scratch."""
    long_text = "\n\n".join(f"Paragraph {i}: {PARAGRAPH * 3}" for i in range(600))

    def build() -> tuple[EntryLayout, list[UserEntry | AssistantEntry]]:
        layout = EntryLayout()
        entries: list[UserEntry | AssistantEntry] = [
            UserEntry("first"),
            AssistantEntry("m", MessageStatus.COMPLETE, text=long_text),
            UserEntry("last"),
        ]
        for entry in entries:
            layout.add(entry)
        return layout, entries

    def text_rows(layout: EntryLayout) -> list[str]:
        rows = (layout.row(row)[1] for row in range(layout.total))
        return ["".join(s.text for s in row) if row else "" for row in rows]

    styles = EntryStyles()
    layout, entries = build()
    assert entries[1].pieces() > 3
    layout.layout(80, styles, (0, 30, False), 1.0)  # the top laid out, the rest estimated
    layout.remove(entries[0])
    layout.layout(80, styles, (0, 10_000, False), 10.0)  # everything in view: all laid out
    fresh, others = build()
    fresh.remove(others[0])
    fresh.layout(80, styles, (0, 10_000, False), 10.0)
    assert text_rows(layout) == text_rows(fresh)
    assert [e.index for e in layout.entries] == [0, 1] and entries[0].index == -1
    assert text_rows(layout)[-1].startswith("last")
