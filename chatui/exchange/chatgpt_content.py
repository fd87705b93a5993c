"""What a ChatGPT export message shows: its parts as text, canvas documents, citations as links."""

from __future__ import annotations

import json
import re
from typing import Any, Final
from urllib.parse import urlsplit

from chatui.core.attachments import fence_for
from chatui.exchange.tree import BrokenConversation

_SILENT_PARTS: Final = frozenset(
    {"audio_asset_pointer", "real_time_user_audio_video_asset_pointer"}
)
_PLACEHOLDERS: Final = {
    "image_asset_pointer": "[image]",
    "video_asset_pointer": "[video]",
    "video_container_asset_pointer": "[video]",
}
#: Canvas ("canmore") calls whose arguments carry the document the reply wrote.
CANVAS_CALLS: Final = frozenset({"canmore.create_textdoc", "canmore.update_textdoc"})
#: Older browsing citations, e.g. 【3:0†source】 or 【11†source】.
_OLD_MARKER: Final = re.compile("【\\d+(?::\\d+)?†[^】\n]{0,80}】")
#: Either kind of marker and the spaces before it; 2025+ markers are \ue200kind\ue202
#: argument(s)\ue201, e.g. kind cite, filecite, entity, image_group.
_MARKER: Final = re.compile(
    "(?P<space>[ \t]*)(?P<marker>\ue200(?P<kind>[a-z_]+)\ue202(?P<argument>[^\ue200\ue201]*)\ue201"
    f"|{_OLD_MARKER.pattern})"
)


def part_text(part: Any, key: str) -> str:
    """One content part: its text, or a placeholder such as [image] ("" for voice audio)."""
    if isinstance(part, str):
        return part
    if not isinstance(part, dict):
        raise BrokenConversation(
            f"message {key} has a content part that is neither text nor an object"
        )
    kind = part.get("content_type")
    if kind in _PLACEHOLDERS:
        return _PLACEHOLDERS[str(kind)]
    if kind in _SILENT_PARTS:  # voice chats: the words come as an audio_transcription part
        return ""
    if isinstance(part.get("text"), str):
        return str(part["text"])
    if isinstance(kind, str) and kind.endswith("_asset_pointer"):
        return "[attachment]"
    return f"[{kind if isinstance(kind, str) else 'attachment'}]"


def content_text(content: dict[str, Any], kind: str, key: str) -> str:
    """The text of a message's content: parts joined, code fenced, placeholders for the rest."""
    if kind == "code":
        language = content.get("language")
        language = language if isinstance(language, str) and language != "unknown" else ""
        return f"```{language}\n{content.get('text') or ''}\n```"
    parts = content.get("parts")
    if parts is not None:
        if not isinstance(parts, list):
            raise BrokenConversation(f"message {key} has content parts that are not a list")
        pieces = [part_text(part, key) for part in parts]
        if kind == "text":  # one message's text, split in pieces: joined as it was
            return "".join(pieces)
        return "\n\n".join(piece for piece in pieces if piece)  # images, audio: paragraphs
    if isinstance(content.get("text"), str):
        return str(content["text"])
    return f"[{kind}]"


def tool_images(content: dict[str, Any], metadata: dict[str, Any], tool: str) -> str:
    """The images of a tool's output that ChatGPT showed in the reply, as placeholders:
    generated ones (DALL-E, image_gen) and code interpreter charts; "" for anything else
    (screenshots, text meant for the model)."""
    if content.get("content_type") == "execution_output":
        result = metadata.get("aggregate_result")
        shown = result.get("messages") if isinstance(result, dict) else None
        charts = [
            m for m in shown or [] if isinstance(m, dict) and m.get("message_type") == "image"
        ]
        return "\n\n".join("[image]" for _ in charts)
    parts = content.get("parts")
    images = [
        part
        for part in (parts if isinstance(parts, list) else [])
        if isinstance(part, dict) and part.get("content_type") == "image_asset_pointer"
    ]
    generated = metadata.get("async_task_type") == "image_gen" or tool.startswith("dalle.")
    for image in images:
        about = image.get("metadata")
        if isinstance(about, dict) and (about.get("dalle") or about.get("generation")):
            generated = True
    return "\n\n".join("[image]" for _ in images) if generated else ""


