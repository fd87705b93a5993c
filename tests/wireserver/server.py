"""`WireServer`: the scripted API's lifecycle, reply queue and what it observed."""

from __future__ import annotations

import collections
import contextlib
import socket
import threading
import time
from types import TracebackType

from tests.wireserver.handler import HTTPServer
from tests.wireserver.personas import OPENAI, PERSONAS
from tests.wireserver.replies import (
    DEFAULT_MODELS,
    GENERATION_PATHS,
    Problem,
    RecordedRequest,
    Reply,
)


class WireServer:
    """A scripted OpenAI + Anthropic API on 127.0.0.1, served from a background thread."""

    def __init__(
        self,
        *,
        api_key: str | None = None,
        models: list[str] | None = None,
        known_models: set[str] | None = None,
        default_reply: Reply | None = None,
        port: int = 0,
        persona: str = OPENAI,
    ) -> None:
        """`port` 0 picks a free one; a given port lets a stopped server come back on it.
        `persona`: which kind of server's model metadata it serves (`personas.PERSONAS`)."""
        if persona not in PERSONAS:
            raise ValueError(f"unknown persona {persona!r}: one of {', '.join(PERSONAS)}")
        self.persona = persona
        self.api_key = api_key
        self.requested_port = port
        self.models: list[str] = list(models or DEFAULT_MODELS)
        self.known_models = known_models
        self.models_delay = 0.0  # seconds before GET /v1/models answers (a busy endpoint)
        self.count_delay = 0.0  # seconds before a count endpoint answers (`counting.py`)
        self.count_answer: object = None  # what count endpoints answer instead of the count
        self.default_reply = default_reply or Reply()
        self.requests: list[RecordedRequest] = []
        self.validation_errors: list[str] = []
        self.invalid_expected = False
        self._queue: collections.deque[Reply] = collections.deque()
        self._cond = threading.Condition()
        self._stopping = threading.Event()
        self._connections: set[socket.socket] = set()
        self._httpd: HTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ---- lifecycle

    def start(self) -> WireServer:
        if self._httpd is not None:
            raise RuntimeError("WireServer already started")
        self._stopping.clear()
        self._httpd = HTTPServer(self, self.requested_port)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.01},
            name="wireserver",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving; stalled or streaming handlers are cut off at once."""
        httpd = self._httpd
        if httpd is None:
            return
        self._stopping.set()
        httpd.shutdown()
        with self._cond:
            connections = list(self._connections)
        for conn in connections:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=2)
        with self._cond:
            self._cond.wait_for(lambda: not self._connections, timeout=2)
        self._httpd = None
        self._thread = None

    def __enter__(self) -> WireServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("WireServer not started")
        return self._httpd.server_address[1]

    @property
    def base_url(self) -> str:
        """`http://127.0.0.1:PORT`; OpenAI clients add `/v1`, Anthropic clients use it as is."""
        return f"http://127.0.0.1:{self.port}"

    # ---- scripting

    def enqueue(self, *replies: Reply) -> None:
        """Queue replies, consumed one per generation request; then `default_reply` is used."""
        with self._cond:
            self._queue.extend(replies)

    @property
    def pending(self) -> int:
        """How many queued replies are not consumed yet."""
        with self._cond:
            return len(self._queue)

    def expect_invalid(self) -> None:
        """Tell the `wire_server` fixture that this test sends invalid requests on purpose."""
        self.invalid_expected = True

    # ---- observation

    @property
    def generation_requests(self) -> list[RecordedRequest]:
        with self._cond:
            return [r for r in self.requests if r.path in GENERATION_PATHS]

    @property
    def last_request(self) -> RecordedRequest:
        with self._cond:
            return self.requests[-1]

    @property
    def disconnects(self) -> int:
        """How many requests saw the client hang up before the answer was complete."""
        with self._cond:
            return sum(r.client_disconnected for r in self.requests)

    def wait_for_disconnect(self, timeout: float = 5.0, count: int = 1) -> bool:
        """Block until `count` client disconnects were seen; False on timeout."""
        with self._cond:
            return self._cond.wait_for(
                lambda: sum(r.client_disconnected for r in self.requests) >= count, timeout
            )

    def wait_until_sent(self, rec: RecordedRequest, timeout: float = 5.0) -> bool:
        """Whether `rec`'s whole answer was sent, waiting up to `timeout`: a client can read
        the last byte before this server's thread marks the answer complete."""
        deadline = time.monotonic() + timeout
        while not rec.completed and time.monotonic() < deadline:
            time.sleep(0.002)
        return rec.completed

    def wait_for_requests(self, count: int, timeout: float = 5.0) -> bool:
        """Block until `count` requests (of any kind) were received; False on timeout."""
        with self._cond:
            return self._cond.wait_for(lambda: len(self.requests) >= count, timeout)

    # ---- called from handler threads

    def _track(self, conn: socket.socket, *, add: bool) -> None:
        with self._cond:
            if add:
                self._connections.add(conn)
            else:
                self._connections.discard(conn)
            self._cond.notify_all()

    def _record(self, rec: RecordedRequest) -> None:
        with self._cond:
            self.requests.append(rec)
            self._cond.notify_all()

    def _invalid(self, path: str, problems: list[Problem]) -> None:
        with self._cond:
            self.validation_errors.extend(f"{path}: {p.message}" for p in problems)

    def _gone(self, rec: RecordedRequest) -> None:
        if self._stopping.is_set():
            return
        with self._cond:
            rec.client_disconnected = True
            self._cond.notify_all()

    def _next_reply(self) -> Reply:
        with self._cond:
            return self._queue.popleft() if self._queue else self.default_reply
