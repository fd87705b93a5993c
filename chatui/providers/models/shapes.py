"""Pure parsers of what each kind of server says about its models: JSON in, capabilities out."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

from chatui.core import Capabilities, Price, Source

Caps = dict[str, Capabilities]


# ---- tolerant readers: a value of the wrong type is unknown, never an error


def as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _count(value: Any) -> int | None:
    """A positive token count, or None (booleans, strings, floats and 0 are not counts)."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def _flag(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def _names(value: Any) -> set[str] | None:
    """The strings of a list, or None when it is not a list (then nothing is known)."""
    if not isinstance(value, list):
        return None
    return {item for item in value if isinstance(item, str)}


def _has(names: set[str] | None, *wanted: str) -> bool | None:
    return None if names is None else any(name in names for name in wanted)


def entries(payload: Any, key: str, id_key: str = "id") -> Iterator[tuple[str, dict[str, Any]]]:
    """(id, entry) of each dict in `payload[key]` whose id is a non-empty string."""
    for entry in _list(as_dict(payload).get(key)):
        if isinstance(entry, dict) and isinstance(model := entry.get(id_key), str) and model:
            yield model, entry


def _caps(**known: Any) -> Capabilities:
    return Capabilities(**known, source=Source.SERVER)


# ---- llama.cpp llama-server


def llama_props(payload: Any) -> Caps:
    """`GET /props`: the slot's window (`default_generation_settings.n_ctx`, never the trained
    `n_ctx_train`), images from `modalities.vision`, tools from the chat template's caps.
    Keyed by `model_alias` (the id `/v1/models` lists), else "" (the one model served)."""
    body = as_dict(payload)
    if not body:
        return {}
    settings = as_dict(body.get("default_generation_settings"))
    template = as_dict(body.get("chat_template_caps"))
    caps = _caps(
        context=_count(settings.get("n_ctx")),
        images=_flag(as_dict(body.get("modalities")).get("vision")),
        tools=_flag(template.get("supports_tools")),
    )
    alias = body.get("model_alias")
    return {alias if isinstance(alias, str) else "": caps}


def llama_models(payload: Any) -> Caps:
    """llama-server's `GET /v1/models`: `data[].meta.n_ctx` (the fallback when `/props` is
    silent); images where its Ollama-style `models[].capabilities` lists "multimodal"."""
    multimodal = {
        model: "multimodal" in (_names(entry.get("capabilities")) or set())
        for model, entry in entries(payload, "models", "model")
    }
    return {
        model: _caps(
            context=_count(as_dict(entry.get("meta")).get("n_ctx")),
            images=multimodal.get(model),
        )
        for model, entry in entries(payload, "data")
    }


# ---- Ollama


def ollama_show(payload: Any, model: str) -> Caps:
    """`POST /api/show {"model": model}`: `model_info["<arch>.context_length"]` (the model's
    own maximum) and the `capabilities` list (vision, tools, thinking)."""
    body = as_dict(payload)
    if not body:
        return {}
    info = as_dict(body.get("model_info"))
    arch = info.get("general.architecture")
    context = _count(info.get(f"{arch}.context_length")) if isinstance(arch, str) else None
    names = _names(body.get("capabilities"))
    return {
        model: _caps(
            context=context,
            images=_has(names, "vision", "image"),
            tools=_has(names, "tools"),
            reasoning=_has(names, "thinking"),
        )
    }


def ollama_ps(payload: Any) -> Caps:
    """`GET /api/ps`: the context each loaded model was given (`models[].context_length`)."""
    return {
        model: _caps(context=_count(entry.get("context_length")))
        for model, entry in entries(payload, "models", "name")
    }


# ---- LM Studio


