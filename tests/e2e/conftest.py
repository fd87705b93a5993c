"""Fixtures for end-to-end tests: a real llama-server (behind a recording proxy), a chatui
config that points two providers at it (one per protocol), and helpers to drive the app."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from chatui.config import load_config
from chatui.core import ModelRef
from chatui.store import TranscriptStore
from chatui.store.records import MessageRecord, Transcript
from chatui.ui.app import ChatApp
from chatui.ui.chat.screen import ChatScreen
from tests.e2e.llama_server import API_KEY, BuildFailed, LlamaServer, build_server
from tests.e2e.recording_proxy import Recorded, RecordingProxy
from tests.pilot import WAIT, chat, settle

KEY_ENV = "LLAMA_E2E_KEY"
OPENAI, ANTHROPIC = "llama", "llamaclaude"  # provider names: one per protocol
PROTOCOLS = (OPENAI, ANTHROPIC)
MODEL = "smollm2"
MAX_TOKENS = 48
SMALL_WINDOW = 2048  # the context of `small_llama_server`
SYSTEM_PROMPT = "You are a helpful assistant. Answer briefly."
ROOT = Path(__file__).resolve().parents[2]
PATHS = {OPENAI: "/v1/chat/completions", ANTHROPIC: "/v1/messages"}


def serve(
    factory: pytest.TempPathFactory, context: int = 4096, parallel: int = 2
) -> Iterator[LlamaServer]:
    """llama-server built (or found in the cache) by the build script, serving SmolLM2 with
    `context` tokens shared by `parallel` slots. A failed build fails every test with the
    script's output: nothing is skipped."""
    try:
        binary, model = build_server()
    except BuildFailed as exc:
        failure = str(exc)
    else:
        failure = ""
    if failure:
        pytest.fail(failure, pytrace=False)
    log = factory.mktemp("llama") / "llama-server.log"
    server = LlamaServer(binary, model, log, context, parallel).start()
    try:
        yield server
    finally:
        server.stop()


def recording(server: LlamaServer) -> Iterator[RecordingProxy]:
    proxy = RecordingProxy(server.port).start()
    try:
        yield proxy
    finally:
        proxy.stop()


def emptied(proxy: RecordingProxy, server: LlamaServer) -> RecordingProxy:
    """`proxy`, emptied for this test; its server must still be up."""
    assert server.alive, f"llama-server died:\n{server.log_tail()}"
    proxy.reset()
    return proxy


@pytest.fixture(scope="session")
def llama_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LlamaServer]:
    """The shared server: two slots of 2,048 tokens."""
    yield from serve(tmp_path_factory)


@pytest.fixture(scope="session")
def proxy_server(llama_server: LlamaServer) -> Iterator[RecordingProxy]:
    yield from recording(llama_server)


@pytest.fixture
def proxy(proxy_server: RecordingProxy, llama_server: LlamaServer) -> RecordingProxy:
    """The recording proxy, emptied for this test; the server must still be up."""
    return emptied(proxy_server, llama_server)


@pytest.fixture(scope="session")
def small_llama_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LlamaServer]:
    """A second server as `llama-server -c 2048`: one slot, a 2,048-token window."""
    yield from serve(tmp_path_factory, context=SMALL_WINDOW, parallel=1)


@pytest.fixture(scope="session")
def small_proxy_server(small_llama_server: LlamaServer) -> Iterator[RecordingProxy]:
    yield from recording(small_llama_server)


@pytest.fixture
def small_proxy(
    small_proxy_server: RecordingProxy, small_llama_server: LlamaServer
) -> RecordingProxy:
    """The 2,048-token server's recording proxy, emptied for this test."""
    return emptied(small_proxy_server, small_llama_server)


