"""What each kind of server says of its models, on its own paths (`WireServer.persona`).

Bodies are written here in the shapes of issue 14's design note, section 1 (trimmed, with
the fields a client may read). Every persona describes `WireServer.models`; a model whose
name has "vision" in it reads images, one with "think" in it reasons."""

from __future__ import annotations

from typing import Any

OPENAI = "openai"  # the plain OpenAI-compatible API: /v1/models, nothing more
LLAMA_SERVER = "llama-server"
LLAMA_SERVER_OLD = "llama-server-old"  # a build without the count routes (/tokenize only)
OLLAMA = "ollama"
LMSTUDIO = "lmstudio"
LMSTUDIO_V1 = "lmstudio-v1"  # a build that no longer serves the deprecated /api/v0
OPENROUTER = "openrouter"
VLLM = "vllm"
ANTHROPIC = "anthropic"  # /v1/models with the window and capabilities (anthropic-version)
HANG = "hang"  # accepts every request and never answers
STALL_METADATA = "stall-metadata"  # lists its models, never answers anything else
GARBAGE = "garbage"  # answers every request 200 with a body that is not JSON
SERVERS = (
    OPENAI,
    LLAMA_SERVER,
    LLAMA_SERVER_OLD,
    OLLAMA,
    LMSTUDIO,
    LMSTUDIO_V1,
    OPENROUTER,
    VLLM,
    ANTHROPIC,
)
PERSONAS = (*SERVERS, HANG, STALL_METADATA, GARBAGE)

GARBAGE_BODY = b'{"object": "list", "data": [{"id": "x", "meta": {"n_ctx": 20<html>'

#: llama-server: the slot's window (`-c`) and the model's trained one, never the window
LLAMA_N_CTX = 2048
LLAMA_N_CTX_TRAIN = 8192
#: Ollama: the model's own maximum (`<arch>.context_length`) and what `/api/ps` allocated
OLLAMA_CONTEXT_LENGTH = 131_072
OLLAMA_ALLOCATED = 4096
#: LM Studio: the model's maximum and the context it was loaded with
LMSTUDIO_MAX_CONTEXT = 131_072
LMSTUDIO_LOADED_CONTEXT = 8192
#: OpenRouter: window, longest reply, USD per token (strings, as OpenRouter sends them)
OPENROUTER_CONTEXT = 200_000
OPENROUTER_MAX_COMPLETION = 64_000
OPENROUTER_PROMPT_PRICE = "0.000003"
OPENROUTER_COMPLETION_PRICE = "0.000015"
VLLM_MAX_MODEL_LEN = 32_768
ANTHROPIC_MAX_INPUT = 200_000
ANTHROPIC_MAX_TOKENS = 64_000
CREATED = 1735689600


def vision(model: str) -> bool:
    return "vision" in model


def think(model: str) -> bool:
    return "think" in model


def answer(persona: str, method: str, path: str, body: Any, models: list[str]) -> Any:
    """The JSON `persona` answers `method path` with (None: not one of its paths, or
    `NotFound` for a model it does not have)."""
    route = ROUTES.get((persona, method, path))
    return None if route is None else route(body, models)


class NotFound(Exception):
    """The persona's own "no such model" answer (404 with this JSON)."""

    def __init__(self, data: Any) -> None:
        super().__init__(data)
        self.data = data


# ---- llama-server


def llama_models(_body: Any, models: list[str]) -> Any:
    meta = {"vocab_type": 2, "n_vocab": 49152, "n_ctx_train": LLAMA_N_CTX_TRAIN}
    meta |= {"n_ctx": LLAMA_N_CTX, "n_embd": 576, "n_params": 134515008, "size": 269030400}
    served = models[:1]  # llama-server serves one model
    capabilities = ["completion", *(["multimodal"] if any(map(vision, served)) else [])]
    return {
        "models": [
            {"name": m, "model": m, "modified_at": "", "size": "", "digest": "", "type": "model",
             "description": "", "tags": [""], "capabilities": capabilities, "parameters": "",
             "details": {"parent_model": "", "format": "gguf", "family": "", "families": [""],
                         "parameter_size": "", "quantization_level": ""}}
            for m in served
        ],
        "object": "list",
        "data": [
            {"id": m, "object": "model", "created": CREATED, "owned_by": "llamacpp", "meta": meta}
            for m in served
        ],
    }  # fmt: skip


