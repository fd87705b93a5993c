"""Runs `chatui` command lines as their own processes, forked from a server that has already
imported chatui and both SDKs: a fresh interpreter spends 1-2.5 s importing them, which would
make the fault matrix take minutes. Each run still gets its own process, environment, stdin,
stdout and stderr files and exit code, and goes through `python -m chatui` (`__main__`)."""

from __future__ import annotations

import multiprocessing
import multiprocessing.forkserver
import os
import runpy
import sys
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

PRELOAD = "tests.reliability.preload"
_STARTING = threading.Lock()


@dataclass(frozen=True)
class Result:
    returncode: int | None
    stdout_bytes: bytes
    stderr: str

    @property
    def stdout(self) -> str:
        return self.stdout_bytes.decode("utf-8", errors="replace")


def _child(
    argv: list[str], environ: dict[str, str], folder: str, setup: Callable[[], None] | None
) -> None:
    os.environ.clear()
    os.environ.update(environ)
    os.chdir(folder)
    for fd, name, flags in (
        (0, "in", os.O_RDONLY),
        (1, "out", os.O_WRONLY),
        (2, "err", os.O_WRONLY),
    ):
        opened = os.open(os.path.join(folder, name), flags)
        os.dup2(opened, fd)
        os.close(opened)
    sys.stdin = open(0, encoding="utf-8", closefd=False)  # noqa: SIM115
    sys.stdout = open(1, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
    sys.stderr = open(2, "w", encoding="utf-8", errors="backslashreplace", closefd=False)  # noqa: SIM115
    from chatui.providers.base import Provider

    Provider.retry_base_delay = 0.01  # backoff between automatic retries, as in the TUI tests
    if setup is not None:
        setup()
    sys.argv = ["chatui", *argv]
    try:
        runpy.run_module("chatui", run_name="__main__", alter_sys=True)
    except SystemExit as exit:
        # also written down here: the forkserver reports a code it failed to relay as 255
        code = exit.code if isinstance(exit.code, int) else (0 if exit.code is None else 1)
        Path(folder, "code").write_text(str(code))
        raise


def start_forkserver() -> multiprocessing.context.ForkServerContext:
    """The forkserver context, its server started (it cannot start while a Textual app holds
    sys.stderr, nor from two threads at once)."""
    context = multiprocessing.get_context("forkserver")
    with _STARTING:
        context.set_forkserver_preload([PRELOAD])
        multiprocessing.forkserver.ensure_running()
    return context


def run_chatui(
    environ: dict[str, str],
    *argv: str,
    stdin: str = "",
    timeout: float = 60,
    setup: Callable[[], None] | None = None,
) -> Result:
    """Run `chatui ARGV...` in its own process; stdin, stdout and stderr are files. `setup`
    (a module-level function) runs in that process first, e.g. to simulate a full disk."""
    context = start_forkserver()
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "in").write_text(stdin, encoding="utf-8")
        (Path(folder) / "out").touch()
        (Path(folder) / "err").touch()
        process = context.Process(target=_child, args=(list(argv), environ, folder, setup))
        process.start()
        process.join(timeout)
        if process.is_alive():
            process.kill()
            process.join()
            raise TimeoutError(f"chatui {' '.join(argv)} ran for more than {timeout} s")
        out = (Path(folder) / "out").read_bytes()
        err = (Path(folder) / "err").read_text(encoding="utf-8", errors="replace")
        code = Path(folder) / "code"
        exitcode = int(code.read_text()) if code.exists() else process.exitcode
    return Result(exitcode, out, err)
