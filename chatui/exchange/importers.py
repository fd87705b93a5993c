"""Reading an export file (JSON or .zip) and telling chatui, ChatGPT and Claude exports apart."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Final

from chatui.core import BadExport
from chatui.exchange.chatgpt import read_chatgpt
from chatui.exchange.claude import read_claude
from chatui.exchange.json_items import ObjectItems, object_spans
from chatui.exchange.tree import BrokenConversation, SourceConversation, build_transcript
from chatui.store.records import Transcript

#: Export kinds and how to name them to a person.
KINDS: Final = {"chatui": "chatui", "chatgpt": "ChatGPT", "claude": "Claude"}
_READERS: Final[dict[str, Callable[[Any], SourceConversation]]] = {
    "chatgpt": read_chatgpt,
    "claude": read_claude,
}
#: Told (conversations done, total) as a long import goes.
Progress = Callable[[int, int], None]
_MEMBER: Final = "conversations.json"
#: From this size on, a JSON array of conversations is parsed one conversation at a time:
#: parsed whole, a 100 MB export would take about 700 MB.
STREAM_FROM: Final = 16_000_000


@dataclass(frozen=True, slots=True)
class ParsedExport:
    """The conversations of a ChatGPT or Claude export, ready for the store."""

    kind: str
    transcripts: tuple[Transcript, ...]
    problems: tuple[str, ...]  # one line for each conversation that could not be read
    empty: int  # conversations without any message to show (not imported)


def read_export(raw: bytes, source: str) -> Any:
    """The JSON document in `raw`: a JSON file, or a .zip export holding conversations.json.

    A large array of conversations comes as an `ObjectItems`, each parsed when it is read."""
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
    spans = object_spans(raw) if len(raw) >= STREAM_FROM else None
    if spans:
        return ObjectItems(raw, spans, source)
    try:
        return json.loads(raw)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError and UnicodeDecodeError
        raise BadExport(f"{source} is not a JSON export: {exc}") from exc


def _items(data: Any) -> Sequence[Any]:
    """The conversations of an export: a list (or ObjectItems) of them, or just one."""
    return data if isinstance(data, (list, ObjectItems)) else [data]


def detect(data: Any, source: str) -> str:
    """Which export `data` is: "chatui" (one conversation), "chatgpt" or "claude"."""
    for item in _items(data):
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


def parse_export(data: Any, kind: str, progress: Progress | None = None) -> ParsedExport:
    """Every conversation of a ChatGPT or Claude export (a list, or one conversation object).

    A conversation that cannot be read is left out and described in `problems`, e.g.
    "conversation 12 ('Trip plan'): message abc has no author"; the others are kept.
    `progress` is told (done, total) after each conversation."""
    reader = _READERS[kind]
    transcripts: list[Transcript] = []
    problems: list[str] = []
    empty = 0
    items = _items(data)
    for index, item in enumerate(items, start=1):
        if progress is not None:
            progress(index - 1, len(items))
        try:
            transcript = build_transcript(reader(item))
        except BrokenConversation as exc:
            problems.append(f"{_label(index, item)}: {exc}")
            continue
        if transcript is None:
            empty += 1
        else:
            transcripts.append(transcript)
    if progress is not None:
        progress(len(items), len(items))
    return ParsedExport(kind, tuple(transcripts), tuple(problems), empty)
