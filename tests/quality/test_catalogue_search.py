"""The snapshot's SQL search (quality/catalogue_search.py) answers as the in-memory index does
(domain/search.py), on the same realistic queries, without importing numpy."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest

from reviews.domain.search import SearchIndex, Synonyms, load_abbreviations
from reviews.quality.catalogue_search import found_in, search_clause, spaced
from tests.domain.test_search import TITLES

QUERIES = [
    "AF", "af", "atrial fibrillation", "atrial fibrilation", "atrail fibrillation", "afib",
    "ecg", "EKG", "electrocardiogram", "heart attack", "MI", "DOAC", "anticoagulant", "ACS",
    "murmer", "mitral", "fib", "AF rate", "AF in the elderly", "after", "the", "  ",
    "stemi podcast", "regurgitaton",
]  # fmt: skip


@pytest.fixture(scope="module")
def synonyms() -> Synonyms:
    return Synonyms(load_abbreviations()[0])


@pytest.fixture(scope="module")
def db() -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE rows (position INTEGER, haystack TEXT)")
    conn.executemany("INSERT INTO rows VALUES (?, ?)", enumerate(spaced(t) for t in TITLES))
    return conn


def vocabulary() -> list[str]:
    return sorted({w for t in TITLES for w in spaced(t).split()})


@pytest.mark.parametrize("query", QUERIES)
def test_sql_search_finds_what_the_index_finds(
    db: sqlite3.Connection, synonyms: Synonyms, query: str
) -> None:
    index = SearchIndex.build(TITLES, synonyms)
    expected = {int(i) for i in index.match(query).nonzero()[0]}
    where, args = search_clause(query, synonyms, vocabulary)
    got = {r[0] for r in db.execute(f"SELECT position FROM rows WHERE {where}", args)}
    assert got == expected


def test_typos_are_looked_up_in_the_vocabulary_only_for_long_words() -> None:
    assert found_in("af", vocabulary()) == []  # two letters: exact only
    assert "murmurs" in found_in("murmer", vocabulary())
    assert "metal" not in found_in("mitral", ["metal"])  # the shorter word's tolerance


def test_the_learner_path_of_the_search_imports_no_numpy() -> None:
    code = (
        "import sys; from reviews.quality.catalogue_search import search_clause;"
        "from reviews.domain.search import Synonyms, load_abbreviations;"
        "search_clause('atrial fibrilation', Synonyms(load_abbreviations()[0]), lambda: ['x']);"
        "print('numpy' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
