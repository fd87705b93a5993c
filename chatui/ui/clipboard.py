"""Copying text where it will arrive, and saying where it went.

The app always sends OSC 52 (Textual's `copy_to_clipboard`), but terminals may refuse it and
tmux drops it by default (`set-clipboard external`). So, besides: under tmux, `tmux load-buffer
-w -` (tmux's buffer, and with -w the outer terminal's clipboard); and the system's clipboard
tool when there is one (wl-copy, xclip, xsel, pbcopy). The tools are run by `run`, and found by
`which`, both replaceable in tests."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

#: Runs argv with `text` on stdin; True if it worked.
Runner = Callable[[list[str], str], bool]

TMUX_BUFFER = "the tmux buffer and the terminal clipboard (OSC 52)"


def run_tool(argv: list[str], text: str) -> bool:
    """Run a clipboard tool. Its output is discarded, not piped: xclip, xsel and wl-copy stay
    in the background holding the selection, and a pipe would wait for them."""
    try:
        done = subprocess.run(
            argv,
            input=text.encode(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=3,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


@dataclass
class Clipboard:
    """The copy tools of this machine and session."""

    environ: Mapping[str, str] = field(default_factory=lambda: os.environ)
    run: Runner = run_tool
    which: Callable[[str], str | None] = shutil.which
    platform: str = sys.platform

    @property
    def in_tmux(self) -> bool:
        return bool(self.environ.get("TMUX"))

    def system_tool(self) -> list[str] | None:
        """The command that sets the system clipboard here, if any."""
        tools: list[tuple[bool, list[str]]] = [
            (bool(self.environ.get("WAYLAND_DISPLAY")), ["wl-copy"]),
            (bool(self.environ.get("DISPLAY")), ["xclip", "-selection", "clipboard"]),
            (bool(self.environ.get("DISPLAY")), ["xsel", "--clipboard", "--input"]),
            (self.platform == "darwin", ["pbcopy"]),
        ]
        return next((argv for usable, argv in tools if usable and self.which(argv[0])), None)

    def copy(self, text: str) -> list[str]:
        """Copy `text` with every tool at hand; where it surely went."""
        places = []
        if self.in_tmux and self.which("tmux"):
            if self.run(["tmux", "load-buffer", "-w", "-"], text):
                places.append(TMUX_BUFFER)
            elif self.run(["tmux", "load-buffer", "-"], text):  # tmux before 3.2 has no -w
                places.append("the tmux buffer")
        tool = self.system_tool()
        if tool is not None and self.run(tool, text):
            places.append(f"the clipboard ({tool[0]})")
        return places

    def notice(self, what: str, places: list[str]) -> str:
        """What to tell the user after copying `what` ("the message (12 characters)")."""
        if places:
            return f"Copied {what} to {' and '.join(places)}."
        if self.in_tmux:
            return (
                f"Sent {what} to the terminal clipboard (OSC 52), which tmux passes on only "
                "with `set -g set-clipboard on`."
            )
        return f"Sent {what} to the terminal clipboard (OSC 52); your terminal may block it."
