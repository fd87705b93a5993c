"""StreamingMarkdown: block splitting, render caching, width changes, inert model text."""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest
from rich.console import RenderableType
from rich.markdown import Markdown
from rich.syntax import Syntax

from chatui.core.text import inert
from chatui.ui.conversation import markdown_blocks
from chatui.ui.conversation.markdown_blocks import (
    Line,
    StreamingMarkdown,
    markdown_renderable,
    render_plain,
    render_to_lines,
)

PYTHON = "\n".join(
    f"def handle_{i}(event: dict[str, int]) -> int:\n"
    f'    """Handle event {i}."""\n'
    f"    return sum(v * {i} for v in event.values())  # weighted\n"
    for i in range(8)
)
DOCUMENT = (
    "# Streaming report\n\nA paragraph with **bold**, *emphasis*, `code` and a "
    "[link](https://example.com/path) that wraps across more than one row of the terminal.\n\n"
    "## Lists\n\n- first item\n- second item with `code`\n  continued lazily\n- third\n\n"
    "1. one\n2. two\n\n10. ten, still the same list\n\n"
    "Setext heading\n---\n\n"
    f"```python\n{PYTHON}\n```\n\n"
    "| Name | Value | Notes |\n|------|------:|-------|\n| a | 1 | first |\n| b | 22 | second |\n\n"
    "> quoted **text**\n>\n> - quoted list\n\n***\n- right after a rule\n\n"
    '```python\nS = """\n\nnot code\n"""\nx = 1\n' + "y = 2\n" * 6 + "```\n\n"
    "```javascript\nconst a = `multi\n${x}\nline`;\n/* comment\n\nstill */\nfoo();\n```\n\n"
    "<div>\nhtml block\n</div>\n\n    indented code\n\nThe end.\n"
)


def plain(lines: list[Line]) -> list[str]:
    return ["".join(segment.text for segment in line) for line in lines]


def styled(lines: list[Line]) -> list[list[tuple[str, object]]]:
    return [[(segment.text, segment.style) for segment in line] for line in lines]


def at_once(text: str, width: int) -> list[Line]:
    """What Rich renders for the whole text in one go: the reference."""
    return render_to_lines(markdown_renderable(inert(text)), width)


def random_chunks(text: str, seed: int, largest: int = 12) -> Iterator[str]:
    rng = random.Random(seed)
    start = 0
    while start < len(text):
        size = rng.randint(1, largest)
        yield text[start : start + size]
        start += size


def stream(text: str, width: int, seed: int = 0) -> StreamingMarkdown:
    """`text` appended in random chunks, rendering after about half of them."""
    rng = random.Random(seed)
    markdown = StreamingMarkdown()
    for chunk in random_chunks(text, seed):
        markdown.append(chunk)
        if rng.random() < 0.5:
            markdown.render_lines(width)
    return markdown


