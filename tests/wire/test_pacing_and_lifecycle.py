"""The wire server's reply queue, pacing and stopping; clients in other threads and processes."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time

import httpx2
import openai
import pytest

from tests.wire.clients import (
    TLS,
    USER,
    chat_stream,
    chat_text,
    make_oai,
    raw_client,
)
from tests.wireserver import Reply, WireServer


async def test_queue_then_default_reply(wire_server: WireServer, oai: openai.AsyncOpenAI) -> None:
    wire_server.default_reply = Reply(pieces=["default"])
    wire_server.enqueue(Reply(pieces=["first"]), Reply(pieces=["second"]))
    texts = [chat_text(await chat_stream(oai)) for _ in range(3)]
    assert texts == ["first", "second", "default"]
    assert wire_server.pending == 0
    assert [r.reply.pieces for r in wire_server.generation_requests if r.reply] == [
        ["first"],
        ["second"],
        ["default"],
    ]


@pytest.mark.timing
async def test_pacing_is_accurate(wire_server: WireServer, oai: openai.AsyncOpenAI) -> None:
    wire_server.enqueue(Reply(pieces=["t"] * 200, interval=0.001))
    stream = await oai.chat.completions.create(model="test-model", messages=USER, stream=True)
    stamps = [time.monotonic() async for c in stream if c.choices and c.choices[0].delta.content]
    assert len(stamps) == 200
    assert 0.18 < stamps[-1] - stamps[0] < 0.30


@pytest.mark.timing
async def test_fast_long_stream_keeps_schedule(wire_server: WireServer) -> None:
    client = make_oai(wire_server)  # not strict: measure the SDK's ordinary parsing
    wire_server.enqueue(Reply(pieces=["tok "] * 3000, interval=1 / 3000))
    stream = await client.chat.completions.create(model="test-model", messages=USER, stream=True)
    stamps = [time.monotonic() async for c in stream if c.choices and c.choices[0].delta.content]
    await client.close()
    assert len(stamps) == 3000
    # timed at the server (a busy client parses late, and that is not the server's drift): the
    # schedule is absolute, so sleeping 3,000 times does not add up beyond the planned second
    sent = wire_server.generation_requests[-1]
    assert sent.finished_at is not None
    assert 0.95 < sent.finished_at - sent.received_at < 1.5


@pytest.mark.timing
async def test_large_reply_is_quick(wire_server: WireServer) -> None:
    text = "".join(f"word{i} " for i in range(30_000))[:200_000]
    wire_server.enqueue(Reply.from_text(text, size=64))
    started = time.monotonic()
    async with raw_client() as client:
        body = {"model": "m", "max_tokens": 5, "messages": USER, "stream": True}
        resp = await client.post(wire_server.base_url + "/v1/messages", json=body)
    got = "".join(
        json.loads(line[6:])["delta"]["text"]
        for line in resp.text.split("\n")
        if line.startswith('data: {"type":"content_block_delta"')
    )
    assert got == text
    assert time.monotonic() - started < 2.0


# --------------------------------------------------------------------------- lifecycle


@pytest.mark.timing
def test_stop_is_prompt_while_stalling() -> None:
    server = WireServer().start()
    server.enqueue(Reply(stall_after=0))
    outcome: list[str] = []

    def client() -> None:
        body = {"model": "m", "messages": USER, "stream": True}
        try:
            with httpx2.Client(timeout=10, verify=TLS) as http:
                resp = http.post(server.base_url + "/v1/chat/completions", json=body)
                outcome.append(f"status {resp.status_code}")
        except httpx2.HTTPError as exc:
            outcome.append(type(exc).__name__)

    thread = threading.Thread(target=client)
    thread.start()
    assert server.wait_for_requests(1, timeout=2)
    time.sleep(0.1)
    started = time.monotonic()
    server.stop()
    assert time.monotonic() - started < 1.0
    thread.join(timeout=2)
    assert not thread.is_alive() and outcome
    assert server.disconnects == 0  # stopping is not a client hang-up


def test_sync_client_and_subprocess(wire_server: WireServer) -> None:
    with openai.OpenAI(base_url=wire_server.base_url + "/v1", api_key="k", max_retries=0) as oai:
        stream = oai.chat.completions.create(model="test-model", messages=USER, stream=True)
        assert "".join(c.choices[0].delta.content or "" for c in stream) == "Hello world"
    code = (
        "import json, sys, urllib.request\n"
        "with urllib.request.urlopen(sys.argv[1] + '/v1/models') as r:\n"
        "    print(json.load(r)['data'][0]['id'])\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, wire_server.base_url],
        capture_output=True,
        text=True,
        timeout=10,
        check=True,
    )
    assert out.stdout.strip() == "test-model"
