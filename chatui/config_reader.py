"""Reading values from a parsed config file: type checks, and errors that name file and line."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from chatui.core import ConfigError


def url_problem(url: str) -> str | None:
    """What makes `url` unusable as a provider's base URL, or None when it is fine."""
    if any(char.isspace() for char in url):
        return "it has spaces or line breaks in it"
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
        return "it needs http:// or https://"
    try:
        parts.port  # noqa: B018 (raises ValueError for a port that is not a number)
    except ValueError:
        return "its port must be a number from 0 to 65535"
    return None if parts.hostname else "it has no host name"


def check_url(url: str | None, setting: str) -> str | None:
    """`url` when it is None or usable; a ConfigError naming `setting` when it is not."""
    problem = url_problem(url) if url is not None else None
    if problem:
        raise ConfigError(f"{setting} {url!r} is not a valid URL ({problem})")
    return url


class ConfigReader:
    """Validates values of a parsed TOML document, pointing errors at file and line."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.lines = text.splitlines()

    def fail(self, key: str, problem: str, parts: Sequence[str] | None = None) -> ConfigError:
        """An error naming the file, the line of `key` and the key; `parts` are the key's parts
        where one holds a dot itself (a model id: `providers.oai.models."gpt-4.1".context`)."""
        return ConfigError(f"{self.where(key, parts)}: {key}: {problem}")

    def where(self, key: str, parts: Sequence[str] | None = None) -> str:
        """ "FILE, line N" for a dotted key (N left out when the line can't be found)."""
        line = self._line_of(list(parts) if parts else key.split("."))
        if line is None and key.startswith("keymap."):  # "chat.retry" = ... inside [keymap]
            quoted = re.compile(
                r'^\s*["\']?' + re.escape(key.removeprefix("keymap.")) + r'["\']?\s*='
            )
            line = next((n for n, text in enumerate(self.lines, 1) if quoted.match(text)), None)
        return f"{self.path}, line {line}" if line else str(self.path)

    def _line_of(self, parts: list[str]) -> int | None:
        *tables, key = parts
        names = [r"[\"']?" + re.escape(table) + r"[\"']?" for table in tables]
        header = re.compile(r"^\s*\[\s*" + r"\s*\.\s*".join(names) + r"\s*\]")
        in_table = not tables
        for number, line in enumerate(self.lines, 1):
            if tables and header.match(line):
                in_table = True
                if not key:
                    return number
            elif line.lstrip().startswith("["):
                in_table = not tables
            elif in_table and re.match(rf"^\s*{re.escape(key)}\s*=", line):
                return number
        return None

    def get(self, table: dict[str, Any], key: str, where: str, kind: type, default: Any) -> Any:
        value = table.get(key, default)
        if value is default:
            return default
        ok = isinstance(value, kind) and not (kind in (int, float) and isinstance(value, bool))
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value, ok = float(value), True
        if not ok:
            raise self.fail(f"{where}{key}", f"expected {kind.__name__}, got {value!r}")
        return value

    def strings(self, table: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
        value = self.get(table, key, where, list, [])
        if not all(isinstance(item, str) and item for item in value):
            raise self.fail(f"{where}{key}", "expected a list of non-empty strings")
        return tuple(value)
