"""The log of internal errors: each bug's traceback, appended to `chatui.log` in the data folder
(readable by the user only), so what the user is shown can be short and name the file."""

from __future__ import annotations

import os
import time
import traceback
from collections.abc import Iterable
from pathlib import Path

from chatui import __version__
from chatui.core import InternalError
from chatui.paths import data_dir

LOG_NAME = "chatui.log"
MAX_BYTES = 1_000_000  # past this the log starts afresh; the previous one is kept as .old


def log_path() -> Path:
    """`chatui.log`, next to the history database."""
    return data_dir() / LOG_NAME


def write(exc: BaseException, doing: str, hide: Iterable[str] = ()) -> Path | None:
    """Append `exc` with its traceback, and what chatui was `doing`, to the log; the strings in
    `hide` (API keys) are masked. The log's path, or None when it could not be written."""
    path = log_path()
    text = mask("".join(traceback.format_exception(exc)), hide)
    stamp = time.strftime("%Y-%m-%d %H:%M:%S")
    entry = f"{stamp} chatui {__version__}, internal error while {doing}:\n{text}\n"
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        if path.exists() and path.stat().st_size > MAX_BYTES:
            os.replace(path, path.with_name(LOG_NAME + ".old"))
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(descriptor, "a", encoding="utf-8", errors="backslashreplace") as log:
            os.fchmod(descriptor, 0o600)  # also when an older file was more open
            log.write(entry)
    except OSError:
        return None
    return path


def internal_error(exc: BaseException, doing: str, hide: Iterable[str] = ()) -> InternalError:
    """Log `exc` (a bug met while `doing` something) and the error to show for it."""
    hide = tuple(hide)
    path = write(exc, doing, hide)
    detail = mask(f"chatui failed while {doing} ({type(exc).__name__}: {exc})", hide)
    return InternalError(detail, log=str(path) if path else None)


def mask(text: str, secrets: Iterable[str]) -> str:
    """`text` with each secret (of 8 characters or more) shortened to its ends: `sk-…1234`."""
    for secret in secrets:
        if secret and len(secret) >= 8:
            text = text.replace(secret, f"{secret[:3]}…{secret[-4:]}")
    return text
