"""Runs every check: ruff (lint + format), mypy, the import contracts and pytest, in the venv."""

from __future__ import annotations

import subprocess
import sys

from _venv import ROOT, VENV, ensure


def main() -> int:
    py = ensure("test")
    bin_dir = VENV / "bin"
    steps = [
        [str(bin_dir / "ruff"), "check", "."],
        [str(bin_dir / "ruff"), "format", "--check", "."],
        [str(bin_dir / "mypy")],
        [str(bin_dir / "lint-imports")],  # the layer contracts in pyproject.toml
        [str(py), "-m", "pytest", *sys.argv[1:]],
    ]
    for step in steps:
        print("+", " ".join(step[:1] + step[1:]).replace(str(bin_dir) + "/", ""), flush=True)
        code = subprocess.run(step, cwd=ROOT).returncode
        if code != 0:
            return code
    return 0


if __name__ == "__main__":
    sys.exit(main())