def llama_props(_body: Any, models: list[str]) -> Any:
    model = models[0] if models else "model"
    return {
        "default_generation_settings": {
            "id": 0, "id_task": -1, "n_ctx": LLAMA_N_CTX, "speculative": False,
            "is_processing": False, "params": {"n_predict": -1, "temperature": 0.8, "top_k": 40},
        },
        "total_slots": 1,
        "model_alias": model,
        "model_path": f"/models/{model}.gguf",
        "modalities": {"vision": vision(model), "video": False, "audio": False},
        "endpoint_slots": True, "endpoint_props": False, "endpoint_metrics": False,
        "webui": True, "webui_settings": {},
        "chat_template": "{% for message in messages %}...{% endfor %}",
        "chat_template_caps": {
            "supports_object_arguments": False, "supports_parallel_tool_calls": False,
            "supports_preserve_reasoning": False, "supports_string_content": True,
            "supports_system_role": True, "supports_tool_calls": True, "supports_tools": True,
            "supports_typed_content": False,
        },
        "bos_token": "<|im_start|>", "eos_token": "<|im_end|>",
        "build_info": "b1-0c1e570", "is_sleeping": False,
    }  # fmt: skip


# ---- Ollama


def ollama_models(_body: Any, models: list[str]) -> Any:
    return {
        "object": "list",
        "data": [
            {"id": m, "object": "model", "created": CREATED, "owned_by": namespace(m)}
            for m in models
        ],
    }


def namespace(model: str) -> str:
    """Ollama's `owned_by`: the namespace of the model's name, "library" for its own."""
    return model.partition("/")[0] if "/" in model else "library"


def ollama_version(_body: Any, _models: list[str]) -> Any:
    return {"version": "0.12.6"}


def ollama_show(body: Any, models: list[str]) -> Any:
    model = body.get("model") if isinstance(body, dict) else None
    if model not in models:
        raise NotFound({"error": f"model '{model}' not found"})
    capabilities = ["completion", "tools"]
    capabilities += ["vision"] if vision(model) else []
    capabilities += ["thinking"] if think(model) else []
    return {
        "license": "LLAMA 3.2 COMMUNITY LICENSE AGREEMENT ...",
        "modelfile": f"FROM {model}\n",
        "parameters": 'num_ctx 4096\nstop "<|eot_id|>"',
        "template": "{{ .Prompt }}",
        "details": {
            "parent_model": "", "format": "gguf", "family": "llama", "families": ["llama"],
            "parameter_size": "3.2B", "quantization_level": "Q4_K_M",
        },
        "model_info": {
            "general.architecture": "llama", "general.file_type": 15,
            "general.parameter_count": 3212749888, "llama.attention.head_count": 24,
            "llama.block_count": 28, "llama.context_length": OLLAMA_CONTEXT_LENGTH,
            "llama.embedding_length": 3072, "tokenizer.ggml.model": "gpt2",
        },
        "capabilities": capabilities,
        "modified_at": "2025-10-01T12:00:00.000000000Z",
    }  # fmt: skip


def ollama_tags(_body: Any, models: list[str]) -> Any:
    """`GET /api/tags`: the models pulled, newest first."""
    return {
        "models": [
            {"name": m, "model": m, "modified_at": "2025-10-01T12:00:00.000000000Z",
             "size": 2_019_393_189, "digest": f"{i:012x}a80c4f17acd5",
             "details": {"parent_model": "", "format": "gguf", "family": "llama",
                         "families": ["llama"], "parameter_size": "3.2B",
                         "quantization_level": "Q4_K_M"}}
            for i, m in enumerate(models)
        ]
    }  # fmt: skip


def ollama_ps(_body: Any, models: list[str]) -> Any:
    return {
        "models": [
            {"name": m, "model": m, "size": 3_400_000_000, "digest": "a80c4f17acd5",
             "details": {"format": "gguf", "family": "llama", "parameter_size": "3.2B",
                         "quantization_level": "Q4_K_M"},
             "expires_at": "2025-10-01T12:05:00Z", "size_vram": 3_400_000_000,
             "context_length": OLLAMA_ALLOCATED}
            for m in models[:1]
        ]
    }  # fmt: skip


# ---- LM Studio


def lmstudio_models(_body: Any, models: list[str]) -> Any:
    return {
        "object": "list",
        "data": [{"id": m, "object": "model", "owned_by": "organization_owner"} for m in models],
    }


def lmstudio_v0(_body: Any, models: list[str]) -> Any:
    return {
        "object": "list",
        "data": [
            {"id": m, "object": "model", "type": "vlm" if vision(m) else "llm",
             "publisher": "lmstudio-community", "arch": "qwen2", "compatibility_type": "gguf",
             "quantization": "Q4_K_M", "state": "loaded" if i == 0 else "not-loaded",
             "max_context_length": LMSTUDIO_MAX_CONTEXT,
             **({"loaded_context_length": LMSTUDIO_LOADED_CONTEXT} if i == 0 else {}),
             "capabilities": ["tool_use"]}
            for i, m in enumerate(models)
        ],
    }  # fmt: skip


