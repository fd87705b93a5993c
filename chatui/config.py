"""TOML configuration (tomllib) merged with environment variables: providers, defaults, presets."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from chatui.config_models import ModelOverrides, read_models
from chatui.config_reader import ConfigReader, check_url, url_problem
from chatui.core import Capabilities, ConfigError, ModelRef
from chatui.paths import config_path

MIN_TEMPERATURE, MAX_TEMPERATURE = 0.0, 2.0
#: `on_overflow`: what a send that won't fit the model's window does (ask the user, send the
#: newest messages that fit, or summarise the earlier ones first).
OVERFLOW_POLICIES = ("ask", "window", "compact")


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
    model_overrides: ModelOverrides = ()  # [providers.NAME.models."ID"]: what the user says
    timeouts: Timeouts = field(default_factory=Timeouts)
    max_retries: int = 2
    model_path: str | None = None

    def override(self, model: str) -> Capabilities | None:
        """What the config says `model` can take, if it says."""
        return next((caps for name, caps in self.model_overrides if name == model), None)

    def api_key(self) -> str | None:
        """The key from the environment, or None when it is needed but unset."""
        if not self.api_key_env:
            return "not-needed"
        return os.environ.get(self.api_key_env) or None

    @property
    def available(self) -> bool:
        return self.api_key() is not None


@dataclass(frozen=True, slots=True)
class KeyOverride:
    """One `[keymap]` entry: the binding id, its new keys ("ctrl+r" or "f5,ctrl+r"), and where
    in the config file it was written (for messages)."""

    binding_id: str
    keys: str
    where: str


@dataclass(frozen=True, slots=True)
class Preset:
    """A named way to start a conversation (`[presets.NAME]`); None means the config default."""

    name: str
    system_prompt: str | None = None
    temperature: float | None = None
    max_tokens: int | None = None
    model: ModelRef | None = None


@dataclass(frozen=True, slots=True)
class Config:
    """Everything read from the config file and the environment."""

    path: Path
    providers: dict[str, ProviderConfig]
    default_model: ModelRef | None = None
    system_prompt: str = ""
    max_tokens: int = 4096
    temperature: float | None = None
    theme: str | None = None
    keymap: tuple[KeyOverride, ...] = ()
    presets: dict[str, Preset] = field(default_factory=dict)
    thinking_budget: int = 0  # extended thinking tokens for models that support it; 0 = off
    on_overflow: str = "ask"  # one of OVERFLOW_POLICIES

    def provider(self, name: str) -> ProviderConfig:
        try:
            return self.providers[name]
        except KeyError:
            known = ", ".join(sorted(self.providers)) or "none"
            raise ConfigError(f"unknown provider {name!r} (known: {known})") from None

    def preset(self, name: str) -> Preset:
        """The preset `name`; a ConfigError listing the defined ones when there is none."""
        try:
            return self.presets[name]
        except KeyError:
            if not self.presets:
                raise ConfigError(
                    f"unknown preset {name!r}: no presets are defined "
                    f"(add a [presets.{name}] table to {self.path})"
                ) from None
            known = ", ".join(sorted(self.presets))
            raise ConfigError(f"unknown preset {name!r} (defined: {known})") from None


def builtin_providers(timeouts: Timeouts) -> dict[str, ProviderConfig]:
    """A provider per kind, named after it (OpenAI and Anthropic honour the SDKs' own base-URL
    variables; "local" is the embedded offline model)."""
    from chatui.providers.kinds import KINDS  # the table lives with the providers it names

    return {
        kind.name: ProviderConfig(
            kind.name,
            kind.name,
            base_url=check_url(os.environ.get(kind.base_url_env) or None, kind.base_url_env)
            if kind.base_url_env
            else None,
            api_key_env=kind.key_env,
            models=kind.models,
            timeouts=timeouts,
        )
        for kind in KINDS.values()
        if kind.builtin
    }


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
    reader = ConfigReader(path, text)
    known = {"default_model", "system_prompt", "max_tokens", "temperature", "timeouts", "theme"}
    known |= {"thinking_budget", "on_overflow"}
    for key in data:
        if key not in known | {"providers", "keymap", "presets"}:
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
    presets = {
        name: _preset(reader, name, table)
        for name, table in reader.get(data, "presets", "", dict, {}).items()
    }
    thinking_budget = reader.get(data, "thinking_budget", "", int, 0)
    if thinking_budget != 0 and thinking_budget < 1024:
        raise reader.fail("thinking_budget", "must be 0 (off) or at least 1024 tokens")
    on_overflow = reader.get(data, "on_overflow", "", str, "ask")
    if on_overflow not in OVERFLOW_POLICIES:
        choices = ", ".join(f'"{policy}"' for policy in OVERFLOW_POLICIES)
        raise reader.fail("on_overflow", f"must be one of {choices}, got {on_overflow!r}")
    return Config(
        path=path,
        providers=providers,
        default_model=default_model,
        system_prompt=reader.get(data, "system_prompt", "", str, ""),
        max_tokens=_max_tokens(reader, data, "", 4096),
        temperature=_temperature(reader, data, ""),
        presets=presets,
        theme=reader.get(data, "theme", "", str, None),
        keymap=_keymap(reader, reader.get(data, "keymap", "", dict, {})),
        thinking_budget=thinking_budget,
        on_overflow=on_overflow,
    )


def _max_tokens(reader: ConfigReader, table: dict[str, Any], where: str, default: Any) -> Any:
    value = reader.get(table, "max_tokens", where, int, default)
    if value is not None and value < 1:
        raise reader.fail(where + "max_tokens", "must be at least 1")
    return value


def _temperature(reader: ConfigReader, table: dict[str, Any], where: str) -> float | None:
    value: float | None = reader.get(table, "temperature", where, float, None)
    if value is not None and not MIN_TEMPERATURE <= value <= MAX_TEMPERATURE:
        raise reader.fail(
            where + "temperature", f"must be between {MIN_TEMPERATURE:g} and {MAX_TEMPERATURE:g}"
        )
    return value


def _preset(reader: ConfigReader, name: str, table: Any) -> Preset:
    """A `[presets.NAME]` table: system_prompt, temperature, max_tokens, model; all optional."""
    where = f"presets.{name}."
    if not isinstance(table, dict):
        raise reader.fail(f"presets.{name}", "expected a table")
    allowed = ("max_tokens", "model", "system_prompt", "temperature")
    for key in table:
        if key not in allowed:
            raise reader.fail(where + key, f"unknown setting (allowed: {', '.join(allowed)})")
    model = reader.get(table, "model", where, str, None)
    try:
        ref = ModelRef.parse(model) if model is not None else None
    except ValueError as exc:
        raise reader.fail(where + "model", str(exc)) from None
    return Preset(
        name=name,
        system_prompt=reader.get(table, "system_prompt", where, str, None),
        temperature=_temperature(reader, table, where),
        max_tokens=_max_tokens(reader, table, where, None),
        model=ref,
    )


def _keymap(
    reader: ConfigReader, table: dict[str, Any], prefix: str = ""
) -> tuple[KeyOverride, ...]:
    """`[keymap]`: binding id -> keys. Ids have dots, so `chat.retry = "f5"` (a nested table in
    TOML) and `"chat.retry" = "f5"` mean the same. The UI checks ids and clashes."""
    overrides: list[KeyOverride] = []
    for key, value in table.items():
        binding_id = prefix + key
        if isinstance(value, dict):
            overrides += _keymap(reader, value, binding_id + ".")
        elif isinstance(value, str) and value.strip():
            keys = ",".join(part.strip() for part in value.split(","))
            overrides.append(KeyOverride(binding_id, keys, reader.where(f"keymap.{binding_id}")))
        else:
            raise reader.fail(f"keymap.{binding_id}", 'expected keys as a string, like "ctrl+r"')
    return tuple(overrides)


def _timeouts(
    reader: ConfigReader, table: dict[str, Any], where: str, default: Timeouts
) -> Timeouts:
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
    reader: ConfigReader, name: str, table: Any, base: ProviderConfig | None, timeouts: Timeouts
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
    from chatui.providers.kinds import ALIASES, KINDS

    default_kind = current.kind
    if KINDS[default_kind].provider_class.is_local and "base_url" in table:
        default_kind = "openai"  # a server named "local", not the embedded model

    kind = reader.get(table, "kind", where, str, default_kind)
    kind = ALIASES.get(kind, kind)
    if kind not in KINDS:
        raise reader.fail(where + "kind", f"must be one of {', '.join(KINDS)}")
    api = reader.get(table, "api", where, str, current.api)
    if api not in (None, "responses", "chat"):
        raise reader.fail(where + "api", 'must be "responses" or "chat"')
    times = _timeouts(reader, reader.get(table, "timeouts", where, dict, {}), where, timeouts)
    key_env = reader.get(table, "api_key_env", where, str, current.api_key_env)
    base_url = reader.get(table, "base_url", where, str, current.base_url)
    if "base_url" in table and (problem := url_problem(base_url)):
        raise reader.fail(where + "base_url", f"{base_url!r} is not a valid URL ({problem})")
    models, overrides = read_models(reader, table, where)
    return replace(
        current,
        kind=kind,
        base_url=base_url,
        api_key_env=key_env or None,
        api=api,
        models=models or current.models,
        model_overrides=overrides or current.model_overrides,
        timeouts=times,
        model_path=reader.get(table, "model_path", where, str, current.model_path),
    )
