"""Creates and refreshes the project's virtual environment (.venv) for run.py and test.py."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = Path(os.environ.get("CHATUI_VENV", ROOT / ".venv"))


def python() -> Path:
    return VENV / "bin" / "python"


def ensure(extras: str) -> Path:
    """A venv with chatui installed editable with `extras`; reinstalls when pyproject changes."""
    if not python().exists():
        print(f"creating {VENV}", file=sys.stderr)
        venv.EnvBuilder(with_pip=True).create(VENV)
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + extras.encode()).hexdigest()
    stamp = VENV / f".chatui-installed-{extras or 'base'}"
    if not stamp.exists() or stamp.read_text() != digest:
        slow = " (llama-cpp-python builds from source: ~11 minutes)" if "local" in extras else ""
        print(f"installing chatui[{extras}] into {VENV}{slow}", file=sys.stderr)
        target = f"{ROOT}[{extras}]" if extras else str(ROOT)
        env = dict(os.environ)
        if "local" in extras:  # a native (-march=native) build crashed in decode on some VMs
            env.setdefault("CMAKE_ARGS", "-DGGML_NATIVE=OFF")
        subprocess.run(
            [
                str(python()),
                "-m",
                "pip",
                "install",
                "-q",
                "--disable-pip-version-check",
                "-e",
                target,
            ],
            check=True,
            env=env,
        )
        stamp.write_text(digest)
    return python()
