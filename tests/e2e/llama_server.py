"""A real llama-server for end-to-end tests: built (or found in the cache) by the build script."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

API_KEY = "e2e-secret-key"
MODEL_ALIAS = "smollm2"
BUILD_SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "build_llama_server.sh"
BUILD_TIMEOUT = 3600.0
#: The environment as the run began: its HOME/XDG/CHATUI_CACHE_DIR find the cached build, not
#: the temp home each test gets (tests/conftest.py).
BUILD_ENVIRON = dict(os.environ)
READY_TIMEOUT = 120.0


class BuildFailed(Exception):
    """The build script failed, or did not say where the server and model are."""


def build_server() -> tuple[Path, Path]:
    """Run the build script (quick when cached): the llama-server binary and the GGUF model."""
    try:
        result = subprocess.run(
            ["bash", str(BUILD_SCRIPT)],
            capture_output=True,
            text=True,
            timeout=BUILD_TIMEOUT,
            env=BUILD_ENVIRON,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise BuildFailed(f"{BUILD_SCRIPT} did not finish in {BUILD_TIMEOUT:g} s") from exc
    output = (
        f"exit code {result.returncode}\n--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"
    )
    if result.returncode != 0:
        raise BuildFailed(f"{BUILD_SCRIPT} failed: {output}")
    found = dict(
        line.split("=", 1)
        for line in result.stdout.splitlines()
        if line.startswith(("LLAMA_SERVER=", "LLAMA_MODEL="))
    )
    server, model = Path(found.get("LLAMA_SERVER", "")), Path(found.get("LLAMA_MODEL", ""))
    if not server.is_file() or not model.is_file():
        raise BuildFailed(f"{BUILD_SCRIPT} did not produce the server and model: {output}")
    return server, model


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def http_get(url: str, timeout: float = 5.0) -> tuple[int, Any]:
    """(status, parsed JSON body) of a GET with the server's key; status 0 if unreachable."""
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {API_KEY}"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as exc:
        return exc.code, None
    except (OSError, ValueError):
        return 0, None


def wait_until(check: Callable[[], bool], timeout: float, interval: float = 0.05) -> bool:
    """Poll `check` until it is true or `timeout` seconds pass; returns its last answer."""
    deadline = time.monotonic() + timeout
    while True:
        if check():
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(interval)


@dataclass
class LlamaServer:
    """A running llama-server process on 127.0.0.1."""

    binary: Path
    model: Path
    log_path: Path
    context: int = 4096  # --ctx-size: the tokens of all slots together
    parallel: int = 2  # --parallel: slots, each with context // parallel tokens
    port: int = 0
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        return [
            str(self.binary),
            "--model", str(self.model),
            "--alias", MODEL_ALIAS,
            "--offline",
            "--threads", "1",
            "--ctx-size", str(self.context),
            "--parallel", str(self.parallel),
            "--n-predict", "512",  # a ceiling on any reply, whatever a request asks for
            "--seed", "42",
            "--no-webui",
            "--api-key", API_KEY,
            "--host", "127.0.0.1",
            "--port", str(self.port),
        ]  # fmt: skip

    def start(self) -> LlamaServer:
        """Start and wait for /health; a port taken in the meantime gets another try."""
        for _attempt in range(3):
            self.port = free_port()
            with self.log_path.open("ab") as log:
                self.process = subprocess.Popen(
                    self.command(), stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
                )
            if wait_until(self._ready_or_dead, READY_TIMEOUT, 0.1) and self.alive:
                return self
            self.stop()
            if "bind" not in self.log_tail().lower():
                break
        raise RuntimeError(f"llama-server did not become ready:\n{self.log_tail()}")

    def _ready_or_dead(self) -> bool:
        return not self.alive or http_get(f"{self.url}/health", 2.0)[0] == 200

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def slots(self) -> list[dict[str, Any]]:
        status, body = http_get(f"{self.url}/slots")
        if status != 200 or not isinstance(body, list):
            raise AssertionError(f"GET /slots answered {status}")
        return body

    def idle(self) -> bool:
        return not any(slot.get("is_processing") for slot in self.slots())

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def log_tail(self, lines: int = 60) -> str:
        return "\n".join(self.log_text().splitlines()[-lines:]) or "(no log)"

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self.process = None