@dataclass
class E2E:
    """One test's chatui setup: config and data in a temp dir, both providers on llama-server."""

    root: Path
    url: str
    env: dict[str, str] = field(default_factory=dict)

    @property
    def config_path(self) -> Path:
        return self.root / "config.toml"

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    def write_config(
        self, *, max_tokens: int = MAX_TOKENS, default: str = f"{OPENAI}/{MODEL}", extra: str = ""
    ) -> None:
        """Both providers on this setup's server; `extra` (more TOML) after them."""
        self.config_path.write_text(
            f'default_model = "{default}"\n'
            f'system_prompt = "{SYSTEM_PROMPT}"\n'
            f"max_tokens = {max_tokens}\n"
            "temperature = 0\n"
            "[timeouts]\nconnect = 10\nread = 60\n"
            f"[providers.{OPENAI}]\n"
            'kind = "openai"\n'
            f'base_url = "{self.url}/v1"\n'
            f'api_key_env = "{KEY_ENV}"\n'
            f'models = ["{MODEL}"]\n'
            f"[providers.{ANTHROPIC}]\n"
            'kind = "anthropic"\n'
            f'base_url = "{self.url}"\n'
            f'api_key_env = "{KEY_ENV}"\n'
            f'models = ["{MODEL}"]\n' + extra,
            encoding="utf-8",
        )

    def make_app(self, provider: str = OPENAI, **kwargs: object) -> ChatApp:
        """The real app on `provider/smollm2`, with its own store (closed by the app)."""
        store = TranscriptStore.open()
        ref = ModelRef(provider, MODEL)
        return ChatApp(load_config(), store, ref, **kwargs)  # type: ignore[arg-type]

    def transcripts(self) -> list[Transcript]:
        """Every saved conversation, oldest first."""
        with TranscriptStore.open(self.data_dir / "chatui.db") as store:
            summaries = store.list_conversations(limit=1000)
            found = [store.get_conversation(s.id) for s in summaries]
        return sorted(found, key=lambda t: t.conversation.created_at)

    def only_transcript(self) -> tuple[MessageRecord, ...]:
        (transcript,) = self.transcripts()
        return transcript.messages

    def chatui(self, *args: str, key: str = API_KEY) -> subprocess.CompletedProcess[str]:
        """`python -m chatui ARGS` with this setup's environment and `key` as the API key."""
        return subprocess.run(
            [sys.executable, "-m", "chatui", *args],
            stdin=subprocess.DEVNULL,  # `ask` sends piped stdin with the words
            capture_output=True,
            text=True,
            env={**self.env, KEY_ENV: key},
            cwd=ROOT,
            timeout=WAIT,
            check=False,
        )


def setup_e2e(root: Path, url: str, monkeypatch: pytest.MonkeyPatch) -> E2E:
    """A setup in `root` on the server at `url`, its config written, the environment its own."""
    setup = E2E(root, url)
    setup.write_config()
    for name in list(os.environ):
        if name.endswith(("_API_KEY", "_BASE_URL")) or name.startswith("CHATUI_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("CHATUI_CONFIG", str(setup.config_path))
    monkeypatch.setenv("CHATUI_DATA_DIR", str(setup.data_dir))
    monkeypatch.setenv("CHATUI_CACHE_DIR", str(root / "cache"))
    monkeypatch.setenv(KEY_ENV, API_KEY)
    setup.env = dict(os.environ)
    return setup


@pytest.fixture
def e2e(tmp_path: Path, proxy: RecordingProxy, monkeypatch: pytest.MonkeyPatch) -> E2E:
    return setup_e2e(tmp_path, proxy.url, monkeypatch)


def sent_key(request: Recorded) -> str:
    """The API key a request carried (either SDK's header)."""
    if "x-api-key" in request.headers:
        return request.headers["x-api-key"]
    return request.headers.get("authorization", "").removeprefix("Bearer ")


# ---- driving the app ----------------------------------------------------------------------


def sent_messages(request: Recorded) -> list[tuple[str, str]]:
    """(role, content) of the conversation in a generation request, either protocol;
    the system prompt comes first, as OpenAI sends it."""
    body: dict[str, Any] = request.json
    messages = [(m["role"], m["content"]) for m in body["messages"]]
    if "system" in body:
        messages.insert(0, ("system", body["system"]))
    return messages


def assert_chain(messages: tuple[MessageRecord, ...]) -> None:
    """Each message's parent is the one before it: one linear branch, oldest first."""
    assert messages[0].parent_id is None
    for parent, child in pairwise(messages):
        assert child.parent_id == parent.id, (parent, child)
        assert child.created_at >= parent.created_at


async def send(pilot: Pilot[None], text: str, *, typed: bool = False) -> None:
    """Put `text` in the prompt (as a paste would; key by key if `typed`), press Enter and
    wait for the reply to end."""
    await enter_prompt(pilot, text, typed=typed)
    await settle(pilot)


async def enter_prompt(pilot: Pilot[None], text: str, *, typed: bool = False) -> None:
    if typed:
        await pilot.press(*text)
    else:
        chat(pilot.app).prompt.insert(text)
    # Not pilot.press: it waits for the app to go idle, which a streaming reply never does.
    pilot.app.simulate_key("enter")
    await pilot.pause(0)


async def pick_model(pilot: Pilot[None], query: str, expected: str) -> None:
    """Ctrl+O, type `query` in the picker's filter, Enter: `expected` is now the model."""
    from chatui.ui.screens.picker import ModelPicker

    await pilot.press("ctrl+o")
    await pilot.pause()
    assert isinstance(pilot.app.screen, ModelPicker)
    await pilot.press(*query)
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(pilot.app.screen, ChatScreen), "the picker did not close on Enter"
    screen = chat(pilot.app)
    assert str(screen.models.current) == expected
    assert screen.session is not None and str(screen.session.model) == expected
    assert screen.status.render().plain.startswith(expected)
