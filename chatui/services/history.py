"""The saved conversations for the history screen and `chatui history`: one service for both."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chatui.core import StoreError
from chatui.core.text import inert
from chatui.exchange.chatui_json import parse_json, with_new_ids
from chatui.exchange.importers import (
    KINDS,
    ParsedExport,
    Progress,
    detect,
    parse_export,
    read_export,
)
from chatui.services.exports import export_conversation, export_text, write_private
from chatui.services.trash import Deleted, Trash
from chatui.store import ConversationSummary, SearchHit, Transcript, TranscriptStore

__all__ = [
    "ConversationSummary",
    "Deleted",
    "History",
    "ImportReport",
    "PendingImport",
    "SearchHit",
    "one_line",
    "title_line",
]

#: `best_hits` reads this many hits per conversation it may return (one can match many times).
HITS_PER_CONVERSATION = 5
#: At most this many imported conversations are listed one per line.
LISTED = 20
_WHITESPACE = re.compile(r"\s+")


def one_line(text: str) -> str:
    """A title, preview or piece of a snippet as one inert line: no controls, no line breaks
    (its spaces at either end kept, as a piece of a line needs them)."""
    return inert(_WHITESPACE.sub(" ", text))


def title_line(title: str) -> str:
    """A conversation's title as shown in a list: one trimmed line, "(untitled)" if empty."""
    return one_line(title).strip() or "(untitled)"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


