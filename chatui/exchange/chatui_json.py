"""Export a transcript as lossless JSON, and read that JSON back (Markdown: exchange.markdown)."""

from __future__ import annotations

import dataclasses
import json
from typing import TYPE_CHECKING, Any, Final

from chatui.core import BadExport
from chatui.core.text import inert_json
from chatui.store.ids import new_id
from chatui.store.records import (
    CONVERSATION_COLUMNS,
    MESSAGE_COLUMNS,
    ROLES,
    STATUSES,
    ConversationRecord,
    MessageRecord,
    Transcript,
    attachments_from_data,
    attachments_to_data,
)

if TYPE_CHECKING:
    from chatui.store import TranscriptStore

EXPORT_FORMAT: Final = "chatui-transcript"
#: 2 added message attachments (optional when reading, so version-1 files still import).
EXPORT_VERSION: Final = 2

# Column -> accepted JSON types (None means null is allowed).
_CONVERSATION_TYPES: Final[dict[str, tuple[type | None, ...]]] = {
    "id": (str,),
    "title": (str,),
    "system_prompt": (str,),
    "settings": (dict,),
    "created_at": (float, int),
    "updated_at": (float, int),
}
_MESSAGE_TYPES: Final[dict[str, tuple[type | None, ...]]] = {
    "id": (str,),
    "conversation_id": (str,),
    "parent_id": (str, None),
    "role": (str,),
    "content": (str,),
    "reasoning": (str,),
    "provider": (str, None),
    "model": (str, None),
    "status": (str,),
    "error": (str, None),
    "input_tokens": (int, None),
    "output_tokens": (int, None),
    "cost": (float, int, None),
    "ttft": (float, int, None),
    "duration": (float, int, None),
    "created_at": (float, int),
    "updated_at": (float, int),
    "writer_pid": (int, None),
}
# checked on their own (absent from older exports)
_OPTIONAL_MESSAGE_COLUMNS: Final = ("attachments", "window_start", "stop_reason")
_MESSAGE_DEFAULTS: Final[dict[str, Any]] = {"reasoning": ""}  # may be absent (left out)
assert tuple(_CONVERSATION_TYPES) == CONVERSATION_COLUMNS
assert (*_MESSAGE_TYPES, *_OPTIONAL_MESSAGE_COLUMNS) == MESSAGE_COLUMNS


def to_json(transcript: Transcript, *, reasoning: bool = True) -> dict[str, Any]:
    """Every column of the conversation and its messages, with a format/version marker;
    lossless unless `reasoning` is False: then every message's reasoning is ""."""
    messages = [
        {**dataclasses.asdict(message), "attachments": attachments_to_data(message.attachments)}
        for message in transcript.messages
    ]
    if not reasoning:
        for message in messages:
            message["reasoning"] = ""
    return {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "conversation": dataclasses.asdict(transcript.conversation),
        "messages": messages,
    }


def json_text(data: dict[str, Any]) -> str:
    """A `to_json` document as the text of an export: indented, and inert like the Markdown
    (controls and bidi characters written as \\uXXXX escapes, so nothing is lost)."""
    return inert_json(json.dumps(data, indent=2, ensure_ascii=False)) + "\n"


def _check_fields(
    where: str,
    data: Any,
    types: dict[str, tuple[type | None, ...]],
    defaults: dict[str, Any] | None = None,
) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise BadExport(f"not a chatui export: {where} is not an object")
    values: dict[str, Any] = {}
    for name, accepted in types.items():
        if name not in data and defaults and name in defaults:
            values[name] = defaults[name]
            continue
        if name not in data:
            raise BadExport(f"not a chatui export: {where} has no {name!r}")
        value = data[name]
        ok = any(
            value is None
            if kind is None
            else isinstance(value, kind) and not isinstance(value, bool)
            for kind in accepted
        )
        if not ok:
            raise BadExport(f"not a chatui export: {where}.{name} has the wrong type")
        if float in accepted and isinstance(value, int):
            value = float(value)
        values[name] = value
    return values


