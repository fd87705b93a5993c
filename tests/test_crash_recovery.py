"""kill -9 while a reply streams: the next start finds the flushed text, marked interrupted."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from chatui.store import TranscriptStore
from tests.wireserver import Reply, WireServer


def test_kill_9_keeps_flushed_reply_as_interrupted(tmp_path: Path, wire_server: WireServer) -> None:
    config = tmp_path / "config.toml"
    config.write_text(f'[providers.local]\nbase_url = "{wire_server.base_url}/v1"\n')
    env = {**os.environ, "CHATUI_CONFIG": str(config), "CHATUI_DATA_DIR": str(tmp_path)}
    wire_server.enqueue(Reply(pieces=[f"w{i} " for i in range(1000)], interval=0.005))
    proc = subprocess.Popen(
        [sys.executable, "-m", "chatui", "ask", "-m", "local/test-model", "go"],
        stdin=subprocess.DEVNULL,  # `ask` sends piped stdin with the words
        stdout=subprocess.PIPE,
        env=env,
    )
    assert proc.stdout is not None
    proc.stdout.read(300)  # well into the reply
    time.sleep(1.2)  # at least one flush interval has passed since
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    with TranscriptStore.open(tmp_path / "chatui.db") as store:
        assert store.recover_interrupted() == 1
        conversation = store.list_conversations()[0]
        user, reply = store.get_conversation(conversation.id).messages
    assert (user.role, user.content, user.status) == ("user", "go", "complete")
    assert reply.status == "interrupted" and reply.model == "test-model"
    words = reply.content.split()
    assert len(words) >= 60  # the text flushed before the kill (>= 1.2 s at 200 words/s)
    assert words == [f"w{i}" for i in range(len(words))]
