"""Which OpenAI API a provider uses: Responses on the official endpoint, Chat elsewhere."""

from __future__ import annotations

import pytest

from chatui.config import ProviderConfig
from chatui.providers.openai import OpenAIProvider


@pytest.mark.parametrize(
    ("base_url", "api", "expected"),
    [
        (None, None, "responses"),
        ("https://api.openai.com/v1", None, "responses"),
        ("http://127.0.0.1:11434/v1", None, "chat"),
        ("https://openrouter.ai/api/v1", None, "chat"),
        ("https://api.openai.com/v1", "chat", "chat"),
        ("http://127.0.0.1:8080/v1", "responses", "responses"),
    ],
)
def test_api_follows_base_url_unless_overridden(
    base_url: str | None, api: str | None, expected: str
) -> None:
    provider = OpenAIProvider(ProviderConfig("p", "openai", base_url=base_url, api=api))
    assert provider.api == expected
