"""Conversation log entries (user, assistant, notice) and how each lays out into rows at a width."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from rich.style import Style
from rich.text import Text

from chatui.core import MessageStatus
from chatui.core.text import inert
from chatui.ui.conversation.document import MarkdownDocument
from chatui.ui.conversation.markdown_blocks import (
    Line,
    StreamingMarkdown,
    render_plain,
    render_to_lines,
)
from chatui.ui.conversation.plain_text import estimate_rows
from chatui.ui.conversation.thinking_block import ThinkingBlock

NoticeKind = Literal["error", "warning", "info"]
STATUS_LABELS: dict[MessageStatus, str] = {MessageStatus.STREAMING: "…", MessageStatus.COMPLETE: ""}
NOTICE_MARKS: dict[NoticeKind, str] = {"error": "✗ ", "warning": "! ", "info": "· "}
_BOLD, _DIM = Style(bold=True), Style(dim=True)


@dataclass(frozen=True)
class EntryStyles:
    """Rich styles for the parts of entries that are not Markdown (the view fills them from CSS)."""

    user: Style = _BOLD
    assistant: Style = _BOLD
    model: Style = _DIM
    status: Style = _DIM
    reasoning: Style = _DIM
    error: Style = _BOLD
    warning: Style = _BOLD
    info: Style = _DIM


def header_row(width: int, *parts: tuple[str, Style]) -> Line:
    """One row of labelled parts, cut with an ellipsis if it does not fit."""
    text = Text(no_wrap=True, overflow="ellipsis", end="")
    for part, style in parts:
        text.append(inert(part).replace("\n", " "), style)
    return render_to_lines(text, width)[0]


class Entry:
    """One item of the conversation log; the object callers keep to change it later."""

    def __init__(self) -> None:
        self.index = -1  # position in the view (kept up to date by it); -1 when not in one

    def render(self, width: int, styles: EntryStyles) -> list[Line]:
        """Every row of this entry at `width`."""
        raise NotImplementedError

    def estimate(self, width: int) -> int:
        """About how many rows `render` will give, without rendering."""
        raise NotImplementedError

    def pieces(self) -> int:
        """How many pieces it is laid out in (one, but for a long loaded reply)."""
        return 1

    def render_piece(self, piece: int, width: int, styles: EntryStyles) -> list[Line]:
        """The rows of one piece; together, in order, the pieces' rows are `render`'s."""
        return self.render(width, styles)

    def estimate_piece(self, piece: int, width: int) -> int:
        """About how many rows `render_piece` will give, without rendering."""
        return self.estimate(width)


class UserEntry(Entry):
    """A prompt the user sent: shown exactly as typed, never as Markdown or markup; the files
    sent with it as chips below (`chips`, e.g. "📎 notes.md 2.1 KB"). A saved conversation's
    system message is shown the same way under `speaker` "system"."""

    def __init__(self, text: str, chips: tuple[str, ...] = (), speaker: str = "you") -> None:
        super().__init__()
        self.text = text
        self.chips = chips
        self.speaker = speaker

    def render(self, width: int, styles: EntryStyles) -> list[Line]:
        rows = [header_row(width, (self.speaker, styles.user))]
        if self.text:
            rows += render_plain(self.text, width)
        if self.chips:
            rows += render_plain("  ".join(self.chips), width, styles.model)
        return rows

    def estimate(self, width: int) -> int:
        return 1 + estimate_rows(self.text, width) + estimate_rows("  ".join(self.chips), width)


class AssistantEntry(Entry):
    """A reply: header with model and status, a collapsible reasoning block, then Markdown."""

    def __init__(
        self,
        model_label: str,
        status: MessageStatus = MessageStatus.STREAMING,
        thinking_open: bool = False,
        text: str | None = None,
    ) -> None:
        """A reply streaming in, or, given its `text`, a finished one (loaded from the
        history: laid out a section at a time)."""
        super().__init__()
        self.model_label = model_label
        self.status: MessageStatus = status
        self.body: StreamingMarkdown | MarkdownDocument = (
            StreamingMarkdown() if text is None else MarkdownDocument(text)
        )
        self.reasoning: ThinkingBlock | None = None
        self.thinking_open = thinking_open  # the reasoning block shows its text
        self.answered = bool(text)  # answer text arrived: the reasoning is complete

    @property
    def text(self) -> str:
        """The reply's Markdown text so far (inert)."""
        return self.body.text

    def append(self, text: str) -> None:
        """Add streamed text (a finished reply's text does not grow: TypeError)."""
        if isinstance(self.body, MarkdownDocument):
            raise TypeError("a finished reply's text does not grow")
        self.body.append(text)
        self.answered = self.answered or bool(text)

    def finish(self) -> None:
        """The text is complete."""
        if isinstance(self.body, StreamingMarkdown):
            self.body.finish()

    def header(self, width: int, styles: EntryStyles) -> Line:
        """The header row, e.g. "assistant · openai/gpt-4o  stopped"."""
        parts = [("assistant", styles.assistant)]
        if self.model_label:
            parts.append((f" · {self.model_label}", styles.model))
        label = STATUS_LABELS.get(self.status, self.status)
        if label:
            parts.append(
                (
                    f"  {label}",
                    styles.error if self.status == MessageStatus.ERROR else styles.status,
                )
            )
        return header_row(width, *parts)

    def _head(self, width: int, styles: EntryStyles) -> list[Line]:
        """The header, and the reasoning block with a blank row after it."""
        rows = [self.header(width, styles)]
        if self.reasoning is not None:  # then a blank row before the answer
            live = self.status == MessageStatus.STREAMING and not self.answered
            opened = self.thinking_open
            rows += self.reasoning.rows(width, styles.reasoning, opened=opened, live=live)
            rows += render_plain("", width) if self.answered else []
        return rows

    def _estimate_head(self, width: int) -> int:
        thinking = 0 if self.reasoning is None else 2
        if self.reasoning is not None and self.thinking_open:
            thinking += estimate_rows(self.reasoning.text, width)
        return 1 + thinking

    def render(self, width: int, styles: EntryStyles) -> list[Line]:
        return self._head(width, styles) + self.body.render_lines(width)

    def estimate(self, width: int) -> int:
        return self._estimate_head(width) + estimate_rows(self.text, width)

    def pieces(self) -> int:
        """A loaded reply: its head, then each section of its text; a streamed one: one."""
        body = self.body
        return 1 if isinstance(body, StreamingMarkdown) else 1 + body.section_count

    def render_piece(self, piece: int, width: int, styles: EntryStyles) -> list[Line]:
        body = self.body
        if isinstance(body, StreamingMarkdown):
            return self.render(width, styles)
        return self._head(width, styles) if piece == 0 else body.render_section(piece - 1, width)

    def estimate_piece(self, piece: int, width: int) -> int:
        body = self.body
        if isinstance(body, StreamingMarkdown):
            return self.estimate(width)
        return self._estimate_head(width) if piece == 0 else body.estimate(piece - 1, width)


class NoticeEntry(Entry):
    """An error, warning or info line, e.g. "Rate limited: … — press ctrl+r to retry"."""

    def __init__(self, text: str, kind: NoticeKind = "info") -> None:
        super().__init__()
        self.text = text
        self.kind: NoticeKind = kind

    def render(self, width: int, styles: EntryStyles) -> list[Line]:
        style = {"error": styles.error, "warning": styles.warning, "info": styles.info}[self.kind]
        return render_plain(NOTICE_MARKS[self.kind] + self.text, width, style)

    def estimate(self, width: int) -> int:
        return estimate_rows(self.text, width)


class GapEntry(Entry):
    """Messages not shown yet, above the others (the start of a long conversation): it takes
    their estimated rows (`chars` and `lines` of their text, 2 rows more for each of the
    `messages`) until the view comes near and shows them in its place."""

    def __init__(self, messages: int, chars: int, lines: int) -> None:
        super().__init__()
        self.messages, self.chars, self.lines = messages, chars, lines

    def render(self, width: int, styles: EntryStyles) -> list[Line]:
        return [[] for _ in range(self.estimate(width))]

    def estimate(self, width: int) -> int:
        return max(1, 2 * self.messages + self.lines + self.chars // max(1, width) - 1)
