"""A TCP proxy in front of llama-server that records each HTTP request and its response's fate."""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass
class Recorded:
    """One HTTP request that passed through the proxy, and what became of its response."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    status: int | None = None  # the response's status code, once its head went back
    finished: bool = False  # the whole response went back to the client
    hung_up: bool = False  # the client closed the connection before the response ended

    @property
    def json(self) -> Any:
        return json.loads(self.body)


class RecordingProxy:
    """Forwards TCP connections to `upstream_port` unchanged, recording each HTTP/1.1 request
    and its response's fate (status, finished, or cut off by the client hanging up)."""

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.port = 0
        self.requests: list[Recorded] = []
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._server: asyncio.Server | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> RecordingProxy:
        loop = self._loop = asyncio.new_event_loop()
        self._server = loop.run_until_complete(asyncio.start_server(self._serve, "127.0.0.1", 0))
        self.port = int(self._server.sockets[0].getsockname()[1])
        self._thread = threading.Thread(target=loop.run_forever, name="e2e-proxy", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        loop, thread, server = self._loop, self._thread, self._server
        if loop is None or thread is None or server is None:
            return

        async def shutdown() -> None:
            server.close()
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(shutdown(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()
        self._loop = self._thread = self._server = None

    def reset(self) -> None:
        with self._lock:
            self.requests.clear()

    def generations(self) -> list[Recorded]:
        """Requests for a reply (either protocol), oldest first."""
        with self._lock:
            return [r for r in self.requests if r.method == "POST" and r.path in GENERATE_PATHS]

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.upstream_port)
        except OSError:
            writer.close()
            return
        pending: deque[Recorded] = deque()
        back = asyncio.create_task(self._responses(up_reader, writer, pending))
        try:
            await self._requests(reader, up_writer, pending)
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            # the client is gone (or the upstream refused more): what was under way is cut off
            for record in pending:
                record.hung_up = not record.finished
            up_writer.close()
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await asyncio.wait_for(back, 10)
            writer.close()

    async def _requests(
        self,
        reader: asyncio.StreamReader,
        upstream: asyncio.StreamWriter,
        pending: deque[Recorded],
    ) -> None:
        while True:
            head, headers = await _read_head(reader)
            if head is None:
                return
            method, path, _ = head.decode("latin-1").split(" ", 2)
            chunks: list[bytes] = []
            if not await _copy_body(reader, headers, chunks.append, until_eof=False):
                return
            raw = b"".join(chunks)
            record = Recorded(method, path, headers, _dechunk(raw, headers))
            with self._lock:
                self.requests.append(record)
            pending.append(record)
            upstream.write(head + raw)
            await upstream.drain()

    async def _responses(
        self,
        upstream: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        pending: deque[Recorded],
    ) -> None:
        try:
            while True:
                head, headers = await _read_head(upstream)
                if head is None:
                    return
                record = pending[0] if pending else None
                if record is not None:
                    record.status = int(head.split(b" ", 2)[1])
                writer.write(head)
                await writer.drain()

                async def send(data: bytes) -> None:
                    writer.write(data)
                    await writer.drain()

                done = await _copy_body(upstream, headers, send, until_eof=True)
                if record is not None and done:
                    record.finished = True
                    pending.popleft()
                if not done:
                    return
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            writer.close()


GENERATE_PATHS = ("/v1/chat/completions", "/v1/messages")


async def _read_head(reader: asyncio.StreamReader) -> tuple[bytes | None, dict[str, str]]:
    """An HTTP message's start line and headers, or None at the end of the connection."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
        return None, {}
    headers = {}
    for line in head.decode("latin-1").split("\r\n")[1:]:
        name, colon, value = line.partition(":")
        if colon:
            headers[name.strip().lower()] = value.strip()
    return head, headers


async def _copy_body(
    reader: asyncio.StreamReader,
    headers: dict[str, str],
    send: Callable[[bytes], Any],
    *,
    until_eof: bool,
) -> bool:
    """Pass a message body to `send` piece by piece as it arrives; False if the peer left."""

    async def emit(data: bytes) -> None:
        result = send(data)
        if asyncio.iscoroutine(result):
            await result

    try:
        if headers.get("transfer-encoding", "").lower() == "chunked":
            while True:
                size_line = await reader.readuntil(b"\r\n")
                size = int(size_line.split(b";")[0], 16)
                await emit(size_line + await reader.readexactly(size + 2))
                if size == 0:
                    return True
        if "content-length" in headers:
            left = int(headers["content-length"])
            while left > 0:
                data = await reader.read(min(left, 65536))
                if not data:
                    return False
                left -= len(data)
                await emit(data)
            return True
        if until_eof:  # a response without a length ends with the connection
            while data := await reader.read(65536):
                await emit(data)
            return False
        return True
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
        return False


def _dechunk(raw: bytes, headers: dict[str, str]) -> bytes:
    if headers.get("transfer-encoding", "").lower() != "chunked":
        return raw
    body, rest = b"", raw
    while rest:
        size_line, _, rest = rest.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        body, rest = body + rest[:size], rest[size + 2 :]
        if size == 0:
            break
    return body
