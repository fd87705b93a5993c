"""Choices made inside the app that outlive it (the theme), kept in a small JSON file next to the
history; the config file is the user's and is never rewritten."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from chatui.core import StoreError
from chatui.paths import data_dir

FILE_NAME = "preferences.json"


def preferences_path() -> Path:
    return data_dir() / FILE_NAME


def load_preferences(path: Path | None = None) -> dict[str, Any]:
    """What was saved; an unreadable or damaged file counts as nothing saved."""
    try:
        data = json.loads((path or preferences_path()).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def save_preference(key: str, value: Any, path: Path | None = None) -> None:
    """Set one preference (written to a temporary file, then renamed: never half-written)."""
    path = path or preferences_path()
    data = {**load_preferences(path), key: value}
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            json.dump(data, file, indent=2)
        os.replace(temporary, path)
    except OSError as exc:
        raise StoreError(f"cannot save the {key} preference in {path}: {exc.strerror}") from exc
