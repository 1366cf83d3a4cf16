"""Search that forgives, as SQL over the catalogue snapshot (see :mod:`reviews.domain.search`).

The learner's kernel never holds the catalogue (:mod:`reviews.quality.snapshot`), so the
forgiving search of :class:`reviews.domain.search.SearchIndex` is answered here the same way
by the snapshot's SQLite file: each row's words are stored as `` word word … `` (spaces around
every word), and the snapshot keeps its vocabulary. A query word becomes the vocabulary words
it is *found* in (exact for one or two characters, a part of a word from three, within a few
typing mistakes from four; :func:`found_in`), looked up with plain Python and rapidfuzz's
single-pair distance, so neither numpy nor pandas is imported; abbreviations become
alternatives exactly as in the index. ``tests/quality/test_catalogue_search.py`` checks the two
give the same answers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from rapidfuzz.distance import OSA

from reviews.domain.search import STOPWORDS, Synonyms, allowed_edits, words


def spaced(text: str) -> str:
    """``text`` as the snapshot stores it for search: its words, each between spaces."""
    return " " + " ".join(words(text)) + " "


def found_in(word: str, vocabulary: Sequence[str]) -> list[str]:
    """The vocabulary words in which the query ``word`` is found, beyond a part of a word
    (which SQL tests itself): the typing mistakes of the module docstring."""
    edits = allowed_edits(word)
    if not edits:
        return []
    n = len(word)
    out = []
    for v in vocabulary:
        if word in v:
            continue  # a part of a word: instr() finds it
        theirs = allowed_edits(v)
        whole = OSA.distance(word, v, score_cutoff=2) <= min(edits, theirs)
        start = len(v) > n and OSA.distance(word, v[:n], score_cutoff=2) <= edits
        if whole or start:
            out.append(v)
    return out


def _word_clause(word: str, vocabulary: Callable[[], Sequence[str]]) -> tuple[str, list[Any]]:
    exact = f" {word} " if len(word) < 3 else word
    parts, args = ["instr(haystack, ?) > 0"], [exact]
    for v in found_in(word, vocabulary()) if allowed_edits(word) else []:
        parts.append("instr(haystack, ?) > 0")
        args.append(f" {v} ")
    return "(" + " OR ".join(parts) + ")", args


def search_clause(
    query: str, synonyms: Synonyms, vocabulary: Callable[[], Sequence[str]]
) -> tuple[str, list[Any]]:
    """A SQL condition on ``haystack`` (rows stored with :func:`spaced`) and its arguments:
    every term of ``query`` matched, each term by one of its alternative phrases, each phrase
    by all of its words. ``vocabulary`` is called only when a word may hold a typo."""
    typed = words(query)
    kept = [w for w in typed if w not in STOPWORDS] or typed
    if not kept:
        return "1", []
    clauses, args = [], []
    for term in synonyms.terms(kept):
        alternatives = []
        for phrase in term:
            every = []
            for word in phrase:
                sql, more = _word_clause(word, vocabulary)
                every.append(sql)
                args += more
            alternatives.append("(" + " AND ".join(every) + ")")
        clauses.append("(" + " OR ".join(alternatives) + ")")
    return " AND ".join(clauses), args
