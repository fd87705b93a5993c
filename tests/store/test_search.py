"""Full-text search: index kept in sync, ranking, highlighted snippets, any typed text is safe."""

from __future__ import annotations

import sqlite3

import pytest

from chatui.store import MATCH_END, MATCH_START, TranscriptStore, split_marked
from chatui.store.search import build_match_query
from tests.store.conftest import fts_integrity


def _assistant(store: TranscriptStore, conversation_id: str, text: str, status: str = "complete"):  # type: ignore[no-untyped-def]
    return store.add_message(
        conversation_id, "assistant", text, provider="openai", model="gpt-4o", status=status
    )


def test_index_follows_finish_rename_and_delete(store: TranscriptStore) -> None:
    conversation = store.create_conversation("Gardening notes")
    user = store.add_message(conversation.id, "user", "How do I grow tomatoes?")
    reply = _assistant(store, conversation.id, "", status="streaming")
    store.update_streaming(reply.id, "Tomatoes need sun and basil")
    assert [h.message_id for h in store.search("basil")] == []  # streaming: not indexed yet
    store.finish_message(reply.id, "Tomatoes need sun and marigolds")
    assert [h.message_id for h in store.search("marigolds")] == [reply.id]
    assert store.search("basil") == []
    assert {h.message_id for h in store.search("tomatoes")} == {user.id, reply.id}

    assert [h.message_id for h in store.search("gardening")] == [None]
    store.rename(conversation.id, "Vegetable patch")
    assert store.search("gardening") == []
    [title_hit] = store.search("vegetable")
    assert (title_hit.conversation_id, title_hit.message_id, title_hit.role) == (
        conversation.id,
        None,
        None,
    )
    fts_integrity(store._connection())

    store.delete(conversation.id)
    assert store.search("tomatoes") == []
    assert store.search("vegetable") == []
    fts_integrity(store._connection())


def test_integrity_helper_detects_a_stale_index(store: TranscriptStore) -> None:
    """fts_integrity would catch a trigger that forgot to reindex (so the tests above can fail)."""
    conversation = store.create_conversation()
    message = store.add_message(conversation.id, "user", "original words")
    conn = store._connection()
    conn.execute("DROP TRIGGER messages_fts_update")
    conn.execute("UPDATE messages SET content = 'changed words' WHERE id = ?", (message.id,))
    with pytest.raises(sqlite3.DatabaseError):
        fts_integrity(conn)


def test_ranking_snippet_and_segments(store: TranscriptStore) -> None:
    conversation = store.create_conversation("Cooking")
    weak = store.add_message(
        conversation.id,
        "user",
        "Long text about many things: bread, flour, water, yeast, salt, ovens, timing, patience,"
        " and somewhere in the middle a single mention of sourdough among all the other words.",
    )
    strong = _assistant(store, conversation.id, "Sourdough sourdough: the sourdough starter.")
    hits = store.search("sourdough")
    assert [h.message_id for h in hits] == [strong.id, weak.id]
    assert hits[0].score > hits[1].score
    assert hits[0].role == "assistant" and hits[0].title == "Cooking"
    assert f"{MATCH_START}Sourdough{MATCH_END}" in hits[0].snippet
    assert hits[1].snippet.startswith("…") or "sourdough" in hits[1].snippet.lower()
    segments = hits[1].segments()
    assert [text for text, matched in segments if matched] == ["sourdough"]
    assert "".join(text for text, _ in segments) == hits[1].snippet.replace(
        MATCH_START, ""
    ).replace(MATCH_END, "")
    assert "[" not in hits[0].snippet  # no Rich/Textual markup


def test_snippet_is_one_line_and_diacritics_fold(store: TranscriptStore) -> None:
    conversation = store.create_conversation()
    store.add_message(conversation.id, "user", "Line one\nCafé crème\n\tindented")
    [hit] = store.search("cafe creme")
    assert "\n" not in hit.snippet and "\t" not in hit.snippet
    assert split_marked(hit.snippet) == [
        ("Line one ", False),
        ("Café", True),
        (" ", False),
        ("crème", True),
        (" indented", False),
    ]