def parse_json(data: Any) -> Transcript:
    """Validate an export document and turn it back into a Transcript (BadExport if invalid)."""
    if not isinstance(data, dict) or data.get("format") != EXPORT_FORMAT:
        raise BadExport(f'not a chatui export (expected "format": "{EXPORT_FORMAT}")')
    version = data.get("version")
    if not isinstance(version, int) or version < 1:
        raise BadExport('not a chatui export: missing or invalid "version"')
    if version > EXPORT_VERSION:
        raise BadExport(
            f"this export was made by a newer chatui (export version {version}); upgrade chatui"
        )
    fields = _check_fields("conversation", data.get("conversation"), _CONVERSATION_TYPES)
    conversation = ConversationRecord(**fields)
    raw_messages = data.get("messages")
    if not isinstance(raw_messages, list):
        raise BadExport('not a chatui export: "messages" is not a list')
    messages = []
    for index, raw in enumerate(raw_messages):
        fields = _check_fields(f"messages[{index}]", raw, _MESSAGE_TYPES, _MESSAGE_DEFAULTS)
        attachments = attachments_from_data(raw.get("attachments", []))
        if attachments is None:
            raise BadExport(
                f"not a chatui export: messages[{index}].attachments is not a list of"
                " {name, content, size}"
            )
        window_start = raw.get("window_start")
        if window_start is not None and not isinstance(window_start, str):
            raise BadExport(f"not a chatui export: messages[{index}].window_start is not an id")
        stop_reason = raw.get("stop_reason")
        if stop_reason is not None and not isinstance(stop_reason, str):
            raise BadExport(f"not a chatui export: messages[{index}].stop_reason is not text")
        message = MessageRecord(
            **fields, attachments=attachments, window_start=window_start, stop_reason=stop_reason
        )
        if message.conversation_id != conversation.id:
            raise BadExport(f"messages[{index}] belongs to another conversation")
        if message.role not in ROLES or message.status not in STATUSES:
            raise BadExport(f"messages[{index}] has an unknown role or status")
        messages.append(message)
    ids = {message.id for message in messages}
    if len(ids) != len(messages):
        raise BadExport("not a chatui export: two messages share an id")
    for message in messages:
        if message.parent_id is not None and message.parent_id not in ids:
            raise BadExport(f"message {message.id} refers to a parent that is not in the file")
    return Transcript(conversation, tuple(messages))


def with_new_ids(transcript: Transcript) -> Transcript:
    """The same transcript under fresh conversation and message ids (parents remapped)."""
    conversation = dataclasses.replace(transcript.conversation, id=new_id())
    mapping = {message.id: new_id() for message in transcript.messages}
    messages = tuple(
        dataclasses.replace(
            message,
            id=mapping[message.id],
            conversation_id=conversation.id,
            parent_id=mapping.get(message.parent_id) if message.parent_id else None,
        )
        for message in transcript.messages
    )
    return Transcript(conversation, messages)


def export_json(
    store: TranscriptStore, conversation_id: str, *, reasoning: bool = True
) -> dict[str, Any]:
    """A complete, lossless export (every column), marked with `format` and `version`;
    with `reasoning=False` the models' reasoning is left out (empty)."""
    return to_json(store.get_conversation(conversation_id), reasoning=reasoning)


def import_json(store: TranscriptStore, data: Any, *, new_ids: bool = False) -> ConversationRecord:
    """Import an `export_json` document exactly (ids and times kept).

    If its conversation or message ids are already stored, raise StoreError — unless
    `new_ids`, which stores a copy under fresh ids (times and content kept).
    """
    transcript = parse_json(data)
    if new_ids:
        transcript = with_new_ids(transcript)
    return store.add_transcript(transcript, "the imported conversation")
