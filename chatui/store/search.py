"""Full-text search: turning typed text into a safe FTS5 query, ranked hits with snippets."""

from __future__ import annotations

import json
import re
import sqlite3
from typing import Any

from chatui.store.queries import all_rows
from chatui.store.records import MATCH_END, MATCH_START, SearchHit, split_marked

Row = dict[str, Any]

SNIPPET_TOKENS = 16
#: A snippet is cut to about this many characters (one huge token, say a base64 blob, is one
#: "token" to FTS5), keeping at most SNIPPET_LEAD characters before the first match.
SNIPPET_CHARS = 160
SNIPPET_LEAD = 50
#: Ranking looks at the most recent RANK_WINDOW matches, so a word found in nearly every message
#: still answers in milliseconds; any query with fewer matches is ranked over all of them.
RANK_WINDOW = 400
#: Search-as-you-type matches the last word as a prefix once it has this many characters.
MIN_PREFIX = 2
_ELLIPSIS = "…"
_PIECE = re.compile(r'"([^"]*)("?)|(\S+)')
#: Characters the index drops but that make a word mean something else (`c++`, `c#`, `.net`):
#: a word holding one must also appear as typed, or `c++` would find every lone "c".
LITERAL_CHARS = frozenset("+#@$%&=/\\<>|~.")

_RANKED = """
    SELECT rowid, score FROM (
        SELECT rowid, bm25({table}) AS score FROM {table}
        WHERE {table} MATCH :query{literals} ORDER BY rowid DESC LIMIT :window
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


def _typed_terms(text: str) -> list[tuple[str, bool]]:
    """The searchable words and "quoted phrases" typed, each with whether it was left open
    (a word, or a phrase without its closing quote)."""
    terms: list[tuple[str, bool]] = []
    for match in _PIECE.finditer(text):
        phrase, closing, word = match.groups()
        term = phrase if word is None else word
        if any(char.isalnum() for char in term):
            terms.append((term, word is not None or not closing))
    return terms


def build_match_query(text: str) -> str:
    """An FTS5 MATCH expression for what a person typed; '' when nothing is searchable.

    Every word becomes a quoted phrase, so FTS5 operators (AND, OR, NOT, NEAR, *, ^, :, parens)
    are searched as plain words and never raise a syntax error. "Quoted text" stays a phrase.
    The last word matches as a prefix unless the text ends with a space, a closing quote or a
    character of LITERAL_CHARS (`c++` is finished), so results follow as the user types.
    """
    terms = _typed_terms(text)
    if not terms:
        return ""
    quoted = [_quote(term) for term, _ in terms]
    last, is_open = terms[-1]
    long_enough = len(last.strip()) >= MIN_PREFIX and last[-1] not in LITERAL_CHARS
    if is_open and long_enough and not text[-1].isspace():
        quoted[-1] += "*"
    return " ".join(quoted)


def literal_terms(text: str) -> list[str]:
    """The typed words holding LITERAL_CHARS: a hit must contain each as typed (ASCII case
    ignored), since the index only sees their letters."""
    return [term for term, _ in _typed_terms(text) if LITERAL_CHARS.intersection(term)]


def _like(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _bounded(snippet: str) -> str:
    """`snippet` cut to about SNIPPET_CHARS from a little before its first match."""
    pieces = split_marked(snippet)
    first = next((index for index, (_, matched) in enumerate(pieces) if matched), 0)
    lead = "".join(text for text, _ in pieces[:first])
    if len(lead) > SNIPPET_LEAD:
        lead = _ELLIPSIS + lead[-SNIPPET_LEAD:].lstrip()
    out, room = [lead], SNIPPET_CHARS - len(lead)
    for text, matched in pieces[first:]:
        cut = len(text) > room
        text = text[:room].rstrip() if cut else text
        room -= len(text)
        out.append(f"{MATCH_START}{text}{MATCH_END}" if matched else text)
        if cut:
            out.append(_ELLIPSIS)
            break
    return "".join(out)


def _ranked(
    conn: sqlite3.Connection, table: str, column: str, query: str, literals: list[str], limit: int
) -> list[Row]:
    params: dict[str, object] = {"query": query, "window": max(RANK_WINDOW, limit), "limit": limit}
    where = ""
    for index, term in enumerate(literals):
        params[f"literal{index}"] = _like(term)
        where += f" AND {column} LIKE :literal{index} ESCAPE '\\'"
    return all_rows(conn, _RANKED.format(table=table, literals=where), ("rowid", "score"), params)


def _snippets(conn: sqlite3.Connection, sql: str, query: str, rows: list[Row]) -> dict[int, str]:
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
    return {
        row["rowid"]: _bounded(" ".join(row["snippet"].split()))
        for row in all_rows(conn, sql, ("rowid", "snippet"), params)
    }


def _info(
    conn: sqlite3.Connection, sql: str, columns: tuple[str, ...], rows: list[Row]
) -> dict[int, Row]:
    if not rows:
        return {}
    seqs = [row["rowid"] for row in rows]
    result = all_rows(conn, sql.format(marks=", ".join("?" * len(seqs))), columns, seqs)
    return {info["seq"]: info for info in result}


def search(conn: sqlite3.Connection, text: str, limit: int = 50) -> list[SearchHit]:
    """Ranked hits over message content and conversation titles, best first."""
    query, literals = build_match_query(text), literal_terms(text)
    if not query or limit <= 0:
        return []
    hits: list[SearchHit] = []
    titles = _ranked(conn, "conversations_fts", "title", query, literals, limit)
    title_info = _info(conn, _TITLE_INFO, ("seq", "id", "title"), titles)
    title_snippets = _snippets(conn, _TITLE_SNIPPETS, query, titles)
    for row in titles:
        info = title_info[row["rowid"]]
        snippet = title_snippets.get(row["rowid"], "")
        hits.append(SearchHit(info["id"], info["title"], None, None, snippet, -row["score"]))
    messages = _ranked(conn, "messages_fts", "content", query, literals, limit)
    message_info = _info(
        conn, _MESSAGE_INFO, ("seq", "id", "conversation_id", "role", "title"), messages
    )
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
