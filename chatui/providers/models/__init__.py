"""What models can take: chatui's table of the vendors' models, and what servers say of theirs."""

from chatui.providers.models.servers import ServerInfo, ServerKind, server_capabilities
from chatui.providers.models.shapes import (
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

__all__ = [
    "ServerInfo",
    "ServerKind",
    "anthropic_models",
    "llama_models",
    "llama_props",
    "lmstudio_v0",
    "lmstudio_v1",
    "ollama_ps",
    "ollama_show",
    "openrouter_models",
    "server_capabilities",
    "vllm_models",
]
