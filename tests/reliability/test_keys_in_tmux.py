"""The keys as tmux delivers them to the real app (Textual's driver and chatui's key parser):
ESC-prefixed Alt, Option+arrow as ESC ESC [ A, and Shift+Enter with `extended-keys on`; and
copies that land in tmux's buffer (tmux drops OSC 52 by default)."""

from __future__ import annotations

import re
import subprocess

from tests.reliability.harness import Env
from tests.reliability.terminal import Tmux
from tests.wireserver import Reply, WireServer

REPLY = "Two blocks:\n\n```sh\nls\n```\n\n```py\nprint(2)\n```\n"


def prompt_lines(term: Tmux) -> list[str]:
    """The text rows of the prompt box (a notice may cover its right end)."""
    rows = term.screen().splitlines()
    top = max(i for i, row in enumerate(rows) if row.startswith("╭"))
    bottom = next(i for i in range(top, len(rows)) if rows[i].startswith("╰"))
    return [re.split("[│▌]", row[1:])[0].strip() for row in rows[top + 1 : bottom]]


def buffer(term: Tmux) -> str | None:
    """tmux's newest paste buffer (None: there is none)."""
    try:
        return term.tmux("show-buffer")
    except subprocess.CalledProcessError:
        return None


def test_alt_keys_and_newlines_from_tmux(env: Env, wire_server: WireServer) -> None:
    wire_server.enqueue(Reply(pieces=[REPLY]))
    with Tmux(env.root, env.environ) as term:
        term.start()
        term.tmux("set", "-g", "extended-keys", "on")  # tmux then honours the app's request
        term.wait_for(lambda: "oai/test-model" in term.screen(), "the app to start")
        term.type("q")
        term.keys("Enter")
        term.wait_for(lambda: "print(2)" in term.screen(), "the reply")

        term.keys("M-y")  # ESC y: copies a code block, types nothing
        term.wait_for(lambda: buffer(term) == "ls\n", "the code block in tmux's buffer")
        term.wait_for(lambda: "to the tmux buffer" in term.screen(), "the notice saying so")
        assert "y" not in prompt_lines(term)

        # iTerm2's Option+Up twice selects the question (no Escape, no Up recalling "q"), so
        # Alt+Y finds no code block there. (Not Ctrl+Y: a priority binding can overtake keys
        # still on their way through the prompt when they come this fast.)
        term.keys("-H", "1b", "1b", "5b", "41")
        term.keys("-H", "1b", "1b", "5b", "41")
        term.keys("M-y")
        term.wait_for(lambda: "has no code block" in term.screen(), "the question selected")
        assert prompt_lines(term)[0] == ""

        term.type("a")
        term.keys("S-Enter")  # with extended-keys on: ESC[13;2u
        term.type("b")
        term.keys("-H", *(f"{ord(c):02x}" for c in "\x1b[27;2;13~"))  # xterm's, tmux 3.5's
        term.type("c")
        term.keys("C-j")
        term.type("d")
        term.wait_for(lambda: prompt_lines(term)[:3] == ["a", "b", "c"], "three prompt lines")
        assert len(wire_server.generation_requests) == 1  # nothing was sent
