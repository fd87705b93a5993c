"""Full-text search: turning typed text into a safe FTS5 query, ranked hits with snippets."""

from __future__ import annotations

import re
import sqlite3

from chatui.store.records import MATCH_END, MATCH_START, SearchHit

SNIPPET_TOKENS = 16
_ELLIPSIS = "…"
_PIECE = re.compile(r'"([^"]*)("?)|(\S+)')

_MESSAGE_HITS = """
    WITH hits AS (
        SELECT rowid, snippet(messages_fts, 0, :start, :end, :ellipsis, :tokens) AS snippet, rank
        FROM messages_fts WHERE messages_fts MATCH :query ORDER BY rank LIMIT :limit
    )
    SELECT m.id AS message_id, m.conversation_id, m.role, c.title, hits.snippet, hits.rank
    FROM hits
    JOIN messages AS m ON m.seq = hits.rowid
    JOIN conversations AS c ON c.id = m.conversation_id
    ORDER BY hits.rank
"""

_TITLE_HITS = """
    WITH hits AS (
        SELECT rowid, highlight(conversations_fts, 0, :start, :end) AS snippet, rank
        FROM conversations_fts WHERE conversations_fts MATCH :query ORDER BY rank LIMIT :limit
    )
    SELECT c.id AS conversation_id, c.title, hits.snippet, hits.rank
    FROM hits JOIN conversations AS c ON c.seq = hits.rowid
    ORDER BY hits.rank
"""


def _quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def build_match_query(text: str) -> str:
    """An FTS5 MATCH expression for what a person typed; '' when nothing is searchable.

    Every word becomes a quoted phrase, so FTS5 operators (AND, OR, NOT, NEAR, *, ^, :, parens)
    are searched as plain words and never raise a syntax error. "Quoted text" stays a phrase.
    The last word matches as a prefix unless the text ends with a space or a closing quote, so
    results follow as the user types.
    """
    terms: list[str] = []
    last_is_open = False
    for match in _PIECE.finditer(text):
        phrase, closing, word = match.groups()
        term = phrase if word is None else word
        if not any(char.isalnum() for char in term):
            continue
        terms.append(_quote(term))
        last_is_open = word is not None or not closing
    if not terms:
        return ""
    if last_is_open and text and not text[-1].isspace():
        terms[-1] += "*"
    return " ".join(terms)


def _one_line(snippet: str) -> str:
    return " ".join(snippet.split())


def search(conn: sqlite3.Connection, text: str, limit: int = 50) -> list[SearchHit]:
    """Ranked hits over message content and conversation titles, best first."""
    query = build_match_query(text)
    if not query or limit <= 0:
        return []
    params = {
        "start": MATCH_START,
        "end": MATCH_END,
        "ellipsis": _ELLIPSIS,
        "tokens": SNIPPET_TOKENS,
        "query": query,
        "limit": limit,
    }
    hits = [
        SearchHit(
            conversation_id=row["conversation_id"],
            title=row["title"],
            message_id=None,
            role=None,
            snippet=_one_line(row["snippet"]),
            score=-row["rank"],
        )
        for row in conn.execute(_TITLE_HITS, params)
    ]
    hits.extend(
        SearchHit(
            conversation_id=row["conversation_id"],
            title=row["title"],
            message_id=row["message_id"],
            role=row["role"],
            snippet=_one_line(row["snippet"]),
            score=-row["rank"],
        )
        for row in conn.execute(_MESSAGE_HITS, params)
    )
    hits.sort(key=lambda hit: hit.score, reverse=True)
    return hits[:limit]
