"""The HTTP side: one request handler per connection, routing, pacing and faults."""

from __future__ import annotations

import contextlib
import json
import select
import socket
import socketserver
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from tests.wireserver import counting, personas
from tests.wireserver.chat_stream import ChatEmitter
from tests.wireserver.emitter import Emitter
from tests.wireserver.error_bodies import anthropic_error, openai_error
from tests.wireserver.messages_stream import MessagesEmitter
from tests.wireserver.models import model_body, models_body
from tests.wireserver.ollama_chat import OllamaEmitter, ollama_error
from tests.wireserver.replies import (
    CHAT_PATH,
    GENERATION_PATHS,
    MESSAGES_PATH,
    MODELS_PATH,
    OLLAMA_CHAT_PATH,
    RESPONSES_PATH,
    Kind,
    Problem,
    RecordedRequest,
    Reply,
    dumps,
    uid,
)
from tests.wireserver.responses_stream import ResponsesEmitter
from tests.wireserver.validation import VALIDATORS

if TYPE_CHECKING:
    from tests.wireserver.server import WireServer


EMITTERS: dict[str, type[Emitter]] = {
    CHAT_PATH: ChatEmitter,
    RESPONSES_PATH: ResponsesEmitter,
    MESSAGES_PATH: MessagesEmitter,
    OLLAMA_CHAT_PATH: OllamaEmitter,
}


