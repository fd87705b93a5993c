"""Sets up the project venv if needed and runs chatui with the given arguments."""

from __future__ import annotations

import os
import sys

from _venv import VENV, ensure


def main() -> None:
    ensure("")
    chatui = VENV / "bin" / "chatui"
    os.execv(chatui, [str(chatui), *sys.argv[1:]])


if __name__ == "__main__":
    main()