def _fenced(text: str, language: str) -> str:
    fence = fence_for(text)
    return f"{fence}{language}\n{text.removesuffix(chr(10))}\n{fence}"


def canvas_text(recipient: str, content: dict[str, Any]) -> str:
    """The document a canvas call wrote, marked as such ("" when its arguments are unreadable)."""
    raw = content.get("text")
    if not isinstance(raw, str):
        parts = content.get("parts")
        raw = "".join(p for p in parts if isinstance(p, str)) if isinstance(parts, list) else ""
    try:
        call = json.loads(raw)
    except ValueError:
        return ""
    if not isinstance(call, dict):
        return ""
    kind = str(call.get("type") or "document")
    language = kind.removeprefix("code/") if kind.startswith("code/") else ""
    if recipient == "canmore.create_textdoc" and isinstance(call.get("content"), str):
        name = str(call.get("name") or "untitled")
        body = _fenced(call["content"], language) if language else call["content"]
        return f"**Canvas document: {name}**\n\n{body}"
    updates = call.get("updates")
    pieces: list[str] = []
    for update in updates if isinstance(updates, list) else []:
        if isinstance(update, dict) and isinstance(update.get("replacement"), str):
            whole = update.get("pattern") in (".*", "^.*$", "(?s).*")
            label = "**Canvas document, rewritten**" if whole else "**Canvas document, edited**"
            pieces.append(f"{label}\n\n{update['replacement']}")
    return "\n\n".join(pieces)


def _link(url: Any) -> str:
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        return ""
    host = urlsplit(url).hostname or url
    return f"([{host.removeprefix('www.')}]({url}))"


def _entity_name(argument: str) -> str:
    try:
        value = json.loads(argument)
    except ValueError:
        return ""
    return (
        value[1] if isinstance(value, list) and len(value) > 1 and isinstance(value[1], str) else ""
    )


def with_citations(text: str, metadata: dict[str, Any]) -> str:
    """`text` with its citation markers replaced by the Markdown links the export gives for
    them (`content_references[].alt`, or the older `citations[]`), and dropped otherwise."""
    if "\ue200" not in text and "【" not in text:
        return text
    replacements: dict[str, str] = {}
    references = metadata.get("content_references")
    for reference in references if isinstance(references, list) else []:
        if isinstance(reference, dict) and isinstance(reference.get("matched_text"), str):
            matched = reference["matched_text"]
            if "\ue200" in matched or "【" in matched:  # never plain text (" " is common)
                alt = reference.get("alt")
                replacements[matched] = alt if isinstance(alt, str) else ""
    citations = metadata.get("citations")
    for citation in citations if isinstance(citations, list) else []:
        # [{"start_ix": 674, "end_ix": 686, "metadata": {"url": ...}}]: a span of the text
        about = citation.get("metadata") if isinstance(citation, dict) else None
        if not isinstance(about, dict):
            continue
        start, end = citation.get("start_ix"), citation.get("end_ix")
        marker = text[start:end] if isinstance(start, int) and isinstance(end, int) else ""
        if _OLD_MARKER.fullmatch(marker):
            replacements.setdefault(marker, _link(about.get("url")))

    def replace(found: re.Match[str]) -> str:
        alt = replacements.get(found["marker"])
        if alt is None and found["kind"] == "entity":  # a name in the text: keep the name
            alt = _entity_name(found["argument"])
        if not alt:
            return ""
        return (found["space"] or (" " if alt.startswith("(") and found.start() else "")) + alt

    return _MARKER.sub(replace, text)
