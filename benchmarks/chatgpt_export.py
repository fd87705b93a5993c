"""A generated ChatGPT export (conversations.json) of realistic shapes, for the import benchmark."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

from bench_common import make_markdown, paragraph

START = 1672531200.0  # 2023-01-01
SPAN = 3.3 * 365 * 86400  # to 2026-04
MODELS = ["gpt-4", "gpt-4o", "o3", "gpt-5", "gpt-5-thinking", "gpt-5-3-thinking"]
SPICE = ["Kyōto", "naïve café", "日本語のテキスト", "emoji 🚄✨", "Ünïcödé", "Ελληνικά", "Привет"]


class Builder:
    """One conversation's mapping, node by node."""

    def __init__(self, rng: random.Random, created: float, model: str) -> None:
        self.rng, self.time, self.model = rng, created, model
        self.mapping: dict[str, Any] = {}
        self.count = 0

    def node(self, parent: str | None, message: dict[str, Any] | None) -> str:
        self.count += 1
        key = f"{self.rng.getrandbits(64):016x}-{self.count}"
        self.mapping[key] = {"id": key, "message": message, "parent": parent, "children": []}
        if parent is not None:
            self.mapping[parent]["children"].append(key)
        return key

    def message(
        self, role: str, content: dict[str, Any], *, recipient: str = "all", **metadata: Any
    ) -> dict[str, Any]:
        self.time += self.rng.uniform(2, 90)
        if role == "assistant":
            metadata.setdefault("model_slug", self.model)
        return {
            "id": None,
            "author": {"role": role, "name": None, "metadata": {}},
            "create_time": self.time,
            "update_time": None,
            "content": content,
            "status": "finished_successfully",
            "end_turn": True if role == "assistant" else None,
            "weight": 1.0,
            "metadata": metadata,
            "recipient": recipient,
            "channel": None,
        }


def _text(*parts: str) -> dict[str, Any]:
    return {"content_type": "text", "parts": list(parts)}


def _question(rng: random.Random) -> str:
    return f"{paragraph(rng, rng.randint(6, 60))} {rng.choice(SPICE)}?"


def _reply(b: Builder, parent: str, pool: list[str]) -> str:
    """A reply as ChatGPT stores it: sometimes thoughts, a web search, an image or a canvas."""
    rng = b.rng
    if b.model.startswith(("o3", "gpt-5")) and rng.random() < 0.6:
        thoughts = [{"summary": paragraph(rng, 5), "content": paragraph(rng, 80)}]
        thinking = {"content_type": "thoughts", "thoughts": thoughts}
        parent = b.node(parent, b.message("assistant", thinking))
        recap = {"content_type": "reasoning_recap", "content": "Thought for 12s"}
        parent = b.node(parent, b.message("assistant", recap))
    if rng.random() < 0.08:  # image generation
        call = b.message("assistant", _text(""), recipient="t2uay3k.sj1i4kz")
        parent = b.node(parent, call)
        image = {"content_type": "image_asset_pointer", "asset_pointer": "sediment://file_x",
                 "size_bytes": 2_000_000, "width": 1024, "height": 1024}  # fmt: skip
        images = {"content_type": "multimodal_text", "parts": [image]}
        tool = b.message("tool", images, async_task_type="image_gen")
        return b.node(parent, tool)
    references: list[dict[str, Any]] = []
    body = rng.choice(pool)
    if rng.random() < 0.25:  # a web search, cited
        search = json.dumps({"q": paragraph(rng, 4)})
        code = {"content_type": "code", "language": "unknown", "text": search}
        query = b.message("assistant", code, recipient="web.run")
        parent = b.node(parent, query)
        output = {"content_type": "tether_browsing_display", "result": paragraph(rng, 300)}
        parent = b.node(parent, b.message("tool", output))
        marker = f"\ue200cite\ue202turn0search{rng.randint(0, 9)}\ue201"
        link = "([example](https://example.com/a))"
        references.append({"matched_text": marker, "alt": link, "type": "webpage"})
        body = body.replace(". ", f" {marker}. ", 3)
    if rng.random() < 0.05:  # a canvas document
        doc = json.dumps({"name": "draft", "type": "document", "content": rng.choice(pool)})
        call = b.message("assistant", {"content_type": "code", "language": "json", "text": doc},
                         recipient="canmore.create_textdoc")  # fmt: skip
        parent = b.node(b.node(parent, call), b.message("tool", _text("Successfully created")))
    return b.node(parent, b.message("assistant", _text(body), content_references=references))


def conversation(index: int, rng: random.Random, pool: list[str]) -> dict[str, Any]:
    created = START + rng.random() * SPAN
    b = Builder(rng, created, rng.choice(MODELS))
    root = b.node(None, None)
    system = b.message("system", _text(""), is_visually_hidden_from_conversation=True)
    tip = b.node(root, system)
    for _ in range(rng.choice([1, 2, 3, 4, 6, 8, 12, 20, 40])):
        question = b.node(tip, b.message("user", _text(_question(rng))))
        if rng.random() < 0.05:  # an edited question: the old version and its reply stay
            _reply(b, question, pool)
            question = b.node(tip, b.message("user", _text(_question(rng))))
        tip = _reply(b, question, pool)
        if rng.random() < 0.1:  # regenerated: the newer reply is the one shown
            tip = _reply(b, question, pool)
    cid = f"{rng.getrandbits(128):032x}"
    return {
        "title": f"{paragraph(rng, 4).title()} {index}",
        "create_time": created,
        "update_time": b.time,
        "mapping": b.mapping,
        "current_node": tip,
        "conversation_id": cid,
        "id": cid,
        "default_model_slug": b.model,
        "is_archived": False,
        "safe_urls": [],
    }


def write_export(path: Path, target_bytes: int, seed: int = 22) -> tuple[int, int]:
    """Write a conversations.json of about `target_bytes`; (conversations, nodes) written."""
    rng = random.Random(seed)
    sizes = [300] * 3 + [800] * 4 + [1500] * 4 + [3000] * 3 + [6000] * 2 + [15000, 40000]
    pool = [make_markdown(rng.choice(sizes), seed=n) for n in range(200)]
    written = conversations = nodes = 0
    with path.open("w", encoding="utf-8") as out:
        out.write("[")
        while written < target_bytes:
            item = conversation(conversations + 1, rng, pool)
            text = json.dumps(item, ensure_ascii=False)
            out.write((",\n" if conversations else "\n") + text)
            written += len(text.encode("utf-8")) + 2
            conversations += 1
            nodes += len(item["mapping"])
        out.write("\n]\n")
    return conversations, nodes
