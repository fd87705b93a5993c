"""A provider's `models` setting: a list of model ids, or a table of them saying what each can
take (`[providers.NAME.models."ID"]`, over what chatui or the server knows)."""

from __future__ import annotations

from typing import Any

from chatui.config_reader import ConfigReader
from chatui.core import Capabilities, Price, Source

#: setting -> (type, what it must be)
SETTINGS: dict[str, tuple[type, str]] = {
    "context": (int, "tokens of the window (prompt and reply), above 0"),
    "max_input": (int, "the most tokens a prompt may take, above 0"),
    "max_output": (int, "the longest reply in tokens, above 0"),
    "images": (bool, "true or false"),
    "tools": (bool, "true or false"),
    "reasoning": (bool, "true or false"),
    "price_in": (float, "USD per million prompt tokens, 0 or more"),
    "price_out": (float, "USD per million reply tokens, 0 or more"),
}

ModelOverrides = tuple[tuple[str, Capabilities], ...]


def read_models(
    reader: ConfigReader, table: dict[str, Any], where: str
) -> tuple[tuple[str, ...], ModelOverrides]:
    """The models offered and what the user says of each (`where` is "providers.NAME.")."""
    value = table.get("models")
    if value is None or isinstance(value, list):
        return reader.strings(table, "models", where), ()
    if not isinstance(value, dict):
        raise reader.fail(where + "models", "expected a list of model ids or a table of models")
    overrides = [
        (model, _model(reader, entry, [*where.rstrip(".").split("."), "models", model]))
        for model, entry in value.items()
    ]
    return tuple(model for model, _ in overrides), tuple(overrides)


def _model(reader: ConfigReader, entry: Any, parts: list[str]) -> Capabilities:
    key = ".".join(parts[:-1]) + f'."{parts[-1]}"'
    if not isinstance(entry, dict):
        raise reader.fail(key, "expected a table (e.g. context = 32768)", [*parts, ""])
    values: dict[str, Any] = {}
    for name, setting in entry.items():
        if name not in SETTINGS:
            allowed = ", ".join(SETTINGS)
            raise reader.fail(
                f"{key}.{name}", f"unknown setting (allowed: {allowed})", [*parts, name]
            )
        kind, meaning = SETTINGS[name]
        number = kind in (int, float) and not isinstance(setting, bool)
        ok = isinstance(setting, kind) or (kind is float and isinstance(setting, int) and number)
        if not ok or (number and (setting < 0 or (kind is int and setting == 0))):
            raise reader.fail(
                f"{key}.{name}", f"must be {meaning}, got {setting!r}", [*parts, name]
            )
        values[name] = setting
    price_in, price_out = values.pop("price_in", None), values.pop("price_out", None)
    if (price_in is None) != (price_out is None):
        raise reader.fail(key, "give both price_in and price_out, or neither", [*parts, ""])
    price = Price(float(price_in), float(price_out)) if price_in is not None else None
    return Capabilities(**values, price=price, source=Source.CONFIG)
