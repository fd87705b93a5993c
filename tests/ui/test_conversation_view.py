"""ConversationView in a tiny app: streaming, following the bottom, history size, styling hooks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import pytest
from textual.app import App, ComposeResult
from textual.pilot import Pilot

from chatui.core import MessageStatus
from chatui.ui.conversation.entries import AssistantEntry, Entry, EntryStyles, UserEntry
from chatui.ui.conversation.layout import EntryLayout
from chatui.ui.conversation.markdown_blocks import Line
from chatui.ui.conversation.view import ConversationView
from tests.pilot import press, wait_until

_E = TypeVar("_E", bound=Entry)

PARAGRAPH = "Streaming text keeps arriving in small pieces, one after another, for a while. "
REPLY = (
    "## Answer\n\n"
    + "\n\n".join(f"Paragraph {i}: {PARAGRAPH * 2}" for i in range(12))
    + "\n\n- first\n- second\n\n```python\nprint('hi')\n```\n\nThe last line.\n"
)


class ViewApp(App[None]):
    def compose(self) -> ComposeResult:
        yield ConversationView()


def view_of(app: App[None]) -> ConversationView:
    return app.query_one(ConversationView)


def rows(view: ConversationView) -> list[str]:
    """The visible rows as plain text."""
    return [view.render_line(y).text for y in range(view.size.height)]


def spy_on(
    render: Callable[[_E, int, EntryStyles], list[Line]], calls: list[Entry]
) -> Callable[[_E, int, EntryStyles], list[Line]]:
    """`render`, noting each entry laid out."""

    def spy(entry: _E, width: int, styles: EntryStyles) -> list[Line]:
        calls.append(entry)
        return render(entry, width, styles)

    return spy


async def stream(pilot: Pilot[None], entry: AssistantEntry, text: str, size: int = 7) -> None:
    view = view_of(pilot.app)
    for start in range(0, len(text), size):
        view.append(entry, text[start : start + size])
        if start % (size * 20) == 0:
            await pilot.pause()


async def test_streamed_reply_is_drawn_and_followed() -> None:
    app = ViewApp()
    async with app.run_test(size=(80, 20)) as pilot:
        view = view_of(app)
        view.add_user("Tell me about streaming")
        reply = view.add_assistant("openai/gpt-4o")
        await stream(pilot, reply, REPLY)
        await wait_until(pilot, lambda: "The last line." in "\n".join(rows(view)))
        assert view.scroll_y == view.max_scroll_y > 0  # followed the bottom
        assert reply.status == "streaming"
        frames = view.pacer.frames
        view.finish(reply)
        await pilot.pause()
        assert view.pacer.frames == frames + 1 and reply.status == "complete"
        view.scroll_home(animate=False)
        await pilot.pause()
        shown = "\n".join(rows(view))
        assert "you" in shown and "Tell me about streaming" in shown
        assert "assistant · openai/gpt-4o" in shown and "Answer" in shown and "## " not in shown


async def test_does_not_yank_a_reader_who_scrolled_up() -> None:
    app = ViewApp()
    async with app.run_test(size=(80, 20)) as pilot:
        view = view_of(app)
        reply = view.add_assistant("m")
        await stream(pilot, reply, REPLY)
        await wait_until(
            pilot, lambda: view.max_scroll_y > 10 and view.scroll_y == view.max_scroll_y
        )
        view.focus()
        await press(pilot, "pageup")
        await pilot.pause()
        reading = view.scroll_y
        assert reading < view.max_scroll_y
        height = view.virtual_size.height
        await stream(pilot, reply, REPLY)
        await wait_until(pilot, lambda: view.virtual_size.height > height)
        assert view.scroll_y == reading
        await press(pilot, "end")  # back at the bottom: following again
        await stream(pilot, reply, "\n\nOne more paragraph at the very end.\n")
        view.finish(reply)
        await wait_until(pilot, lambda: view.scroll_y == view.max_scroll_y)
        assert "One more paragraph at the very end." in "\n".join(rows(view))


async def test_keyboard_scrolling() -> None:
    app = ViewApp()
    async with app.run_test(size=(60, 12)) as pilot:
        view = view_of(app)
        for i in range(30):
            view.add_user(f"message {i}")
        await wait_until(pilot, lambda: view.max_scroll_y > 0)
        view.focus()
        await press(pilot, "home")
        assert view.scroll_y == 0 and "message 0" in "\n".join(rows(view))
        await press(pilot, "down", "down")
        assert view.scroll_y == 2
        await press(pilot, "pagedown")
        assert view.scroll_y > 2
        await press(pilot, "up")
        await press(pilot, "end")
        await pilot.pause()
        assert view.scroll_y == view.max_scroll_y and "message 29" in "\n".join(rows(view))


async def test_history_adds_no_widgets_nor_work_per_frame(monkeypatch: pytest.MonkeyPatch) -> None:
    app = ViewApp()
    async with app.run_test(size=(100, 30)) as pilot:
        view = view_of(app)
        for i in range(150):
            view.add_user(f"question {i}")
            old = view.add_assistant("m")
            view.append(
                old, f"Answer {i} with a list:\n\n- one\n- two\n\n```python\nx = {i}\n```\n"
            )
            view.finish(old)
        await wait_until(pilot, lambda: view.laid_out)  # the last screens are laid out
        laid_out: list[Entry] = []
        monkeypatch.setattr(UserEntry, "render", spy_on(UserEntry.render, laid_out))
        monkeypatch.setattr(AssistantEntry, "render", spy_on(AssistantEntry.render, laid_out))
        reply = view.add_assistant("m")
        await stream(pilot, reply, REPLY)
        view.finish(reply)
        await pilot.pause()
        assert len(view.entries) == 301
        assert set(laid_out) == {reply}  # only the streamed entry was laid out again
        assert len(list(app.screen.walk_children())) < 20
        assert "The last line." in "\n".join(rows(view))


async def test_status_reasoning_and_notices() -> None:
    app = ViewApp()
    async with app.run_test(size=(90, 24)) as pilot:
        view = view_of(app)
        reply = view.add_assistant("anthropic/claude")
        view.append_reasoning(reply, "Thinking it over")
        view.append(reply, "Partial answer")
        view.set_status(reply, MessageStatus.INTERRUPTED)
        view.finish(reply)  # keeps the status set before
        view.add_notice("Rate limited: slow down — press ctrl+r to retry", "error")
        await pilot.pause()
        shown = rows(view)
        header = next(row for row in shown if "assistant" in row)
        assert "anthropic/claude" in header and "interrupted" in header
        assert shown.index(next(r for r in shown if "▸ Thinking · 16 chars" in r)) < shown.index(
            next(r for r in shown if "Partial answer" in r)
        )
        assert reply.status == "interrupted"
        error_row = next(y for y, row in enumerate(shown) if "Rate limited" in row)
        error_style = view.get_component_rich_style("conversation-view--error", partial=True)
        text_segment = next(s for s in view.render_line(error_row) if "Rate" in s.text)
        assert text_segment.style is not None and text_segment.style.color == error_style.color
        assert "✗ Rate limited: slow down — press ctrl+r to retry" in shown[error_row]


async def test_width_change_rewraps() -> None:
    app = ViewApp()
    async with app.run_test(size=(100, 30)) as pilot:
        view = view_of(app)
        reply = view.add_assistant("m")
        view.append(reply, PARAGRAPH * 4)
        view.finish(reply)
        await pilot.pause()
        wide = view.virtual_size.height
        await pilot.resize_terminal(40, 30)
        await wait_until(pilot, lambda: view.virtual_size.height > wide)
        assert all(len(row.rstrip()) <= 40 for row in rows(view))
        assert "Streaming" in "\n".join(rows(view))


async def test_model_text_is_shown_literally() -> None:
    app = ViewApp()
    async with app.run_test(size=(100, 12)) as pilot:
        view = view_of(app)
        view.add_user("[bold]me[/] \x1b[2J")
        reply = view.add_assistant("m\x1b]0;x\x07")
        view.append(reply, "[@click=app.quit]click[/] \x1b]0;pwned\x07 done")
        view.finish(reply)
        await pilot.pause()
        shown = "\n".join(rows(view))
        assert "[bold]me[/] ^[[2J" in shown and "[@click=app.quit]click[/]" in shown
        assert "^[]0;pwned^G done" in shown and "\x1b" not in shown and "\x07" not in shown
        assert app.is_running


async def test_highlight_scroll_to_entry_remove_and_clear() -> None:
    app = ViewApp()
    async with app.run_test(size=(60, 10)) as pilot:
        view = view_of(app)
        entries = [view.add_user(f"message {i}") for i in range(20)]
        await pilot.pause()
        view.scroll_to_entry(12)
        await pilot.pause()
        assert view.entry_at(0) == 12 and "message 12" in rows(view)[1]
        view.highlight(12)
        highlight = view.get_component_rich_style("conversation-view--highlight")
        assert view.render_line(1).text.startswith("message 12")
        assert all(s.style and s.style.bgcolor == highlight.bgcolor for s in view.render_line(1))
        assert not any(
            s.style and s.style.bgcolor == highlight.bgcolor for s in view.render_line(3)
        )
        view.remove_entry(entries[3])
        assert view.highlighted == 11 and len(view.entries) == 19
        with pytest.raises(ValueError):
            view.remove_entry(entries[3])
        view.clear()
        await pilot.pause()
        assert view.entries == () and view.highlighted is None
        assert not "".join(rows(view)).strip()


async def test_resize_lays_out_what_is_in_view_and_keeps_the_reader_in_place(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = ViewApp()
    async with app.run_test(size=(100, 20)) as pilot:
        view = view_of(app)
        for i in range(60):
            view.add_user(f"question {i}")
            reply = view.add_assistant("m")
            view.append(reply, f"Answer {i}: {PARAGRAPH * 3}\n\n- a list item\n")
            view.finish(reply)
        await wait_until(pilot, lambda: view.laid_out)
        view.scroll_to_entry(60)  # "question 30", in the middle
        await pilot.pause()
        assert view.entry_at(0) == 60 and rows(view)[1].startswith("question 30")
        laid_out: list[Entry] = []
        monkeypatch.setattr(UserEntry, "render", spy_on(UserEntry.render, laid_out))
        monkeypatch.setattr(AssistantEntry, "render", spy_on(AssistantEntry.render, laid_out))
        per_frame: list[int] = []
        layout = EntryLayout.layout

        def counted(self: EntryLayout, *args: Any) -> tuple[int | None, int]:
            before = len(laid_out)
            result: tuple[int | None, int] = layout(self, *args)
            per_frame.append(len(laid_out) - before)
            return result

        monkeypatch.setattr(EntryLayout, "layout", counted)
        await pilot.resize_terminal(50, 20)
        assert 0 < per_frame[0] < 20  # what is in view, and a little more: not all 120
        assert view.entry_at(0) == 60 and rows(view)[1].startswith("question 30")
        await wait_until(pilot, lambda: view.laid_out)
        assert len(laid_out) < 40  # the screen and one more above and below: not all 120
        assert view.entry_at(0) == 60 and rows(view)[1].startswith("question 30")


async def test_a_system_message_is_shown_as_the_systems_not_yours() -> None:
    app = ViewApp()
    async with app.run_test(size=(60, 10)) as pilot:
        view = view_of(app)
        view.add_system("answer in French")
        view.add_user("hi")
        await pilot.pause()
        shown = [row.strip() for row in rows(view) if row.strip()]
        assert shown[:4] == ["system", "answer in French", "you", "hi"]