class RenderSpy:
    """Records the source of every Markdown and code fence rendered."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.sources: list[str] = []
        real = markdown_blocks.render_to_lines

        def spy(renderable: RenderableType, width: int, *args: object) -> list[Line]:
            if isinstance(renderable, Markdown):
                self.sources.append(renderable.markup)
            elif isinstance(renderable, Syntax):
                self.sources.append(renderable.code)
            return real(renderable, width)

        monkeypatch.setattr(markdown_blocks, "render_to_lines", spy)


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("width", [30, 100])
def test_streamed_in_random_chunks_renders_like_the_whole_text(seed: int, width: int) -> None:
    markdown = stream(DOCUMENT, width, seed)
    markdown.finish()
    assert styled(markdown.render_lines(width)) == styled(at_once(DOCUMENT, width))
    assert markdown.text == inert(DOCUMENT)


def test_each_row_is_exactly_the_width() -> None:
    markdown = stream(DOCUMENT, 40)
    assert {sum(segment.cell_length for segment in line) for line in markdown.render_lines(40)} == {
        40
    }


def test_finished_blocks_are_never_rendered_again(monkeypatch: pytest.MonkeyPatch) -> None:
    markdown = StreamingMarkdown()
    markdown.append("# Title\n\nFirst paragraph.\n\n- a list\n- of two\n\nThe open\nparagraph\nis")
    markdown.render_lines(60)
    assert markdown.finished_blocks == 3
    spy = RenderSpy(monkeypatch)
    markdown.append(" growing")
    rows = plain(markdown.render_lines(60))
    assert spy.sources == ["The open\nparagraph\nis growing"]  # only the tail
    markdown.render_lines(60)
    assert len(spy.sources) == 1  # nothing new, nothing rendered
    assert rows[0].startswith("Title") or "Title" in rows[0]
    assert rows[-1].startswith("The open paragraph is growing")


def test_work_grows_linearly_with_the_reply(monkeypatch: pytest.MonkeyPatch) -> None:
    spy = RenderSpy(monkeypatch)
    document = DOCUMENT * 2
    markdown = StreamingMarkdown()
    for chunk in random_chunks(document, seed=3, largest=6):
        markdown.append(chunk)
        markdown.render_lines(80)  # a frame after every chunk: the worst case
    rendered = sum(len(source) for source in spy.sources)
    # Re-rendering the whole reply per chunk would render about len * len / 7: ~500 times len.
    assert rendered < 25 * len(document)


def test_open_list_and_table_stay_one_block_until_something_follows() -> None:
    markdown = StreamingMarkdown()
    markdown.append("- a\n- b\n\n- c, loose now\n")
    markdown.render_lines(40)
    assert markdown.finished_blocks == 0
    markdown.append("\n| x | y |\n|---|---|\n| 1 | 2 |\n")
    markdown.render_lines(40)
    assert markdown.finished_blocks == 1  # the list
    markdown.append("| 3 | 4 |\n\nafter\n\nmore\n")
    rows = plain(markdown.render_lines(40))
    assert markdown.finished_blocks == 2  # list, table; "after" waits for a line after "more"
    assert any("3" in row and "4" in row for row in rows)


def test_a_partial_line_does_not_end_a_block() -> None:
    markdown = StreamingMarkdown()
    markdown.append("1. one\n2. two\n\n1")  # "1" could still become "10. ten"
    markdown.render_lines(40)
    assert markdown.finished_blocks == 0
    markdown.append("0. ten\n")
    markdown.finish()
    assert plain(markdown.render_lines(40)) == plain(at_once("1. one\n2. two\n\n10. ten\n", 40))


def test_open_code_fence_renders_only_its_last_piece(monkeypatch: pytest.MonkeyPatch) -> None:
    spy = RenderSpy(monkeypatch)
    markdown = StreamingMarkdown()
    markdown.append(f"```python\n{PYTHON}")
    markdown.render_lines(80)
    assert markdown.finished_blocks == 0
    spy.sources.clear()
    markdown.append("x = 1")
    rows = plain(markdown.render_lines(80))
    assert len(spy.sources) == 1 and len(spy.sources[0].splitlines()) < 10
    assert rows == plain(at_once(f"```python\n{PYTHON}x = 1", 80))


def test_width_change_rewraps_and_each_width_is_cached(monkeypatch: pytest.MonkeyPatch) -> None:
    markdown = stream(DOCUMENT, 80)
    markdown.finish()
    wide = markdown.render_lines(80)
    narrow = markdown.render_lines(30)
    assert plain(narrow) == plain(at_once(DOCUMENT, 30)) and len(narrow) > len(wide)
    spy = RenderSpy(monkeypatch)
    assert plain(markdown.render_lines(80)) == plain(wide)
    assert plain(markdown.render_lines(30)) == plain(narrow)
    assert spy.sources == []


def test_crlf_split_across_chunks_is_a_newline() -> None:
    markdown = StreamingMarkdown()
    for chunk in ["line one\r", "\nline two\r", "\n"]:
        markdown.append(chunk)
    markdown.finish()
    assert markdown.text == "line one\nline two\n"


HOSTILE = (
    "[bold red]loud[/] [@click=app.quit]click[/] \x1b[2J\x1b]0;pwned\x07 \x1b]8;;http://evil\x1b\\"
    "link\x1b]8;;\x1b\\ nul\x00 c1\x9b31m bidi\u202eevil [text](http://example.com)\n\n"
    "```\ncode \x1b[31mred\x1b[0m\n```\n"
)


def test_markup_escapes_and_controls_are_inert() -> None:
    markdown = StreamingMarkdown(HOSTILE)
    markdown.finish()
    lines = markdown.render_lines(200) + render_plain(HOSTILE, 200)
    text = "\n".join(plain(lines))
    assert "[bold red]loud[/]" in text and "[@click=app.quit]click[/]" in text
    assert "^[[2J" in text and "^[]0;pwned^G" in text and "^[[31mred" in text
    assert "<U+009B>" in text and "<U+202E>" in text and "^@" in text
    assert "text (http://example.com)" in text  # a link shows its address; no OSC 8
    unsafe = {chr(code) for code in [*range(0x20), *range(0x7F, 0xA0)]} - {"\n", "\t"}
    unsafe |= {chr(code) for code in range(0x202A, 0x202F)}
    for line in lines:
        for segment in line:
            assert not unsafe & set(segment.text)
            assert segment.style is None or (segment.style.link is None and not segment.style.meta)


def test_plain_text_is_not_markdown() -> None:
    rows = plain(render_plain("# not a heading\n**not bold** [x](y)", 40))
    assert rows[0].rstrip() == "# not a heading" and rows[1].rstrip() == "**not bold** [x](y)"
