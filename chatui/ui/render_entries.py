"""Conversation log entries (user, assistant, notice) and how each lays out into rows at a width."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from rich.style import Style
from rich.text import Text

from chatui.core.text import inert
from chatui.ui.markdown_blocks import Line, StreamingMarkdown, render_plain, render_to_lines

NoticeKind = Literal["error", "warning", "info"]
ReplyStatus = str
"""A reply's state: "streaming", "complete", or why it ended early ("stopped", "error",
"interrupted", …), which is shown in its header."""

STATUS_LABELS: dict[str, str] = {"streaming": "…", "complete": ""}
NOTICE_MARKS: dict[NoticeKind, str] = {"error": "✗ ", "warning": "! ", "info": "· "}


_BOLD = Style(bold=True)
_DIM = Style(dim=True)


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


class StreamingPlain:
    """Plain text that grows: complete lines are wrapped once per width, the last one per change."""

    def __init__(self, text: str = "") -> None:
        self._done: list[str] = []  # complete logical lines (raw)
        self._partial = ""  # raw text after the last newline
        # (width, style, complete lines wrapped, their rows)
        self._rows: tuple[int, Style, int, list[Line]] = (0, Style(), 0, [])

    @property
    def text(self) -> str:
        """Everything appended so far (raw; made inert only when rendered)."""
        return "".join(line + "\n" for line in self._done) + self._partial

    def append(self, text: str) -> None:
        """Add text; complete lines are split off and never re-wrapped at this width."""
        lines = (self._partial + text).replace("\r\n", "\n").split("\n")
        self._partial = lines.pop()
        self._done.extend(lines)

    def render_lines(self, width: int, style: Style) -> list[Line]:
        """Rows for all lines at `width`, each line wrapped on its own."""
        cached_width, cached_style, done, rows = self._rows
        if cached_width != width or cached_style != style:
            done, rows = 0, []
        for line in self._done[done:]:
            rows.extend(render_plain(line, width, style))
        self._rows = (width, style, len(self._done), rows)
        return [*rows, *render_plain(self._partial, width, style)]


def header_row(width: int, *parts: tuple[str, Style]) -> Line:
    """One row of labelled parts, cut with an ellipsis if it does not fit."""
    text = Text(no_wrap=True, overflow="ellipsis", end="")
    for part, style in parts:
        text.append(inert(part).replace("\n", " "), style)
    return render_to_lines(text, width)[0]


class Entry:
    """One item of the conversation log; the object callers keep to change it later."""

    def __init__(self) -> None:
        self.index = -1
        """Position in the view (kept up to date by the view; -1 when not in one)."""

    def render(self, width: int, styles: EntryStyles) -> list[Line]:
        """Every row of this entry at `width`."""
        raise NotImplementedError


class UserEntry(Entry):
    """A prompt the user sent: shown exactly as typed, never as Markdown or markup."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def render(self, width: int, styles: EntryStyles) -> list[Line]:
        return [header_row(width, ("you", styles.user)), *render_plain(self.text, width)]


class AssistantEntry(Entry):
    """A reply: header with model and status, optional dim reasoning, then Markdown."""

    def __init__(self, model_label: str, status: ReplyStatus = "streaming") -> None:
        super().__init__()
        self.model_label = model_label
        self.status: ReplyStatus = status
        self.body = StreamingMarkdown()
        self.reasoning: StreamingPlain | None = None

    @property
    def text(self) -> str:
        """The reply's Markdown text so far (inert)."""
        return self.body.text

    def header(self, width: int, styles: EntryStyles) -> Line:
        """The header row, e.g. "assistant · openai/gpt-4o  stopped"."""
        parts = [("assistant", styles.assistant)]
        if self.model_label:
            parts.append((f" · {self.model_label}", styles.model))
        label = STATUS_LABELS.get(self.status, self.status)
        if label:
            parts.append((f"  {label}", styles.error if self.status == "error" else styles.status))
        return header_row(width, *parts)

    def render(self, width: int, styles: EntryStyles) -> list[Line]:
        rows = [self.header(width, styles)]
        if self.reasoning is not None:
            rows.extend(self.reasoning.render_lines(width, styles.reasoning))
        rows.extend(self.body.render_lines(width))
        return rows


class NoticeEntry(Entry):
    """An error, warning or info line, e.g. "Rate limited: … — press ctrl+r to retry"."""

    def __init__(self, text: str, kind: NoticeKind = "info") -> None:
        super().__init__()
        self.text = text
        self.kind: NoticeKind = kind

    def render(self, width: int, styles: EntryStyles) -> list[Line]:
        style = {"error": styles.error, "warning": styles.warning, "info": styles.info}[self.kind]
        return render_plain(NOTICE_MARKS[self.kind] + self.text, width, style)
