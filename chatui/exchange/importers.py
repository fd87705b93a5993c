"""Reading an export file (JSON or .zip) and telling chatui, ChatGPT and Claude exports apart."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

from chatui.core import BadExport
from chatui.exchange.chatgpt import read_chatgpt
from chatui.exchange.claude import read_claude
from chatui.exchange.tree import BrokenConversation, SourceConversation, build_transcript
from chatui.store.records import Transcript

#: Export kinds and how to name them to a person.
KINDS: Final = {"chatui": "chatui", "chatgpt": "ChatGPT", "claude": "Claude"}
_READERS: Final[dict[str, Callable[[Any], SourceConversation]]] = {
    "chatgpt": read_chatgpt,
    "claude": read_claude,
}
_MEMBER: Final = "conversations.json"


@dataclass(frozen=True, slots=True)
class ParsedExport:
    """The conversations of a ChatGPT or Claude export, ready for the store."""

    kind: str
    transcripts: tuple[Transcript, ...]
    problems: tuple[str, ...]  # one line for each conversation that could not be read
    empty: int  # conversations without any message to show (not imported)


def read_export(raw: bytes, source: str) -> Any:
    """The JSON document in `raw`: a JSON file, or a .zip export holding conversations.json."""
    if raw.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(raw)) as archive:
                names = [n for n in archive.namelist() if n.rsplit("/", 1)[-1] == _MEMBER]
                if not names:
                    raise BadExport(f"{source} is a zip archive without {_MEMBER}")
                member = min(names, key=len)
                raw = archive.read(member)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, RuntimeError, NotImplementedError) as exc:
            raise BadExport(f"{source} is not a readable zip archive: {exc}") from exc
        source = f"{source} ({member})"
    try:
        return json.loads(raw)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError and UnicodeDecodeError
        raise BadExport(f"{source} is not a JSON export: {exc}") from exc


def detect(data: Any, source: str) -> str:
    """Which export `data` is: "chatui" (one conversation), "chatgpt" or "claude"."""
    items = data if isinstance(data, list) else [data]
    for item in items:
        if isinstance(item, dict) and "mapping" in item:
            return "chatgpt"
        if isinstance(item, dict) and "chat_messages" in item:
            return "claude"
    if isinstance(data, dict):
        return "chatui"  # parse_json says what is missing
    if data == []:
        raise BadExport(f"{source} holds no conversations")
    raise BadExport(
        f"{source} is not a chatui, ChatGPT or Claude export: expected a chatui export object"
        ' or a list of conversations with "mapping" (ChatGPT) or "chat_messages" (Claude)'
    )


def _label(index: int, item: Any) -> str:
    title = item.get("title", item.get("name")) if isinstance(item, dict) else None
    if isinstance(title, str) and title.strip():
        short = title.strip() if len(title.strip()) <= 40 else title.strip()[:39] + "…"
        return f"conversation {index} ({short!r})"
    return f"conversation {index}"


def parse_export(data: Any, kind: str) -> ParsedExport:
    """Every conversation of a ChatGPT or Claude export (a list, or one conversation object).

    A conversation that cannot be read is left out and described in `problems`, e.g.
    "conversation 12 ('Trip plan'): message abc has no author"; the others are kept."""
    reader = _READERS[kind]
    transcripts: list[Transcript] = []
    problems: list[str] = []
    empty = 0
    for index, item in enumerate(data if isinstance(data, list) else [data], start=1):
        try:
            transcript = build_transcript(reader(item))
        except BrokenConversation as exc:
            problems.append(f"{_label(index, item)}: {exc}")
            continue
        if transcript is None:
            empty += 1
        else:
            transcripts.append(transcript)
    return ParsedExport(kind, tuple(transcripts), tuple(problems), empty)
