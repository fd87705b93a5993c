"""TOML configuration (tomllib) merged with environment variables: providers, defaults, timeouts."""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from chatui.core import ConfigError, ModelRef
from chatui.paths import config_path

PROVIDER_KINDS = ("openai", "anthropic", "local")
OPENAI_MODELS = ("gpt-4o", "gpt-4o-mini", "gpt-4.1", "gpt-4.1-mini", "o4-mini", "gpt-5")
ANTHROPIC_MODELS = (
    "claude-sonnet-4-5",
    "claude-haiku-4-5",
    "claude-opus-4-1",
    "claude-3-5-haiku-20241022",
)


@dataclass(frozen=True, slots=True)
class Timeouts:
    """Seconds to wait to connect, and between two reads of a stream (a stall)."""

    connect: float = 10.0
    read: float = 60.0


@dataclass(frozen=True, slots=True)
class ProviderConfig:
    """One endpoint: its protocol, where it lives, which env var holds its key, its models."""

    name: str
    kind: str = "openai"
    base_url: str | None = None
    api_key_env: str | None = None
    api: str | None = None
    models: tuple[str, ...] = ()
    timeouts: Timeouts = field(default_factory=Timeouts)
    max_retries: int = 2
    model_path: str | None = None

    @property
    def needs_key(self) -> bool:
        return bool(self.api_key_env)

    def api_key(self) -> str | None:
        """The key from the environment, or None when it is needed but unset."""
        if not self.api_key_env:
            return "not-needed"
        return os.environ.get(self.api_key_env) or None

    @property
    def available(self) -> bool:
        return self.api_key() is not None


@dataclass(frozen=True, slots=True)
class Config:
    """Everything read from the config file and the environment."""

    path: Path
    providers: dict[str, ProviderConfig]
    default_model: ModelRef | None = None
    system_prompt: str = ""
    max_tokens: int = 4096
    temperature: float | None = None
    thinking_budget: int = 0  # extended thinking tokens for models that support it; 0 = off

    def provider(self, name: str) -> ProviderConfig:
        try:
            return self.providers[name]
        except KeyError:
            known = ", ".join(sorted(self.providers)) or "none"
            raise ConfigError(f"unknown provider {name!r} (known: {known})") from None


def builtin_providers(timeouts: Timeouts) -> dict[str, ProviderConfig]:
    """OpenAI, Anthropic (honouring the SDKs' own base-URL variables) and the local model."""
    return {
        "openai": ProviderConfig(
            "openai",
            "openai",
            base_url=os.environ.get("OPENAI_BASE_URL") or None,
            api_key_env="OPENAI_API_KEY",
            models=OPENAI_MODELS,
            timeouts=timeouts,
        ),
        "anthropic": ProviderConfig(
            "anthropic",
            "anthropic",
            base_url=os.environ.get("ANTHROPIC_BASE_URL") or None,
            api_key_env="ANTHROPIC_API_KEY",
            models=ANTHROPIC_MODELS,
            timeouts=timeouts,
        ),
        # the embedded offline model (the `chatui[local]` extra); `model_path` picks any GGUF
        "local": ProviderConfig("local", "local", models=("smollm2",), timeouts=timeouts),
    }