def test_prefix_match_for_search_as_you_type(store: TranscriptStore) -> None:
    conversation = store.create_conversation()
    message = store.add_message(conversation.id, "user", "photosynthesis in plants")
    assert [h.message_id for h in store.search("photosy")] == [message.id]
    assert store.search("photosy ") == []  # a finished word is matched whole
    assert [h.message_id for h in store.search("plants photo")] == [message.id]
    assert store.search('"photosy"') == []  # a closed quoted phrase is exact


@pytest.mark.parametrize(
    "query",
    [
        '"',
        '""',
        "'",
        "AND",
        "OR",
        "NOT",
        "a AND",
        "AND b",
        "*",
        "**",
        "foo*",
        "(",
        ")",
        "(foo",
        "foo)",
        "NEAR(a b)",
        "col:foo",
        "title:x",
        "^start",
        "-x",
        "+",
        "a OR OR b",
        '"unbalanced',
        "back\\slash",
        "\x00",
        "emoji 🙂",
        "",
        "   ",
        "{a b}",
        "a:b:c",
        "*foo",
    ],
)
def test_odd_queries_never_raise(store: TranscriptStore, query: str) -> None:
    conversation = store.create_conversation("AND OR NOT")
    store.add_message(conversation.id, "user", "foo bar (baz) NEAR start AND or not x")
    hits = store.search(query)
    assert isinstance(hits, list)


def test_operators_are_searched_as_words(store: TranscriptStore) -> None:
    conversation = store.create_conversation()
    with_and = store.add_message(conversation.id, "user", "salt AND pepper")
    store.add_message(conversation.id, "user", "salt and vinegar")
    store.add_message(conversation.id, "user", "only pepper")
    negated = store.add_message(conversation.id, "user", "do not salt")
    assert {h.message_id for h in store.search("salt AND pepper")} == {with_and.id}
    # 'NOT' is a plain word (FTS5 would otherwise reject a leading NOT or exclude 'salt').
    assert {h.message_id for h in store.search("NOT salt ")} == {negated.id}


def test_build_match_query() -> None:
    assert build_match_query("") == ""
    assert build_match_query("  *** ( ) ") == ""
    assert build_match_query("hello world") == '"hello" "world"*'
    assert build_match_query("hello world ") == '"hello" "world"'
    assert build_match_query('say "hi there"') == '"say" "hi there"'
    assert build_match_query('say "hi the') == '"say" "hi the"*'
    assert build_match_query('a"b') == '"a""b"*'  # the quote is doubled inside the phrase
    assert build_match_query('"a') == '"a"'  # one letter is too short for a prefix
    assert build_match_query("x") == '"x"'  # one letter would match half the index
    assert build_match_query("AND OR") == '"AND" "OR"*'
    assert build_match_query("c++") == '"c++"'  # finished: 'c*' would match half the index
    assert build_match_query("node.js") == '"node.js"*'


def test_words_with_symbols_must_appear_as_typed(store: TranscriptStore) -> None:
    conversation = store.create_conversation("languages")
    cpp = store.add_message(conversation.id, "user", "I write C++ daily")
    store.add_message(conversation.id, "user", "plan c, or C# maybe, and cats")
    percent = store.add_message(conversation.id, "user", "100% sure, 100_000 times")
    assert [h.message_id for h in store.search("c++")] == [cpp.id]
    assert [h.message_id for h in store.search("100%")] == [percent.id]
    assert store.search("100%0") == []  # % and _ are not LIKE wildcards here


def test_snippet_is_bounded_around_the_match(store: TranscriptStore) -> None:
    conversation = store.create_conversation()
    store.add_message(conversation.id, "user", "a " * 40 + "start " + "y" * 3000 + " end")
    [hit] = store.search("yyy")
    assert len(hit.snippet) < 200 and hit.snippet.endswith("…")
    [(before, _), (match, matched)] = split_marked(hit.snippet)[:2]
    assert before.endswith("start ") and matched and match.startswith("yyy")


def test_limit_and_title_plus_message_hits(store: TranscriptStore) -> None:
    for index in range(5):
        conversation = store.create_conversation(f"zebra {index}")
        store.add_message(conversation.id, "user", "zebra stripes")
    assert len(store.search("zebra")) == 10
    assert len(store.search("zebra", limit=3)) == 3
    assert store.search("zebra", limit=0) == []
