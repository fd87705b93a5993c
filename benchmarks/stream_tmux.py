"""Real-terminal figures for stream_render.py: the app runs in tmux, the screen is polled."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_common import END_MARKER, server_for, write_config

from chatui.store import TranscriptStore

SESSION = "chatui-bench"
CHATUI = str(Path(sys.executable).with_name("chatui"))


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], capture_output=True, text=True, check=False).stdout


def screen() -> str:
    return tmux("capture-pane", "-p", "-t", SESSION)


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_for(text: str, timeout: float) -> float | None:
    """perf_counter() when `text` first shows on the tmux screen, polled every few ms."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if text in screen():
            return time.perf_counter()
        time.sleep(0.003)
    return None


def seed_history(count: int) -> None:
    with TranscriptStore.open() as store:
        conversation = store.create_conversation("earlier")
        parent = None
        for i in range(count):
            role = "user" if i % 2 == 0 else "assistant"
            extra = {"provider": "bench", "model": "bench-model"} if role == "assistant" else {}
            record = store.add_message(
                conversation.id, role, f"earlier message {i}\n\n- a\n- b\n", parent_id=parent,
                **extra,  # type: ignore[arg-type]
            )  # fmt: skip
            parent = record.id


def tmux_figures(text: str, chunks: int, earlier: int) -> dict[str, float]:
    server = server_for(text, chunks, 2000.0)
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "CHATUI_CONFIG": str(write_config(Path(tmp), server)),
            "CHATUI_DATA_DIR": tmp,
        }
        os.environ["CHATUI_DATA_DIR"] = tmp
        if earlier:
            seed_history(earlier)
        args = [CHATUI, "--continue"] if earlier else [CHATUI]
        command = " ".join(
            f"{k}={shlex.quote(v)}" for k, v in env.items() if k.startswith("CHATUI")
        )
        tmux("kill-session", "-t", SESSION)
        start = time.perf_counter()
        tmux("new-session", "-d", "-s", SESSION, "-x", "120", "-y", "40",
             f"{command} exec {shlex.join(args)}")  # fmt: skip
        try:
            shown = wait_for("bench/bench-model", 20)
            launch = (shown or float("inf")) - start
            pid = int(tmux("display", "-p", "-t", SESSION, "#{pane_pid}").strip())
            time.sleep(1.5)  # a person starts typing; the SDK loads meanwhile
            cpu = cpu_seconds(pid)
            tmux("send-keys", "-t", SESSION, "go")
            sent = time.perf_counter()
            tmux("send-keys", "-t", SESSION, "Enter")
            visible = wait_for(END_MARKER, 120)
            cpu = cpu_seconds(pid) - cpu
            request = server.generation_requests[-1]
            finished = request.finished_at or 0.0
            return {
                "lag_s": (visible or float("inf")) - finished,
                "cpu_s": cpu,
                "launch_s": launch,
                "enter_to_server_s": request.received_at - sent,
            }
        finally:
            tmux("kill-session", "-t", SESSION)
            server.stop()


HELLO = (
    "from textual.app import App\n"
    "from textual.widgets import Static\n"
    "class Hello(App):\n"
    "    def compose(self):\n"
    "        yield Static('hello-textual-ready')\n"
    "Hello().run()\n"
)


def launch_baseline() -> float:
    """Seconds until a minimal Textual app shows its one line in tmux: the floor for launch."""
    tmux("kill-session", "-t", SESSION)
    start = time.perf_counter()
    command = shlex.join([sys.executable, "-c", HELLO])
    tmux("new-session", "-d", "-s", SESSION, "-x", "120", "-y", "40", f"exec {command}")
    try:
        return (wait_for("hello-textual-ready", 20) or float("inf")) - start
    finally:
        tmux("kill-session", "-t", SESSION)
