"""Full-text search: turning typed text into a safe FTS5 query, ranked hits with snippets."""

from __future__ import annotations

import json
import re
import sqlite3

from chatui.store.records import MATCH_END, MATCH_START, SearchHit

SNIPPET_TOKENS = 16
#: Ranking looks at the most recent RANK_WINDOW matches, so a word found in nearly every message
#: still answers in milliseconds; any query with fewer matches is ranked over all of them.
RANK_WINDOW = 400
#: Search-as-you-type matches the last word as a prefix once it has this many characters.
MIN_PREFIX = 2
_ELLIPSIS = "…"
_PIECE = re.compile(r'"([^"]*)("?)|(\S+)')

_RANKED = """
    SELECT rowid, score FROM (
        SELECT rowid, bm25({table}) AS score FROM {table}
        WHERE {table} MATCH :query ORDER BY rowid DESC LIMIT :window
    ) ORDER BY score, rowid DESC LIMIT :limit
"""
# One pass over the matches (narrowed to the hits' rowid range) for all snippets. `rowid + 0`
# stops SQLite from turning the IN list into one FTS5 seek per hit: with a prefix query each
# seek rebuilds the merged doclist, which made 50 snippets cost 50 full scans.
_MESSAGE_SNIPPETS = """
    SELECT rowid, snippet(messages_fts, 0, :start, :end, :ellipsis, :tokens) AS snippet
    FROM messages_fts
    WHERE messages_fts MATCH :query AND rowid BETWEEN :low AND :high
        AND rowid + 0 IN (SELECT value FROM json_each(:rowids))
"""
_TITLE_SNIPPETS = """
    SELECT rowid, highlight(conversations_fts, 0, :start, :end) AS snippet FROM conversations_fts
    WHERE conversations_fts MATCH :query AND rowid BETWEEN :low AND :high
        AND rowid + 0 IN (SELECT value FROM json_each(:rowids))
"""
_MESSAGE_INFO = """
    SELECT m.seq, m.id, m.conversation_id, m.role, c.title
    FROM messages AS m JOIN conversations AS c ON c.id = m.conversation_id
    WHERE m.seq IN ({marks})
"""
_TITLE_INFO = "SELECT seq, id, title FROM conversations WHERE seq IN ({marks})"


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
        last_is_open = (word is not None or not closing) and len(term.strip()) >= MIN_PREFIX
    if not terms:
        return ""
    if last_is_open and not text[-1].isspace():
        terms[-1] += "*"
    return " ".join(terms)


def _ranked(conn: sqlite3.Connection, table: str, query: str, limit: int) -> list[sqlite3.Row]:
    params = {"query": query, "window": max(RANK_WINDOW, limit), "limit": limit}
    return conn.execute(_RANKED.format(table=table), params).fetchall()


def _snippets(
    conn: sqlite3.Connection, sql: str, query: str, rows: list[sqlite3.Row]
) -> dict[int, str]:
    """Highlighted snippets (one line each) for the given hits, by rowid."""
    if not rows:
        return {}
    rowids = [row["rowid"] for row in rows]
    params = {
        "start": MATCH_START,
        "end": MATCH_END,
        "ellipsis": _ELLIPSIS,
        "tokens": SNIPPET_TOKENS,
        "query": query,
        "rowids": json.dumps(rowids),
        "low": min(rowids),
        "high": max(rowids),
    }
    return {row["rowid"]: " ".join(row["snippet"].split()) for row in conn.execute(sql, params)}


def _info(conn: sqlite3.Connection, sql: str, rows: list[sqlite3.Row]) -> dict[int, sqlite3.Row]:
    if not rows:
        return {}
    seqs = [row["rowid"] for row in rows]
    result = conn.execute(sql.format(marks=", ".join("?" * len(seqs))), seqs)
    return {info["seq"]: info for info in result}


def search(conn: sqlite3.Connection, text: str, limit: int = 50) -> list[SearchHit]:
    """Ranked hits over message content and conversation titles, best first."""
    query = build_match_query(text)
    if not query or limit <= 0:
        return []
    hits: list[SearchHit] = []
    titles = _ranked(conn, "conversations_fts", query, limit)
    title_info = _info(conn, _TITLE_INFO, titles)
    title_snippets = _snippets(conn, _TITLE_SNIPPETS, query, titles)
    for row in titles:
        info = title_info[row["rowid"]]
        snippet = title_snippets.get(row["rowid"], "")
        hits.append(SearchHit(info["id"], info["title"], None, None, snippet, -row["score"]))
    messages = _ranked(conn, "messages_fts", query, limit)
    message_info = _info(conn, _MESSAGE_INFO, messages)
    message_snippets = _snippets(conn, _MESSAGE_SNIPPETS, query, messages)
    for row in messages:
        info = message_info[row["rowid"]]
        snippet = message_snippets.get(row["rowid"], "")
        hits.append(
            SearchHit(
                info["conversation_id"],
                info["title"],
                info["id"],
                info["role"],
                snippet,
                -row["score"],
            )
        )
    hits.sort(key=lambda hit: hit.score, reverse=True)
    return hits[:limit]
