"""The wire server rejects bad requests as the real APIs do, checks API keys, and lists models."""

from __future__ import annotations

from typing import Any

import anthropic
import openai
import pytest

from tests.wire.clients import (
    USER,
    make_claude,
    make_oai,
    raw_client,
)
from tests.wireserver import WireServer

INVALID_CHAT: list[dict[str, Any]] = [
    {"messages": USER},
    {"model": "", "messages": USER},
    {"model": "m", "messages": []},
    {"model": "m", "messages": [{"role": "robot", "content": "hi"}]},
    {"model": "m", "messages": USER, "temperature": 2.5},
    {"model": "m", "messages": USER, "stream_options": {"include_usage": True}},
]
INVALID_RESPONSES: list[dict[str, Any]] = [
    {"model": "m", "input": []},
    {"model": "m", "input": "hi", "max_output_tokens": 8},
    {"model": "m", "input": [{"role": "assistant", "content": [{"type": "input_text"}]}]},
]
INVALID_MESSAGES: list[dict[str, Any]] = [
    {"model": "m", "messages": USER},
    {"model": "m", "max_tokens": 0, "messages": USER},
    {"model": "m", "max_tokens": 5, "messages": []},
    {"model": "m", "max_tokens": 5, "messages": [{"role": "system", "content": "x"}, *USER]},
    {"model": "m", "max_tokens": 5, "messages": [{"role": "user", "content": ""}]},
    {"model": "m", "max_tokens": 5, "messages": [{"role": "user", "content": []}]},
    {"model": "m", "max_tokens": 5, "messages": [{"role": "user", "content": [{"text": "x"}]}]},
    {"model": "m", "max_tokens": 5, "messages": [{"role": "assistant", "content": "x"}, *USER]},
    {"model": "m", "max_tokens": 5, "messages": USER, "temperature": 1.5},
]


@pytest.mark.parametrize(
    ("path", "body"),
    [("/v1/chat/completions", b) for b in INVALID_CHAT]
    + [("/v1/responses", b) for b in INVALID_RESPONSES]
    + [("/v1/messages", b) for b in INVALID_MESSAGES],
)
async def test_validation_rejects_like_the_real_api(
    wire_server: WireServer, path: str, body: dict[str, Any]
) -> None:
    wire_server.expect_invalid()
    async with raw_client() as client:
        resp = await client.post(wire_server.base_url + path, json=body)
    assert resp.status_code == 400
    data = resp.json()
    if path == "/v1/messages":
        assert data["type"] == "error"
        assert data["error"]["type"] == "invalid_request_error"
    else:
        assert data["error"]["type"] == "invalid_request_error"
        assert set(data["error"]) == {"message", "type", "param", "code"}
    assert len(wire_server.validation_errors) >= 1
    assert wire_server.validation_errors[0].startswith(path)
    assert wire_server.pending == 0 and wire_server.generation_requests[0].reply is None


async def test_validation_through_sdks(
    wire_server: WireServer, oai: openai.AsyncOpenAI, claude: anthropic.AsyncAnthropic
) -> None:
    wire_server.expect_invalid()
    with pytest.raises(anthropic.BadRequestError, match="top-level `system`"):
        await claude.messages.create(
            model="test-model",
            max_tokens=5,
            messages=[{"role": "system", "content": "be brief"}, *USER],
        )
    with pytest.raises(openai.BadRequestError):
        await oai.chat.completions.create(model="test-model", messages=[])
    assert len(wire_server.validation_errors) == 2


async def test_valid_requests_pass(wire_server: WireServer) -> None:
    bodies = [
        ("/v1/messages", {"model": "m", "max_tokens": 5, "system": "s", "messages": USER}),
        (
            "/v1/messages",
            {
                "model": "m",
                "max_tokens": 2048,
                "thinking": {"type": "enabled", "budget_tokens": 1024},
                "messages": [*USER, {"role": "assistant", "content": ""}],
                "metadata": {"user_id": "u"},
            },
        ),
        (
            "/v1/chat/completions",
            {"model": "m", "messages": [{"role": "developer", "content": ""}]},
        ),
        ("/v1/responses", {"model": "m", "input": USER, "instructions": "x"}),
    ]
    async with raw_client() as client:
        for path, body in bodies:
            resp = await client.post(wire_server.base_url + path, json=body)
            assert resp.status_code == 200, resp.text


async def test_api_key_and_known_models(wire_server: WireServer) -> None:
    wire_server.api_key = "secret"
    wire_server.known_models = {"good-model"}
    bad_oai, good_oai = make_oai(wire_server, "wrong"), make_oai(wire_server, "secret")
    bad_claude, good_claude = make_claude(wire_server, "wrong"), make_claude(wire_server, "secret")
    try:
        with pytest.raises(openai.AuthenticationError) as oai_info:
            await bad_oai.chat.completions.create(model="good-model", messages=USER)
        assert oai_info.value.code == "invalid_api_key"
        with pytest.raises(anthropic.AuthenticationError) as claude_info:
            await bad_claude.messages.create(model="good-model", max_tokens=5, messages=USER)
        assert isinstance(claude_info.value.body, dict)
        assert claude_info.value.body["error"]["type"] == "authentication_error"
        with pytest.raises(openai.AuthenticationError):
            await bad_oai.models.list()

        with pytest.raises(openai.NotFoundError) as nf:
            await good_oai.chat.completions.create(model="nope", messages=USER)
        assert nf.value.code == "model_not_found"
        with pytest.raises(anthropic.NotFoundError) as anf:
            await good_claude.messages.create(model="nope", max_tokens=5, messages=USER)
        assert isinstance(anf.value.body, dict)
        assert anf.value.body["error"]["type"] == "not_found_error"

        completion = await good_oai.chat.completions.create(model="good-model", messages=USER)
        assert completion.choices[0].message.content == "Hello world"
        message = await good_claude.messages.create(model="good-model", max_tokens=5, messages=USER)
        assert message.content[0].type == "text"
    finally:
        for client in (bad_oai, good_oai, bad_claude, good_claude):
            await client.close()


async def test_models_in_both_formats(
    wire_server: WireServer, oai: openai.AsyncOpenAI, claude: anthropic.AsyncAnthropic
) -> None:
    wire_server.models = ["alpha", "beta"]
    oai_models = [m async for m in oai.models.list()]
    assert [(m.id, m.object) for m in oai_models] == [("alpha", "model"), ("beta", "model")]
    claude_models = [m async for m in claude.models.list()]
    assert [(m.id, m.type) for m in claude_models] == [("alpha", "model"), ("beta", "model")]
    assert claude_models[0].display_name == "Alpha"
    async with raw_client() as client:
        raw = (await client.get(wire_server.base_url + "/v1/models")).json()
        assert raw["object"] == "list"
        raw = (
            await client.get(
                wire_server.base_url + "/v1/models", headers={"anthropic-version": "2023-06-01"}
            )
        ).json()
        assert (raw["has_more"], raw["first_id"], raw["last_id"]) == (False, "alpha", "beta")
