"""The `GET /v1/models` and `GET /v1/models/{id}` bodies, in OpenAI's or Anthropic's shape."""

from __future__ import annotations

from typing import Any

from tests.wireserver.personas import anthropic_model


def models_body(models: list[str], anthropic: bool, detailed: bool = False) -> dict[str, Any]:
    """`detailed`: Anthropic's entries with their window and capabilities."""
    data = [model_body(m, anthropic, detailed) for m in models]
    if anthropic:
        return {
            "data": data,
            "has_more": False,
            "first_id": models[0] if models else None,
            "last_id": models[-1] if models else None,
        }
    return {"object": "list", "data": data}


def model_body(model: str, anthropic: bool, detailed: bool = False) -> dict[str, Any]:
    if anthropic and detailed:
        return anthropic_model(model)
    if anthropic:
        return {
            "type": "model",
            "id": model,
            "display_name": model.replace("-", " ").title(),
            "created_at": "2025-01-01T00:00:00Z",
            "lifecycle": "active",
        }
    return {"id": model, "object": "model", "created": 1735689600, "owned_by": "wireserver"}