def lmstudio_v0(payload: Any) -> Caps:
    """`GET /api/v0/models`: the loaded context where one is loaded, else the maximum;
    type "vlm" reads images; `capabilities` (newer builds) lists "tool_use"."""
    found: Caps = {}
    for model, entry in entries(payload, "data"):
        kind = entry.get("type")
        found[model] = _caps(
            context=_count(entry.get("loaded_context_length"))
            or _count(entry.get("max_context_length")),
            images=kind == "vlm" if kind in ("llm", "vlm") else None,
            tools=_has(_names(entry.get("capabilities")), "tool_use"),
        )
    return found


def lmstudio_v1(payload: Any) -> Caps:
    """`GET /api/v1/models` (0.4+): the first loaded instance's context, else the maximum;
    `capabilities.vision` and `capabilities.trained_for_tool_use`."""
    found: Caps = {}
    for model, entry in entries(payload, "models", "key"):
        loaded = [
            _count(as_dict(as_dict(instance).get("config")).get("context_length"))
            for instance in _list(entry.get("loaded_instances"))
        ]
        capabilities = as_dict(entry.get("capabilities"))
        found[model] = _caps(
            context=next((c for c in loaded if c), None) or _count(entry.get("max_context_length")),
            images=_flag(capabilities.get("vision")),
            tools=_flag(capabilities.get("trained_for_tool_use")),
        )
    return found


# ---- OpenRouter


def _per_million(value: Any) -> float | None:
    """OpenRouter's price, a string of USD per token, as USD per million tokens."""
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        return None
    try:
        per_token = float(value)
    except ValueError:
        return None
    if not math.isfinite(per_token) or per_token < 0:  # "-1": priced per route (openrouter/auto)
        return None
    return round(per_token * 1_000_000, 6)


def _price(pricing: dict[str, Any]) -> Price | None:
    prompt = _per_million(pricing.get("prompt"))
    completion = _per_million(pricing.get("completion"))
    return None if prompt is None or completion is None else Price(prompt, completion)


def openrouter_models(payload: Any) -> Caps:
    """`GET /api/v1/models`: `context_length` (else the top provider's), the top provider's
    `max_completion_tokens`, images from `architecture.input_modalities`, tools and reasoning
    from `supported_parameters`, prices from `pricing`."""
    found: Caps = {}
    for model, entry in entries(payload, "data"):
        top = as_dict(entry.get("top_provider"))
        parameters = _names(entry.get("supported_parameters"))
        modalities = _names(as_dict(entry.get("architecture")).get("input_modalities"))
        found[model] = _caps(
            context=_count(entry.get("context_length")) or _count(top.get("context_length")),
            max_output=_count(top.get("max_completion_tokens")),
            images=_has(modalities, "image"),
            tools=_has(parameters, "tools"),
            reasoning=_has(parameters, "reasoning"),
            price=_price(as_dict(entry.get("pricing"))),
        )
    return found


# ---- vLLM and Anthropic


def vllm_models(payload: Any) -> Caps:
    """vLLM's `GET /v1/models`: `data[].max_model_len`."""
    return {
        model: _caps(context=_count(entry.get("max_model_len")))
        for model, entry in entries(payload, "data")
    }


def anthropic_models(payload: Any) -> Caps:
    """Anthropic's `GET /v1/models` (the body, or the list of the SDK's `model.to_dict()`s):
    `max_input_tokens` (the window, as chatui's table counts it), `max_tokens` (the longest
    reply), `capabilities.image_input.supported` and `capabilities.thinking.supported`."""
    listed = payload if isinstance(payload, list) else as_dict(payload).get("data")
    found: Caps = {}
    for model, entry in entries({"data": listed}, "data"):
        capabilities = as_dict(entry.get("capabilities"))
        found[model] = _caps(
            context=_count(entry.get("max_input_tokens")),
            max_output=_count(entry.get("max_tokens")),
            images=_flag(as_dict(capabilities.get("image_input")).get("supported")),
            reasoning=_flag(as_dict(capabilities.get("thinking")).get("supported")),
        )
    return found
