"""The real app in a real terminal: `python -m chatui` inside a private tmux server."""

from __future__ import annotations

import builtins
import os
import shlex
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType


class Tmux:
    """One tmux server on its own socket, running one command in a 100x30 window."""

    def __init__(self, folder: Path, environ: dict[str, str], name: str = "tmux") -> None:
        self.socket = folder / f"{name}.sock"
        self.environ = {**environ, "TERM": "xterm-256color"}

    def tmux(self, *args: str) -> str:
        done = subprocess.run(
            ["tmux", "-S", str(self.socket), *args],
            capture_output=True,
            text=True,
            env=self.environ,
            timeout=20,
            check=True,
        )
        return done.stdout

    def start(self, *argv: str) -> int:
        """Run `python -m chatui ARGV...`; returns its pid."""
        command = shlex.join([sys.executable, "-m", "chatui", *argv])
        self.tmux("new-session", "-d", "-x", "100", "-y", "30", f"exec {command}")
        return int(self.tmux("display-message", "-p", "#{pane_pid}"))

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", *keys)

    def type(self, text: str) -> None:
        self.tmux("send-keys", "-l", text)

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p")

    def wait_for(self, test: Callable[[], bool], what: str, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while not test():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}; screen:\n{self.screen()}")
            time.sleep(0.05)

    def __enter__(self) -> Tmux:
        return self

    def __exit__(
        self,
        kind: builtins.type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        subprocess.run(["tmux", "-S", str(self.socket), "kill-server"], capture_output=True)
        if self.socket.exists():
            os.unlink(self.socket)
