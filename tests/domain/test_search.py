"""Search that forgives, on the queries learners actually type."""

from __future__ import annotations

from pathlib import Path

import pytest

from reviews.domain.search import SearchIndex, Synonyms, load_abbreviations

TITLES = [
    "AF in 10 minutes",  # 0
    "Atrial fibrillation: rate or rhythm?",  # 1
    "LITFL: ECG library",  # 2
    "Reading an electrocardiogram step by step",  # 3
    "Myocardial infarction: the first hour",  # 4
    "STEMI pathway (podcast)",  # 5
    "Heart murmurs revision video",  # 6
    "Starting a DOAC after a stroke",  # 7
    "Direct oral anticoagulants compared",  # 8
    "Acute coronary syndrome for finals",  # 9
    "Mitral regurgitation explained",  # 10
    "What to do after the exam",  # 11
]


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    groups, problems = load_abbreviations()
    assert problems == []
    return SearchIndex.build(TITLES, Synonyms(groups))


def found(index: SearchIndex, query: str) -> set[int]:
    return {int(i) for i in index.match(query).nonzero()[0]}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("AF", {0, 1}),
        ("af", {0, 1}),
        ("atrial fibrillation", {0, 1}),
        ("atrial fibrilation", {0, 1}),  # one letter missing
        ("atrail fibrillation", {0, 1}),  # two letters swapped: one edit
        ("afib", {0, 1}),
        ("ecg", {2, 3}),
        ("EKG", {2, 3}),
        ("electrocardiogram", {2, 3}),
        ("heart attack", {4}),
        ("MI", {4}),
        ("DOAC", {7, 8}),
        ("anticoagulant", {8}),  # a part of "anticoagulants"
        ("ACS", {9}),
        ("murmer", {6}),
        ("mitral", {10}),
        ("fib", {1}),  # three letters: a part of a word, as the search always did
        ("AF rate", {1}),  # every term must match
        ("AF in the elderly", set()),
    ],
)
def test_realistic_queries(index: SearchIndex, query: str, expected: set[int]) -> None:
    assert found(index, query) == expected


def test_short_words_are_exact_so_af_does_not_find_after(index: SearchIndex) -> None:
    assert 11 not in found(index, "AF")
    assert 7 in found(index, "after")


def test_an_empty_query_matches_everything(index: SearchIndex) -> None:
    assert found(index, "  ") == set(range(len(TITLES)))
    assert found(index, "the") == {4, 11}  # only small words: they are what was asked


def test_a_workbook_adds_its_own_abbreviations(tmp_path: Path) -> None:
    (tmp_path / "abbreviations.yaml").write_text("HOCM: [hypertrophic cardiomyopathy]\n")
    groups, problems = load_abbreviations(tmp_path)
    assert problems == []
    index = SearchIndex.build(["Hypertrophic cardiomyopathy in athletes"], Synonyms(groups))
    assert found(index, "hocm") == {0}


def test_a_broken_workbook_file_is_left_out_with_a_message(tmp_path: Path) -> None:
    (tmp_path / "abbreviations.yaml").write_text("- just a list\n")
    groups, problems = load_abbreviations(tmp_path)
    assert len(problems) == 1 and "is left out" in problems[0]
    assert any(g[0] == "AF" for g in groups)  # the built-in names still work
