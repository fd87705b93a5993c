"""What each kind of server says about its models, read by one pure parser per shape (the
bodies the wire server's personas serve), and never an exception for an odd body."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from chatui.core import Capabilities, Price, Source
from chatui.providers.models import (
    anthropic_models,
    llama_models,
    llama_props,
    lmstudio_v0,
    lmstudio_v1,
    ollama_ps,
    ollama_show,
    openrouter_models,
    vllm_models,
)
from tests.wireserver import personas as p


def caps(**known: Any) -> Capabilities:
    return Capabilities(**known, source=Source.SERVER)


def test_llama_props_reads_the_slot_window_not_the_trained_one() -> None:
    body = p.llama_props(None, ["smollm2"])
    assert llama_props(body) == {"smollm2": caps(context=p.LLAMA_N_CTX, images=False, tools=True)}
    body["modalities"]["vision"] = True
    body["chat_template_caps"]["supports_tools"] = False
    assert llama_props(body) == {"smollm2": caps(context=p.LLAMA_N_CTX, images=True, tools=False)}


def test_llama_models_reads_meta_n_ctx_never_n_ctx_train() -> None:
    body = p.llama_models(None, ["vision-smol"])
    assert llama_models(body) == {"vision-smol": caps(context=p.LLAMA_N_CTX, images=True)}
    del body["data"][0]["meta"]["n_ctx"]  # older builds: only n_ctx_train, which is no window
    assert llama_models(body) == {"vision-smol": caps(images=True)}


def test_ollama_show_reads_the_architectures_context_length_and_capabilities() -> None:
    plain = p.ollama_show({"model": "llama3.2"}, ["llama3.2"])
    assert ollama_show(plain, "llama3.2") == {
        "llama3.2": caps(context=p.OLLAMA_CONTEXT_LENGTH, images=False, tools=True, reasoning=False)
    }
    both = p.ollama_show({"model": "vision-think"}, ["vision-think"])
    assert ollama_show(both, "x") == {
        "x": caps(context=p.OLLAMA_CONTEXT_LENGTH, images=True, tools=True, reasoning=True)
    }
    both["model_info"]["general.architecture"] = "qwen3"  # no qwen3.context_length: unknown
    del both["capabilities"]  # older servers: no list, so nothing known of what it can do
    assert ollama_show(both, "x") == {"x": caps()}


def test_ollama_ps_reads_the_allocated_context() -> None:
    body = p.ollama_ps(None, ["llama3.2:latest"])
    assert ollama_ps(body) == {"llama3.2:latest": caps(context=p.OLLAMA_ALLOCATED)}


def test_lmstudio_v0_prefers_the_loaded_context_and_reads_vlm_as_images() -> None:
    body = p.lmstudio_v0(None, ["qwen-7b", "vision-7b"])
    assert lmstudio_v0(body) == {
        "qwen-7b": caps(context=p.LMSTUDIO_LOADED_CONTEXT, images=False, tools=True),
        "vision-7b": caps(context=p.LMSTUDIO_MAX_CONTEXT, images=True, tools=True),
    }
    for entry in body["data"]:  # older builds: no capabilities, an embeddings model
        del entry["capabilities"]
        entry["type"] = "embeddings"
    assert lmstudio_v0(body)["vision-7b"] == caps(context=p.LMSTUDIO_MAX_CONTEXT)


def test_lmstudio_v1_prefers_the_loaded_instances_context() -> None:
    body = p.lmstudio_v1(None, ["qwen-7b", "vision-7b"])
    assert lmstudio_v1(body) == {
        "qwen-7b": caps(context=p.LMSTUDIO_LOADED_CONTEXT, images=False, tools=True),
        "vision-7b": caps(context=p.LMSTUDIO_MAX_CONTEXT, images=True, tools=True),
    }


def test_openrouter_reads_window_reply_modalities_parameters_and_prices_per_million() -> None:
    body = p.openrouter_models(None, ["a/plain", "b/vision-think"])
    price = Price(3.0, 15.0)  # "0.000003" USD per token is $3 per million
    common = {"context": p.OPENROUTER_CONTEXT, "max_output": p.OPENROUTER_MAX_COMPLETION}
    assert openrouter_models(body) == {
        "a/plain": caps(**common, images=False, tools=True, reasoning=False, price=price),
        "b/vision-think": caps(**common, images=True, tools=True, reasoning=True, price=price),
    }
    entry = body["data"][0]
    entry["pricing"]["prompt"] = "-1"  # openrouter/auto: priced per route
    del entry["context_length"]  # then the top provider's window
    assert openrouter_models(body)["a/plain"].price is None
    assert openrouter_models(body)["a/plain"].context == p.OPENROUTER_CONTEXT


def test_vllm_reads_max_model_len() -> None:
    body = p.vllm_models(None, ["Qwen/Qwen3-8B"])
    assert vllm_models(body) == {"Qwen/Qwen3-8B": caps(context=p.VLLM_MAX_MODEL_LEN)}


def test_anthropic_reads_the_body_or_the_sdks_dicts() -> None:
    listed = [p.anthropic_model("claude-plain"), p.anthropic_model("claude-vision-think")]
    common = {"context": p.ANTHROPIC_MAX_INPUT, "max_output": p.ANTHROPIC_MAX_TOKENS}
    expected = {
        "claude-plain": caps(**common, images=False, reasoning=False),
        "claude-vision-think": caps(**common, images=True, reasoning=True),
    }
    assert anthropic_models(listed) == expected
    assert anthropic_models({"data": listed, "has_more": False}) == expected
    older = {"type": "model", "id": "claude-old", "display_name": "Old"}
    assert anthropic_models([older]) == {"claude-old": caps()}


ODD_VALUES: list[Any] = [None, "x", 3, True, -5, 0, 2.5, [], {}, ["x"], {"data": "x"}]
PARSERS = [
    llama_props, llama_models, ollama_ps, lmstudio_v0, lmstudio_v1, openrouter_models,
    vllm_models, anthropic_models, lambda body: ollama_show(body, "m"),
]  # fmt: skip


@pytest.mark.parametrize("parse", PARSERS)
@pytest.mark.parametrize("odd", ODD_VALUES)
def test_parsers_ignore_values_of_the_wrong_type_and_never_raise(parse: Any, odd: Any) -> None:
    """Every field of every shape replaced by an odd value: what is left is unknown."""
    for body in _bodies_with_one_odd_field(odd):
        found = parse(body)
        assert isinstance(found, dict)
        for model, capabilities in found.items():
            assert isinstance(model, str)
            for value in (capabilities.context, capabilities.max_output):
                assert value is None or (type(value) is int and value > 0)
            for flag in (capabilities.images, capabilities.tools, capabilities.reasoning):
                assert flag is None or type(flag) is bool
    assert parse(odd) in ({}, {"": caps()}, {"m": caps()})


def _bodies_with_one_odd_field(odd: Any) -> Iterator[Any]:
    """Each persona's body with, in turn, every value at every depth replaced by `odd`."""
    models = ["m", "vision-think"]
    bodies = [route(None if method == "GET" else {"model": "m"}, models)
              for (_, method, _), route in p.ROUTES.items()]  # fmt: skip
    bodies += [{"data": [p.anthropic_model(m) for m in models]}, p.llama_props(None, models)]
    for body in bodies:
        yield from _replacing(body, odd)


def _replacing(value: Any, odd: Any) -> Iterator[Any]:
    yield odd
    if isinstance(value, dict):
        for key, item in value.items():
            for changed in _replacing(item, odd):
                yield {**value, key: changed}
    elif isinstance(value, list):
        for i, item in enumerate(value):
            for changed in _replacing(item, odd):
                yield [*value[:i], changed, *value[i + 1 :]]