def lmstudio_v1(_body: Any, models: list[str]) -> Any:
    return {
        "models": [
            {"type": "llm", "publisher": "lmstudio-community", "key": m, "display_name": m,
             "architecture": "qwen2", "quantization": {"name": "Q4_K_M", "bits_per_weight": 4},
             "size_bytes": 4_683_073_952, "params_string": "7B", "format": "gguf",
             "max_context_length": LMSTUDIO_MAX_CONTEXT,
             "loaded_instances": [
                 {"id": m, "config": {"context_length": LMSTUDIO_LOADED_CONTEXT}}
             ] if i == 0 else [],
             "capabilities": {"vision": vision(m), "trained_for_tool_use": True}}
            for i, m in enumerate(models)
        ]
    }  # fmt: skip


# ---- OpenRouter, vLLM, Anthropic


def openrouter_models(_body: Any, models: list[str]) -> Any:
    return {
        "data": [
            {"id": m, "canonical_slug": m, "name": m, "created": CREATED, "description": "",
             "context_length": OPENROUTER_CONTEXT,
             "architecture": {
                 "modality": "text+image->text" if vision(m) else "text->text",
                 "input_modalities": ["text", "image"] if vision(m) else ["text"],
                 "output_modalities": ["text"], "tokenizer": "Other", "instruct_type": None},
             "pricing": {"prompt": OPENROUTER_PROMPT_PRICE,
                         "completion": OPENROUTER_COMPLETION_PRICE, "request": "0", "image": "0",
                         "internal_reasoning": "0", "input_cache_read": "0.0000003"},
             "top_provider": {"context_length": OPENROUTER_CONTEXT,
                              "max_completion_tokens": OPENROUTER_MAX_COMPLETION,
                              "is_moderated": True},
             "per_request_limits": None,
             "supported_parameters": ["max_tokens", "temperature", "tools", "tool_choice",
                                      *(["reasoning", "include_reasoning"] if think(m) else [])]}
            for m in models
        ]
    }  # fmt: skip


def vllm_models(_body: Any, models: list[str]) -> Any:
    return {
        "object": "list",
        "data": [
            {"id": m, "object": "model", "created": CREATED, "owned_by": "vllm", "root": m,
             "parent": None, "max_model_len": VLLM_MAX_MODEL_LEN,
             "permission": [{"id": "modelperm-0", "object": "model_permission",
                             "created": CREATED, "allow_sampling": True}]}
            for m in models
        ],
    }  # fmt: skip


def _supported(flag: bool) -> dict[str, bool]:
    return {"supported": flag}


def anthropic_model(model: str) -> dict[str, Any]:
    """One Anthropic `ModelInfo` with its window and the full `capabilities` object."""
    yes, no = _supported(True), _supported(False)
    thinking = {"adaptive": no, "between_tools": yes, "disabled": yes, "enabled": yes}
    return {
        "type": "model", "id": model, "display_name": model.replace("-", " ").title(),
        "created_at": "2025-01-01T00:00:00Z", "lifecycle": "active",
        "max_input_tokens": ANTHROPIC_MAX_INPUT, "max_tokens": ANTHROPIC_MAX_TOKENS,
        "capabilities": {
            "batch": yes, "citations": yes, "code_execution": yes,
            "context_management": {"supported": True},
            "effort": {"supported": False, "low": no, "medium": no, "high": no, "max": no},
            "image_input": _supported(vision(model)), "pdf_input": yes,
            "server_tools": {"supported": True, "code_execution": yes, "web_search": yes},
            "structured_outputs": yes,
            "thinking": {"supported": think(model), "types": thinking},
        },
    }  # fmt: skip


ROUTES = {
    (LLAMA_SERVER, "GET", "/v1/models"): llama_models,
    (LLAMA_SERVER, "GET", "/props"): llama_props,
    (LLAMA_SERVER_OLD, "GET", "/v1/models"): llama_models,
    (LLAMA_SERVER_OLD, "GET", "/props"): llama_props,
    (OLLAMA, "GET", "/v1/models"): ollama_models,
    (OLLAMA, "GET", "/api/version"): ollama_version,
    (OLLAMA, "POST", "/api/show"): ollama_show,
    (OLLAMA, "GET", "/api/ps"): ollama_ps,
    (OLLAMA, "GET", "/api/tags"): ollama_tags,
    (LMSTUDIO, "GET", "/v1/models"): lmstudio_models,
    (LMSTUDIO, "GET", "/api/v0/models"): lmstudio_v0,
    (LMSTUDIO, "GET", "/api/v1/models"): lmstudio_v1,
    (LMSTUDIO_V1, "GET", "/v1/models"): lmstudio_models,
    (LMSTUDIO_V1, "GET", "/api/v1/models"): lmstudio_v1,
    (OPENROUTER, "GET", "/api/v1/models"): openrouter_models,
    (VLLM, "GET", "/v1/models"): vllm_models,
}
