"""Copies go where they can arrive (tmux's buffer, the system clipboard tool, OSC 52), and the
notice says where they went, or why they may not have arrived."""

from __future__ import annotations

import sys

from chatui.ui.clipboard import Clipboard, run_tool
from tests.pilot import press, settle
from tests.ui.conftest import AppFactory
from tests.wireserver import Reply, WireServer


class Tools:
    """Fake clipboard tools: `present` are installed; `failing` exit with an error."""

    def __init__(self, present: set[str], failing: tuple[str, ...] = ()) -> None:
        self.present = present
        self.failing = failing
        self.ran: list[tuple[list[str], str]] = []

    def which(self, name: str) -> str | None:
        return f"/usr/bin/{name}" if name in self.present else None

    def run(self, argv: list[str], text: str) -> bool:
        self.ran.append((argv, text))
        return " ".join(argv) not in self.failing

    def clipboard(self, **environ: str) -> Clipboard:
        return Clipboard(environ=environ, run=self.run, which=self.which, platform="linux")


def test_in_tmux_the_copy_goes_to_its_buffer_and_the_outer_clipboard() -> None:
    tools = Tools({"tmux"})
    clipboard = tools.clipboard(TMUX="/tmp/tmux-0/default,1,0")
    places = clipboard.copy("print(1)\n")
    assert tools.ran == [(["tmux", "load-buffer", "-w", "-"], "print(1)\n")]
    assert clipboard.notice("code block 1/2", places) == (
        "Copied code block 1/2 to the tmux buffer and the terminal clipboard (OSC 52)."
    )


def test_an_old_tmux_without_w_still_gets_the_buffer() -> None:
    tools = Tools({"tmux"}, failing=("tmux load-buffer -w -",))
    clipboard = tools.clipboard(TMUX="x")
    assert clipboard.notice("it", clipboard.copy("t")) == "Copied it to the tmux buffer."


def test_when_tmux_refuses_the_notice_says_what_to_set() -> None:
    tools = Tools({"tmux"}, failing=("tmux load-buffer -w -", "tmux load-buffer -"))
    clipboard = tools.clipboard(TMUX="x")
    assert clipboard.notice("it", clipboard.copy("t")) == (
        "Sent it to the terminal clipboard (OSC 52), which tmux passes on only with "
        "`set -g set-clipboard on`."
    )


def test_the_system_clipboard_tool_of_the_session() -> None:
    wayland = Tools({"wl-copy", "xclip"})
    clipboard = wayland.clipboard(WAYLAND_DISPLAY="wayland-0", DISPLAY=":0")
    assert clipboard.notice("it", clipboard.copy("t")) == "Copied it to the clipboard (wl-copy)."
    x11 = Tools({"xsel"})
    x11.clipboard(DISPLAY=":0").copy("t")
    assert x11.ran == [(["xsel", "--clipboard", "--input"], "t")]
    mac = Tools({"pbcopy"})
    Clipboard(environ={}, run=mac.run, which=mac.which, platform="darwin").copy("t")
    assert mac.ran == [(["pbcopy"], "t")]


def test_with_nothing_but_osc_52_the_notice_says_it_may_be_blocked() -> None:
    tools = Tools(set())
    clipboard = tools.clipboard()  # no tmux, no display: over ssh, say
    assert clipboard.copy("t") == [] and tools.ran == []
    assert clipboard.notice("the message (1 characters)", []) == (
        "Sent the message (1 characters) to the terminal clipboard (OSC 52); "
        "your terminal may block it."
    )


def test_run_tool_reports_failure_rather_than_raising() -> None:
    assert run_tool([sys.executable, "-c", "import sys; sys.stdin.read()"], "text")
    assert not run_tool([sys.executable, "-c", "raise SystemExit(1)"], "text")
    assert not run_tool(["/nonexistent/wl-copy"], "text")


async def test_the_chat_says_where_the_copy_went(
    make_app: AppFactory, wire_server: WireServer
) -> None:
    wire_server.enqueue(Reply(pieces=["Run:\n\n```sh\nls\n```\n"]))
    tools = Tools({"tmux"})
    app = make_app()
    app.clipboard_tools = tools.clipboard(TMUX="x")
    async with app.run_test() as pilot:
        await press(pilot, "q", "enter")
        await settle(pilot)
        await press(pilot, "ctrl+s")
        await settle(pilot)
        assert app.clipboard == "ls\n"  # Textual's own (OSC 52 went out with it)
        assert tools.ran == [(["tmux", "load-buffer", "-w", "-"], "ls\n")]
        notices = [n.message for n in app._notifications]
        assert notices[-1] == (
            "Copied code block 1/1 to the tmux buffer and the terminal clipboard (OSC 52)."
        )
