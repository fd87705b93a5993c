"""Runs every check: ruff (lint + format), mypy, the import contracts and pytest, in the venv."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys

from _venv import ROOT, VENV, ensure


def workers() -> int:
    """pytest-xdist workers for the fast part: one and a half a core (3 on 2 cores). Its tests
    wait about a third of the time (the app's frames, the wire server, child processes), so a
    worker a core leaves the cores idle; each worker more costs ~9 s CPU to start (collecting,
    importing Textual and both SDKs), and measured on 2 cores 4 workers were slower than 3."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(2, round((cores or 2) * 1.5))


#: pytest runs twice: the tests that only need the CPU on `workers()` workers (pytest-xdist),
#: then the ones that must run alone, one at a time: e2e (one shared llama-server), reliability
#: (tmux, killed processes, freeze limits) and timing (they assert on how long something took).
FAST = "not e2e and not reliability and not timing"
PARALLEL = ["-m", FAST, "-n", str(workers()), "--dist", "load"]
SERIAL = ["-m", f"not ({FAST})"]
NO_TESTS = 5  # pytest's exit code when nothing was selected


def pytest_runs(py: str, args: list[str]) -> list[list[str]]:
    """Both runs with `args` after them; a `-m` of the caller's own makes it one run."""
    if any(arg == "-m" or (arg.startswith("-m") and not arg.startswith("--")) for arg in args):
        return [[py, "-m", "pytest", *args]]
    return [[py, "-m", "pytest", *PARALLEL, *args], [py, "-m", "pytest", *SERIAL, *args]]


def pytest_environ() -> dict[str, str]:
    """This environment, with bytecode cached even where PYTHONDONTWRITEBYTECODE is set: under
    the venv, not beside the sources. Without it every xdist worker (and every chatui child)
    compiles chatui and rewrites and compiles every test module again: ~5 s CPU a worker."""
    environ = dict(os.environ)
    if environ.pop("PYTHONDONTWRITEBYTECODE", ""):
        environ.setdefault("PYTHONPYCACHEPREFIX", str(VENV / "pycache"))
    return environ


def main() -> int:
    py = ensure("test")
    bin_dir = VENV / "bin"
    checks = [
        [str(bin_dir / "ruff"), "check", "."],
        [str(bin_dir / "ruff"), "format", "--check", "."],
        [str(bin_dir / "mypy")],
        [str(bin_dir / "lint-imports")],  # the layer contracts in pyproject.toml
    ]
    tests = pytest_runs(str(py), sys.argv[1:])
    codes: list[int] = []
    for step in checks + tests:
        print("+", shlex.join(step).replace(str(bin_dir) + "/", ""), flush=True)
        environ = pytest_environ() if step in tests else None
        code = subprocess.run(step, cwd=ROOT, env=environ).returncode
        if step in checks and code != 0:
            return code
        if step in tests:
            codes.append(code)
    failed = [code for code in codes if code not in (0, NO_TESTS)]
    if failed:
        return failed[0]
    return NO_TESTS if all(code == NO_TESTS for code in codes) else 0


if __name__ == "__main__":
    sys.exit(main())
