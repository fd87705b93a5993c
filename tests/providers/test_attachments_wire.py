"""Attached files reach the model on every wire protocol, in the current and earlier messages."""

from __future__ import annotations

import json
from collections.abc import Callable

from chatui.core import Attachment, ChatRequest, GenerationOptions, Role
from chatui.providers import Provider
from chatui.services.session.turns import Turn, history
from tests.providers.conftest import collect
from tests.providers.test_local import FakeLlama, provider_with
from tests.wireserver import WireServer


async def test_file_contents_are_on_the_wire(
    wire_server: WireServer, make_provider: Callable[..., Provider], protocol: str
) -> None:
    old = Attachment("old.md", "walrus facts\n", 13)
    new = Attachment("src/app.py", "print('zebra')\n", 15)
    turns = [
        Turn(Role.USER, "read this", attachments=(old,)),
        Turn(Role.ASSISTANT, "read it"),
        Turn(Role.USER, "and these", attachments=(new, old)),
    ]
    request = ChatRequest("test-model", history(turns), "", GenerationOptions())
    await collect(make_provider(protocol), request)
    body = wire_server.requests[-1].body
    messages = body["input"] if protocol == "responses" else body["messages"]
    user = [m["content"] for m in messages if m["role"] == "user"]
    assert user == [
        "read this\n\nFile: old.md\n```\nwalrus facts\n```",
        "and these\n\nFile: src/app.py\n```\nprint('zebra')\n```\n\nFile: old.md\n```\n"
        "walrus facts\n```",
    ]
    assert json.dumps(body).count("walrus facts") == 2  # the earlier file is sent again


async def test_local_model_reads_the_file_too() -> None:
    fake = FakeLlama(["ok"])
    notes = Attachment("notes.md", "walrus", 6)
    request = ChatRequest("smollm2", history([Turn(Role.USER, "hi", attachments=(notes,))]))
    _ = [event async for event in provider_with(fake).stream(request)]
    assert fake.calls[0]["messages"] == [
        {"role": "user", "content": "hi\n\nFile: notes.md\n```\nwalrus\n```"}
    ]