@dataclass(frozen=True, slots=True)
class PendingImport:
    """An export file read and recognised, not stored yet; `problems` name what is unreadable."""

    source: str
    kind: str  # a key of KINDS
    data: Any  # the chatui export document (kind "chatui"), else None
    parsed: ParsedExport | None  # the ChatGPT or Claude conversations

    @property
    def problems(self) -> tuple[str, ...]:
        return self.parsed.problems if self.parsed is not None else ()


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What an import did, in words: a summary line, the conversations stored (short id, label),
    a line for those not listed and one for those skipped (empty strings when none)."""

    summary: str
    listed: list[tuple[str, str]] = field(default_factory=list)
    more: str = ""
    skipped: str = ""


class History:
    """Listing, search, rename, delete and undo, export and import of saved conversations.

    Every method does store I/O: the TUI calls them in a worker thread, the CLI directly.
    Errors are StoreError (NotFound and AmbiguousId for ids) or BadExport, with a message for
    the user. Deletions are kept (in `trash`) for as long as this object lives, for `undo`."""

    def __init__(self, store: TranscriptStore) -> None:
        self.store = store
        self.trash = Trash()

    def page(self, limit: int, offset: int = 0) -> list[ConversationSummary]:
        """Conversation summaries, most recently updated first."""
        return self.store.list_conversations(limit, offset)

    def search(self, query: str, limit: int) -> list[SearchHit]:
        """Ranked full-text hits in titles and messages, several per conversation."""
        return self.store.search(query, limit)

    def best_hits(self, query: str, limit: int) -> list[SearchHit]:
        """At most `limit` hits, one per conversation (its best), best conversation first."""
        best: dict[str, SearchHit] = {}
        for hit in self.store.search(query, limit * HITS_PER_CONVERSATION):
            best.setdefault(hit.conversation_id, hit)
        return list(best.values())[:limit]

    def short_ids(self, ids: list[str]) -> dict[str, str]:
        """For each id, its shortest prefix (8 characters or more) that names it alone."""
        return self.store.short_ids(ids)

    def resolve(self, typed: str) -> str:
        """The full id of the one conversation whose id starts with `typed`.

        NotFound says when `typed` is not an id or names none; AmbiguousId lists two matches."""
        return self.store.resolve_id(typed)

    def transcript(self, conversation_id: str) -> Transcript:
        return self.store.get_conversation(conversation_id)

    def transcript_tail(self, conversation_id: str, limit: int) -> tuple[Transcript, bool]:
        """The newest `limit` messages of the branch it opens on, and whether that is all."""
        return self.store.get_conversation_tail(conversation_id, limit)

    def rename(self, conversation_id: str, title: str) -> None:
        self.store.rename(conversation_id, title.strip())

    def delete(self, conversation_id: str) -> Deleted:
        """Delete a conversation, keeping a complete copy for `undo`."""
        return self.trash.delete(self.store, conversation_id)

    def undo(self) -> Deleted | None:
        """Store the newest deletion again (same ids and times); None when there is none."""
        return self.trash.undo(self.store)

    @property
    def deleted(self) -> list[Deleted]:
        """The deletions `undo` can still restore, oldest first."""
        return self.trash.items

    def export_text(
        self,
        conversation_id: str,
        kind: str,
        *,
        reasoning: bool = False,
        others_hint: str | None = None,
    ) -> str:
        """The conversation as inert `kind` ("md" or "json") text, the models' reasoning only
        if `reasoning`: the same into a file, a pipe or a terminal. Markdown given
        `others_hint` holds only the branch it opens on, and says how to see the others."""
        return export_text(
            self.store, conversation_id, kind, reasoning=reasoning, others_hint=others_hint
        )

    def export_to(
        self, conversation_id: str, kind: str, path: str, *, reasoning: bool = False
    ) -> None:
        """Write the export to `path`, readable by the user only; StoreError if it cannot."""
        write_private(path, self.export_text(conversation_id, kind, reasoning=reasoning))

    def export_into(self, conversation_id: str, kind: str, directory: Path) -> Path:
        """Write the export into `directory` under a new readable name; returns its path."""
        return export_conversation(self.store, conversation_id, kind, directory)

    def read_import(
        self, raw: bytes, source: str, progress: Progress | None = None
    ) -> PendingImport:
        """Recognise a chatui, ChatGPT or Claude export (JSON or .zip); BadExport if it is not one.

        Nothing is stored: a ChatGPT or Claude conversation that cannot be read is in `problems`.
        `progress` hears (conversations read, total)."""
        data = read_export(raw, source)
        kind = detect(data, source)
        if kind == "chatui":
            return PendingImport(source, kind, data, None)
        return PendingImport(source, kind, None, parse_export(data, kind, progress))

    def store_import(
        self, pending: PendingImport, *, new_ids: bool = False, progress: Progress | None = None
    ) -> ImportReport:
        """Store what `read_import` recognised (all or nothing) and say what was done.

        A chatui export whose ids are stored already is refused unless `new_ids`; of a ChatGPT
        or Claude conversation imported before, only new messages are stored. `progress`
        hears (conversations stored, total)."""
        if pending.parsed is None:
            try:
                transcript = parse_json(pending.data)
                if new_ids:
                    transcript = with_new_ids(transcript)
                record = self.store.add_transcript(transcript, "the imported conversation")
            except StoreError as exc:
                raise type(exc)(f"{pending.source}: {exc.message}") from exc
            count = len(pending.data.get("messages", []))
            return ImportReport(
                f"Imported {record.id} ({count} messages): {title_line(record.title)}"
            )
        return self._store_parsed(pending.parsed, progress)

    def _store_parsed(self, parsed: ParsedExport, progress: Progress | None) -> ImportReport:
        kind = KINDS[parsed.kind]
        outcome = self.store.import_transcripts(parsed.transcripts, progress)
        older = len(outcome.unmatched)
        skipped = [
            f"{len(outcome.skipped)} already imported" if outcome.skipped else "",
            f"{older} already in the history without any of these messages (imported by an"
            " older chatui, or from another export: delete"
            f" {'it' if older == 1 else 'them'} and import again to replace"
            f" {'it' if older == 1 else 'them'})"
            if older
            else "",
            f"{parsed.empty} without messages" if parsed.empty else "",
            f"{len(parsed.problems)} that could not be read" if parsed.problems else "",
        ]
        skipped_line = f"Skipped {', '.join(p for p in skipped if p)}." if any(skipped) else ""
        changed = [*outcome.stored, *outcome.updated]
        if not changed:
            return ImportReport(
                f"Nothing new to import from this {kind} export.", skipped=skipped_line
            )
        done = []
        if outcome.stored:
            messages = sum(len(t.messages) for t in outcome.stored)
            stored = _plural(len(outcome.stored), "conversation")
            done.append(f"Imported {stored} ({_plural(messages, 'message')})")
        if outcome.updated:
            added = sum(len(t.messages) for t in outcome.updated)
            done.append(f"{len(outcome.updated)} updated: {_plural(added, 'new message')}")
        summary = f"{', '.join(done)}{',' if outcome.updated else ''} from a {kind} export:"
        short = self.short_ids([t.conversation.id for t in changed[:LISTED]])
        grown = {t.conversation.id for t in outcome.updated}
        listed = []
        for t in changed[:LISTED]:
            noun = "new message" if t.conversation.id in grown else "message"
            label = f"{title_line(t.conversation.title)} ({_plural(len(t.messages), noun)})"
            listed.append((short[t.conversation.id], label))
        more = (
            f"… and {len(changed) - LISTED} more (see `chatui history`)"
            if len(changed) > LISTED
            else ""
        )
        return ImportReport(summary, listed, more, skipped_line)