class _Reader:
    """Validates values of a parsed TOML document, pointing errors at file and line."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.lines = text.splitlines()

    def fail(self, key: str, problem: str) -> ConfigError:
        line = self._line_of(key)
        where = f"{self.path}, line {line}" if line else str(self.path)
        return ConfigError(f"{where}: {key}: {problem}")

    def _line_of(self, dotted: str) -> int | None:
        *tables, key = dotted.split(".")
        header = re.compile(r"^\s*\[\s*" + r"\s*\.\s*".join(map(re.escape, tables)) + r"\s*\]")
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


def load_config(path: Path | None = None) -> Config:
    """Read the config file (missing is fine) and merge it with built-in providers."""
    path = path or config_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        text = ""
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the config file ({exc})") from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from exc
    return parse_config(path, text, data)


def parse_config(path: Path, text: str, data: dict[str, Any]) -> Config:
    """Turn a parsed TOML document into a Config, checking every value."""
    reader = _Reader(path, text)
    known = {"default_model", "system_prompt", "max_tokens", "temperature", "timeouts"}
    known.add("thinking_budget")
    for key in data:
        if key not in known | {"providers"}:
            raise reader.fail(key, "unknown setting")
    timeouts = _timeouts(reader, reader.get(data, "timeouts", "", dict, {}), "", Timeouts())
    providers = builtin_providers(timeouts)
    for name, table in reader.get(data, "providers", "", dict, {}).items():
        providers[name] = _provider(reader, name, table, providers.get(name), timeouts)
    default = reader.get(data, "default_model", "", str, None)
    try:
        default_model = ModelRef.parse(default) if default else None
    except ValueError as exc:
        raise reader.fail("default_model", str(exc)) from None
    max_tokens = reader.get(data, "max_tokens", "", int, 4096)
    if max_tokens < 1:
        raise reader.fail("max_tokens", "must be at least 1")
    thinking_budget = reader.get(data, "thinking_budget", "", int, 0)
    if thinking_budget != 0 and thinking_budget < 1024:
        raise reader.fail("thinking_budget", "must be 0 (off) or at least 1024 tokens")
    return Config(
        path=path,
        providers=providers,
        default_model=default_model,
        system_prompt=reader.get(data, "system_prompt", "", str, ""),
        max_tokens=max_tokens,
        temperature=reader.get(data, "temperature", "", float, None),
        thinking_budget=thinking_budget,
    )


def _timeouts(reader: _Reader, table: dict[str, Any], where: str, default: Timeouts) -> Timeouts:
    """A `timeouts` table: only `connect` and `read`, each a number of seconds above 0."""
    where += "timeouts."
    for key in table:
        if key not in ("connect", "read"):
            raise reader.fail(where + key, "unknown setting (allowed: connect, read)")
    values = {key: reader.get(table, key, where, float, getattr(default, key)) for key in table}
    for key, value in values.items():
        if value <= 0:
            raise reader.fail(where + key, "must be a number of seconds above 0")
    return replace(default, **values)


def _provider(
    reader: _Reader, name: str, table: Any, base: ProviderConfig | None, timeouts: Timeouts
) -> ProviderConfig:
    where = f"providers.{name}."
    if not isinstance(table, dict):
        raise reader.fail(f"providers.{name}", "expected a table")
    allowed = {"kind", "base_url", "api_key_env", "api", "models", "timeouts", "model_path"}
    for key in table:
        if key not in allowed:
            raise reader.fail(
                where + key, f"unknown setting (allowed: {', '.join(sorted(allowed))})"
            )
    current = base or ProviderConfig(name, timeouts=timeouts)
    default_kind = current.kind
    if default_kind == "local" and "base_url" in table:  # a server named "local", not the model
        default_kind = "openai"
    kind = reader.get(table, "kind", where, str, default_kind)
    if kind == "openai-compatible":
        kind = "openai"
    if kind not in PROVIDER_KINDS:
        raise reader.fail(where + "kind", f"must be one of {', '.join(PROVIDER_KINDS)}")
    api = reader.get(table, "api", where, str, current.api)
    if api not in (None, "responses", "chat"):
        raise reader.fail(where + "api", 'must be "responses" or "chat"')
    times = _timeouts(reader, reader.get(table, "timeouts", where, dict, {}), where, timeouts)
    key_env = reader.get(table, "api_key_env", where, str, current.api_key_env)
    return replace(
        current,
        kind=kind,
        base_url=reader.get(table, "base_url", where, str, current.base_url),
        api_key_env=key_env or None,
        api=api,
        models=reader.strings(table, "models", where) or current.models,
        timeouts=times,
        model_path=reader.get(table, "model_path", where, str, current.model_path),
    )
