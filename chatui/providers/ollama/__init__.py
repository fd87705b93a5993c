"""Ollama spoken natively (`/api/chat`): the only API of it that takes a window (`num_ctx`)."""

from chatui.providers.ollama.provider import DEFAULT_BASE_URL, OllamaProvider

__all__ = ["DEFAULT_BASE_URL", "OllamaProvider"]
