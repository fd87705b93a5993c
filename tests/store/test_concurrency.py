"""Two processes writing the same store at once lose nothing."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from chatui.store import TranscriptStore
from tests.store.conftest import fts_integrity

WRITER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from chatui.store import TranscriptStore

    path, shared, name, go = Path(sys.argv[1]), sys.argv[2], sys.argv[3], Path(sys.argv[4])
    with TranscriptStore.open(path) as store:
        own = store.create_conversation(f"own {name}")
        while not go.exists():
            time.sleep(0.001)
        for index in range(200):
            target = shared if index % 2 else own.id
            if index % 10 == 9:
                reply = store.add_message(
                    target, "assistant", "", provider="p", model="m", status="streaming"
                )
                store.update_streaming(reply.id, f"{name} partial {index}")
                store.finish_message(reply.id, f"{name} message {index}")
            else:
                store.add_message(target, "user", f"{name} message {index}")
    print(own.id)
    """
)


def test_two_processes_writing_at_once_lose_nothing(data_dir: Path) -> None:
    data_dir.mkdir()
    path = data_dir / "chatui.db"
    go = data_dir / "go"
    with TranscriptStore.open(path) as store:
        shared = store.create_conversation("shared").id
    root = str(Path(__file__).resolve().parents[2])
    env = {**os.environ, "PYTHONPATH": root + os.pathsep + os.environ.get("PYTHONPATH", "")}
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path), shared, name, str(go)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for name in ("alpha", "beta")
    ]
    time.sleep(0.3)  # both opened and waiting
    go.touch()
    outputs = [writer.communicate(timeout=60) for writer in writers]
    for writer, (_, err) in zip(writers, outputs, strict=True):
        assert writer.returncode == 0, err
    own_ids = [out.strip() for out, _ in outputs]
    with TranscriptStore.open(path) as store:
        shared_messages = store.get_conversation(shared).messages
        assert len(shared_messages) == 200
        for name, own_id in zip(("alpha", "beta"), own_ids, strict=True):
            own = store.get_conversation(own_id).messages
            assert sorted(m.content for m in own) == sorted(
                f"{name} message {i}" for i in range(0, 200, 2)
            )
            assert sorted(m.content for m in shared_messages if m.content.startswith(name)) == (
                sorted(f"{name} message {i}" for i in range(1, 200, 2))
            )
        assert all(m.status == "complete" for m in shared_messages)
        assert len(store.search("alpha message")) == 50  # limit; the index saw every writer
        assert {s.message_count for s in store.list_conversations()} == {200, 100}
        fts_integrity(store._connection())
