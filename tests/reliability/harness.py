"""The reliability suite's setup: a config on the wire server with fast timeouts, fake keys to
seed in the environment, apps and stored transcripts."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from chatui.config import load_config
from chatui.core import ModelRef
from chatui.store import TranscriptStore, queries
from chatui.store.records import MessageRecord
from chatui.ui.app import ChatApp
from tests.wireserver import Reply, WireServer

#: Distinctive fake secrets: none of them may ever show up in a file, a screen or an error.
KEYS = {
    "OAI_KEY": "sk-proj-REL1AB1L1TYoaiSECRETx0123456789",
    "CLAUDE_KEY": "sk-ant-api03-REL1AB1L1TYclaudeSECRETx0123456789",
    "OPENAI_API_KEY": "sk-proj-REL1AB1L1TYbuiltinOPENAIx0123",
    "ANTHROPIC_API_KEY": "sk-ant-api03-REL1AB1L1TYbuiltinANTHROPICx0123",
}
SECRET_MARK = "REL1AB1L1TY"  # in every key: grep for it
#: protocol -> the model that speaks it, and the environment variable holding its key
MODELS = {
    "chat": "oai/test-model",
    "responses": "resp/test-model",
    "anthropic": "claude/test-model",
}
KEY_OF = {"chat": "OAI_KEY", "responses": "OAI_KEY", "anthropic": "CLAUDE_KEY"}
READ_TIMEOUT = 1


def config_text(base_url: str) -> str:
    return f"""default_model = "oai/test-model"

[timeouts]
connect = 2
read = {READ_TIMEOUT}

[providers.oai]
base_url = "{base_url}/v1"
api_key_env = "OAI_KEY"
models = ["test-model"]

[providers.resp]
base_url = "{base_url}/v1"
api = "responses"
api_key_env = "OAI_KEY"
models = ["test-model"]

[providers.claude]
kind = "anthropic"
base_url = "{base_url}"
api_key_env = "CLAUDE_KEY"
models = ["test-model"]
"""


def chatui_variables(root: Path, base_url: str) -> dict[str, str]:
    """The environment chatui runs with: config and data under `root`, the fake keys, and the
    built-in providers pointed at the wire server too (their keys are set)."""
    config = root / "config.toml"
    config.write_text(config_text(base_url))
    return {
        **KEYS,
        "CHATUI_CONFIG": str(config),
        "CHATUI_DATA_DIR": str(root / "data"),
        "CHATUI_CACHE_DIR": str(root / "cache"),
        "OPENAI_BASE_URL": f"{base_url}/v1",
        "ANTHROPIC_BASE_URL": base_url,
    }


def process_environ(variables: dict[str, str]) -> dict[str, str]:
    """A whole environment for a chatui process: this one's, plus `variables`."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    return {**environ, **variables, "PYTHONUNBUFFERED": "1", "NO_COLOR": "1"}


class ServerSwitch:
    """Puts the wire server into a fault (`None`: not running, so connections are refused) and
    takes it out again: a fault persists across the providers' automatic retries until cleared."""

    def __init__(self, server: WireServer) -> None:
        self.server = server
        self.port = server.port

    def arm(self, fault: Reply | None) -> None:
        if fault is None:
            self.server.stop()
        else:
            self.server.default_reply = fault

    def clear(self, reply: Reply) -> None:
        if self.server._httpd is None:  # stopped: back on the same port
            self.server.requested_port = self.port
            self.server.start()
        self.server.default_reply = reply


@dataclass
class Env:
    """One test's files and environment (also applied to this process with monkeypatch)."""

    root: Path
    config: Path
    data: Path
    environ: dict[str, str]
    stores: list[TranscriptStore] = field(default_factory=list)

    @property
    def db(self) -> Path:
        return self.data / "chatui.db"

    def make_app(self, model: str = MODELS["chat"], **kwargs: object) -> ChatApp:
        store = TranscriptStore.open()
        self.stores.append(store)
        return ChatApp(load_config(), store, ModelRef.parse(model), **kwargs)  # type: ignore[arg-type]


@contextmanager
def reading(db: Path) -> Iterator[sqlite3.Connection]:
    """A read-only connection to the database at `db`. (Closing a TranscriptStore checkpoints
    and syncs the file: slow on a busy disk, and these tests read it often.)"""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
    conn.row_factory = sqlite3.Row
    try:
        yield conn
    finally:
        conn.close()


def conversation_ids(db: Path) -> list[str]:
    """Ids of the conversations in the database at `db`, newest first."""
    with reading(db) as conn:
        return [summary.id for summary in queries.summaries(conn, 1000, 0)]


def messages(db: Path, index: int = 0) -> tuple[MessageRecord, ...]:
    """The messages of the `index`-th newest conversation in the database at `db`."""
    with reading(db) as conn:
        newest = queries.summaries(conn, 1, index)[0]
        return queries.transcript(conn, newest.id).messages
