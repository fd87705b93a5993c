"""Loopback HTTP server speaking the OpenAI and Anthropic wire formats, scripted per test.

`WireServer` runs in a background thread on 127.0.0.1 and answers
`POST /v1/chat/completions`, `POST /v1/responses`, `POST /v1/messages` and `GET /v1/models`
exactly as the real APIs do (SSE framing, event order, error JSON), validates requests the way
the real APIs do, and plays back queued `Reply` scripts, faults included. Its `persona`
(`personas.py`) makes it also answer as llama-server, Ollama, LM Studio, OpenRouter, vLLM or
Anthropic do about their models, or hang, or answer garbage.
"""

from tests.wireserver.replies import RecordedRequest, Reply
from tests.wireserver.server import WireServer

__all__ = ["RecordedRequest", "Reply", "WireServer"]
