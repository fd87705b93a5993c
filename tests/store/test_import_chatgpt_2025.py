"""A 2025-26 ChatGPT export: generated images, canvas documents, citations, videos (issue 22)."""

from __future__ import annotations

import json
from pathlib import Path

from chatui.exchange.importers import parse_export
from chatui.store import Transcript
from tests.store.export_shapes import chatgpt_chain, chatgpt_message

EXPORTS = Path(__file__).parent / "exports"


def conversations() -> dict[str, Transcript]:
    data = json.loads((EXPORTS / "chatgpt-2025-conversations.json").read_text(encoding="utf-8"))
    parsed = parse_export(data, "chatgpt")
    assert parsed.problems == () and parsed.empty == 0
    return {t.conversation.title: t for t in parsed.transcripts}


def test_generated_images_are_the_reply() -> None:
    poster = conversations()["Fox poster"]
    assert [(m.role, m.content, m.model) for m in poster.messages] == [
        ("user", "Make a poster of a red fox in the snow", None),
        ("assistant", "[image]", "gpt-5"),  # the tool's note to the model is not shown
        ("user", "Same fox, but at night", None),
        ("assistant", "[image]", "gpt-5"),  # the last question is answered
    ]


def test_canvas_documents_are_part_of_the_reply() -> None:
    essay = conversations()["Tides essay"]
    user, drafted, _, edited = essay.messages
    assert user.content == "Draft a short essay about tides in a canvas"
    assert drafted.content.startswith("**Canvas document: tides_essay**\n\n# Tides\n\nTides are")
    assert drafted.content.endswith(
        "tides are larger.\n\nI drafted the essay in a canvas: two short sections."
    )
    assert drafted.reasoning == "Planning the essay\n\nTwo sections: causes, spring and neap tides."
    assert "Thought for" not in drafted.content and "Successfully" not in drafted.content
    # A reply that is only canvas calls keeps them: a rewrite and a code document.
    assert edited.content == (
        "**Canvas document, rewritten**\n\n# Tides\n\nThe Moon and the Sun pull the sea.\n\n"
        "**Canvas document: tide_table**\n\n"
        "```python\ndef high_tides(day):\n    return [day * 24.84 / 2]\n```"
    )


def test_citation_markers_become_their_links_or_go() -> None:
    question, answer = conversations()["Tour de France 2025"].messages
    assert question.content == "[video]\n\nWho won the race in this clip?"
    assert answer.content == (
        "Tadej Pogačar won the 2025 Tour de France"
        " ([Reuters](https://www.reuters.com/sports/cycling/pogacar-wins-2025-07-27/)),"
        " riding for UAE Team Emirates XRG.\n\nYour notes agree."
    )


def test_older_citation_markers_use_the_citations_spans() -> None:
    text = "Founded in 2014【3:0†source】【3:1†source】. Sold in 2020【5†source】. Note 【メモ】."
    conversation = chatgpt_chain("c-old", [("user", "When?"), ("assistant", text)])
    reply = conversation["mapping"]["n2"]["message"]
    start = text.index("【3:0")
    reply["metadata"]["citations"] = [
        {
            "start_ix": start,
            "end_ix": start + len("【3:0†source】"),
            "citation_format_type": "tether_og",
            "metadata": {"type": "webpage", "url": "https://www.crunchbase.com/org/x"},
        },
        {"start_ix": 0, "end_ix": 7, "metadata": {"url": "https://wrong.example"}},  # no marker
    ]
    (transcript,) = parse_export([conversation], "chatgpt").transcripts
    assert transcript.messages[1].content == (
        "Founded in 2014 ([crunchbase.com](https://www.crunchbase.com/org/x)). Sold in 2020."
        " Note 【メモ】."  # CJK brackets that are not markers stay
    )


def test_unknown_asset_parts_are_placeholders_not_internal_names() -> None:
    content = {
        "content_type": "multimodal_text",
        "parts": [{"content_type": "video_container_asset_pointer"}, {"content_type": "x_pointer"}],
    }
    conversation = chatgpt_chain("c-parts", [("user", "see")])
    conversation["mapping"]["n1"]["message"] = chatgpt_message("user", content=content)
    (transcript,) = parse_export([conversation], "chatgpt").transcripts
    assert transcript.messages[0].content == "[video]\n\n[x_pointer]"


def test_dalle_images_join_the_reply_and_other_tools_images_stay_hidden() -> None:
    # 2023-24: the assistant calls dalle.text2im, the tool answers with the image, then the
    # assistant comments on it; ChatGPT showed one reply. A screenshot a tool took is not one.
    def image(about: dict[str, object]) -> dict[str, object]:
        part = {"content_type": "image_asset_pointer", "asset_pointer": "file-service://f", **about}
        return {"content_type": "multimodal_text", "parts": [part]}

    conversation = chatgpt_chain("c-dalle", [("user", "Draw a cat"), ("user", "Screenshot?")])
    mapping = conversation["mapping"]
    dalle = chatgpt_message("tool", content=image({"metadata": {"dalle": {"gen_id": "g"}}}))
    dalle["author"]["name"] = "dalle.text2im"
    shot = chatgpt_message("tool", content=image({"metadata": None}))
    shot["author"]["name"] = "computer.do"
    nodes = {
        "call": ("n1", chatgpt_message("assistant", "{}", recipient="dalle.text2im")),
        "img": ("call", dalle),
        "say": ("img", chatgpt_message("assistant", "Here is your cat.")),
        "n2": ("say", mapping["n2"]["message"]),
        "shot": ("n2", shot),
    }
    for key, (parent, message) in nodes.items():
        mapping[key] = {"id": key, "message": message, "parent": parent}
    (transcript,) = parse_export([conversation], "chatgpt").transcripts
    assert [(m.role, m.content) for m in transcript.messages] == [
        ("user", "Draw a cat"),
        ("assistant", "[image]\n\nHere is your cat."),
        ("user", "Screenshot?"),
    ]


def test_code_interpreter_charts_are_part_of_the_reply() -> None:
    conversation = chatgpt_chain("c-chart", [("user", "Plot it"), ("assistant", "Here it is.")])
    mapping = conversation["mapping"]
    run = chatgpt_message("assistant", "plt.show()", recipient="python")
    output = chatgpt_message(
        "tool",
        content={"content_type": "execution_output", "text": "\n<<ImageDisplayed>>"},
        aggregate_result={"messages": [{"message_type": "image", "image_url": "file-service://c"}]},
    )
    mapping["run"] = {"id": "run", "message": run, "parent": "n1"}
    mapping["out"] = {"id": "out", "message": output, "parent": "run"}
    mapping["n2"]["parent"] = "out"
    (transcript,) = parse_export([conversation], "chatgpt").transcripts
    assert [m.content for m in transcript.messages] == ["Plot it", "[image]\n\nHere it is."]