class ClientGone(Exception):
    """The client closed the connection, or the server is stopping."""


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: HTTPServer
    disable_nagle_algorithm = True

    def setup(self) -> None:
        super().setup()
        self.wire = self.server.wire
        self.wire._track(self.connection, add=True)

    def finish(self) -> None:
        self.wire._track(self.connection, add=False)
        with contextlib.suppress(OSError):
            super().finish()

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def _serve(self) -> None:
        try:
            self._handle()
        except ClientGone:
            self.close_connection = True

    # ---- request

    def _handle(self) -> None:
        url = urlsplit(self.path)
        path = url.path.rstrip("/") or "/"
        headers = {k.lower(): v for k, v in self.headers.items()}
        length = int(headers.get("content-length") or 0)
        raw = self.rfile.read(length) if length else b""
        body: Any = None
        bad_json = False
        if raw:
            try:
                body = json.loads(raw)
            except ValueError:
                bad_json = True
        rec = RecordedRequest(self.command, path, url.query, headers, body)
        self.rec = rec
        self.wire._record(rec)
        anthropic = path in (MESSAGES_PATH, counting.MESSAGES_COUNT) or (
            path.startswith(MODELS_PATH) and "anthropic-version" in headers
        )
        self.anthropic = anthropic
        if not self._authorized(headers):
            if anthropic:
                return self._json(401, anthropic_error(401))
            key = headers.get("authorization", "").removeprefix("Bearer ")
            message = f"Incorrect API key provided: {key or '(none)'}."
            return self._json(401, openai_error(401, message))
        persona = self.wire.persona
        if persona == personas.HANG or (persona == personas.STALL_METADATA and path != MODELS_PATH):
            return self._hold()
        if persona == personas.GARBAGE:
            return self._send_body(200, personas.GARBAGE_BODY, "application/json")
        try:
            said = personas.answer(persona, self.command, path, body, self.wire.models)
        except personas.NotFound as missing:
            return self._json(404, missing.data)
        if said is None and (said := counting.answer(persona, self.command, path, body, [])):
            self._wait_until(time.monotonic() + self.wire.count_delay)
            said = said if self.wire.count_answer is None else self.wire.count_answer
        if said is not None:
            return self._json(200, said)
        detailed = persona == personas.ANTHROPIC
        if self.command == "GET" and path == MODELS_PATH:
            self._wait_until(time.monotonic() + self.wire.models_delay)
            return self._json(200, models_body(self.wire.models, anthropic, detailed))
        if self.command == "GET" and path.startswith(MODELS_PATH + "/"):
            model = path[len(MODELS_PATH) + 1 :]
            if model in self.wire.models:
                return self._json(200, model_body(model, anthropic, detailed))
            return self._not_found(f"model: {model}", "model_not_found")
        if self.command != "POST" or path not in GENERATION_PATHS:
            return self._not_found(f"Unknown request URL: {self.command} {path}.", "unknown_url")
        problems = (
            [Problem("We could not parse the JSON body of your request.")]
            if bad_json
            else VALIDATORS[path](body)
        )
        if problems:
            self.wire._invalid(path, problems)
            first = problems[0]
            if anthropic:
                return self._json(400, anthropic_error(400, first.message))
            if path == OLLAMA_CHAT_PATH:
                return self._json(400, ollama_error(400, first.message))
            return self._json(
                400, openai_error(400, first.message, code=first.code, param=first.param)
            )
        model = body["model"]
        known = self.wire.known_models
        if known is not None and model not in known:
            message = f"The model `{model}` does not exist or you do not have access to it."
            return self._not_found(f"model: {model}" if anthropic else message, "model_not_found")
        rec.reply = self.wire._next_reply()
        self._generate(path, body, rec.reply)

    def _authorized(self, headers: dict[str, str]) -> bool:
        key = self.wire.api_key
        if key is None:
            return True
        bearer = headers.get("authorization") == f"Bearer {key}"
        if self.anthropic:  # Anthropic SDKs send `x-api-key` or, since 2.x, a Bearer token
            return bearer or headers.get("x-api-key") == key
        return bearer

    # ---- plain responses

    def _json(self, status: int, data: Any, extra: dict[str, str] | None = None) -> None:
        self._send_body(status, dumps(data).encode(), "application/json", extra)

    def _send_body(
        self, status: int, payload: bytes, content_type: str, extra: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("request-id" if self.anthropic else "x-request-id", uid("req_"))
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self._send_raw(payload)
        self.rec.status = status
        self.rec.completed = True

    def _not_found(self, message: str, code: str) -> None:
        if self.anthropic:
            self._json(404, anthropic_error(404, message))
        else:
            self._json(404, openai_error(404, message, code=code))

    # ---- socket helpers

    def _send_raw(self, data: bytes) -> None:
        try:
            self.connection.sendall(data)
        except OSError as exc:
            self.close_connection = True
            self.wire._gone(self.rec)
            raise ClientGone from exc

    def _send_chunk(self, data: bytes) -> None:
        if data:
            self._send_raw(b"%x\r\n%b\r\n" % (len(data), data))

    def _wait_until(self, deadline: float) -> None:
        """Sleep until `deadline` (monotonic); raise ClientGone if the client hangs up."""
        sock = self.connection
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            readable, _, _ = select.select([sock], [], [], min(remaining, 0.1))
            if self.wire._stopping.is_set():
                raise ClientGone
            if readable:
                try:
                    peek = sock.recv(1, socket.MSG_PEEK)
                except OSError:
                    peek = b""
                if self.wire._stopping.is_set():
                    raise ClientGone
                if not peek:
                    self.wire._gone(self.rec)
                    raise ClientGone
                # The client sent more bytes (pipelining): they hide a hang-up; just sleep.
                self.wire._stopping.wait(min(max(0.0, deadline - time.monotonic()), 0.1))

    def _hold(self) -> None:
        """Stall: keep the connection open until the client hangs up or the server stops."""
        self.close_connection = True
        while True:
            self._wait_until(time.monotonic() + 3600)

    def _drop(self) -> None:
        """Close the connection abruptly, without finishing the response."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)
        raise ClientGone

    # ---- generation

    def _generate(self, path: str, body: dict[str, Any], reply: Reply) -> None:
        if reply.delay > 0:
            self._wait_until(time.monotonic() + reply.delay)
        extra = dict(reply.headers)
        if reply.retry_after is not None:
            extra["retry-after"] = reply.retry_after
        if reply.status is not None:
            if reply.error_body is not None:
                data = reply.error_body
            elif self.anthropic:
                data = anthropic_error(reply.status, reply.error_message, reply.error_type)
            elif path == OLLAMA_CHAT_PATH:
                data = ollama_error(reply.status, reply.error_message)
            else:
                data = openai_error(
                    reply.status, reply.error_message, reply.error_type, reply.error_code
                )
            return self._json(reply.status, data, extra)
        emitter = EMITTERS[path](reply, body)
        if body.get("stream") is True:
            return self._stream(emitter, reply, extra)
        deltas = reply.deltas()
        if reply.stall_after is not None:
            self._hold()
        if reply.disconnect_after is not None:
            self._drop()
        if reply.interval > 0:
            self._wait_until(time.monotonic() + reply.interval * len(deltas))
        self._json(200, emitter.complete_body(), extra)

    def _stream(self, emitter: Emitter, reply: Reply, extra: dict[str, str]) -> None:
        self.close_connection = True
        self.send_response(200)
        self.send_header("Content-Type", emitter.content_type)
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Connection", "close")
        self.send_header("request-id" if self.anthropic else "x-request-id", uid("req_"))
        for name, value in extra.items():
            self.send_header(name, value)
        self.end_headers()
        self.rec.status = 200
        held: list[bytes] = []
        send = held.append if reply.framing is not None else self._send_chunk
        send(emitter.start())
        deltas = reply.deltas()
        phase: Kind | None = None
        t0 = time.monotonic()
        for k in range(len(deltas) + 1):
            if reply.malformed_after == k:
                send(emitter.malformed())
            if reply.error_event_after == k:
                send(emitter.error_event())
                self._send_held(held, reply)
                self._send_raw(b"0\r\n\r\n")
                self.rec.completed = True
                return
            if reply.disconnect_after == k:
                self._drop()
            if reply.stall_after == k:
                self._hold()
            if k == len(deltas):
                break
            kind, piece = deltas[k]
            if reply.interval > 0:
                self._wait_until(t0 + k * reply.interval)
            out = b""
            if kind != phase:
                if phase is not None:
                    out += emitter.end(phase)
                out += emitter.begin(kind)
                phase = kind
            out += emitter.delta(kind, piece)
            for marker, raw in reply.raw_bytes.items():
                out = out.replace(marker.encode(), raw)
            send(out)
        tail = emitter.end(phase) if phase is not None else b""
        send(tail + emitter.finish())
        self._send_held(held, reply)
        self._send_raw(b"0\r\n\r\n")
        self.rec.finished_at = time.perf_counter()
        self.rec.completed = True

    def _send_held(self, held: list[bytes], reply: Reply) -> None:
        """The stream held back for its `framing`, reframed and cut as that says."""
        for piece in reply.framing.cut(b"".join(held)) if reply.framing else ():
            self._send_chunk(piece)


class HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    request_queue_size = 128

    def __init__(self, wire: WireServer, port: int = 0) -> None:
        self.wire = wire
        super().__init__(("127.0.0.1", port), Handler)

    def server_bind(self) -> None:
        # Skip HTTPServer.server_bind's reverse DNS lookup (socket.getfqdn).
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = "127.0.0.1", self.server_address[1]
