"""Patient identifiers are spotted before saving; the stuff of corrections is left alone."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reviews.domain.privacy import LABELS, find_identifiers


def kinds(text: str) -> list[tuple[str, str]]:
    return [(f.kind, f.match) for f in find_identifiers(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("DOB 03/04/1961", [("date_of_birth", "DOB 03/04/1961")]),
        ("d.o.b.: 1961-04-03", [("date_of_birth", "d.o.b.: 1961-04-03")]),
        ("she was born on 3rd April 1961", [("date_of_birth", "born on 3rd April 1961")]),
        ("date of birth April 3, 1961", [("date_of_birth", "date of birth April 3, 1961")]),
        ("admitted 12/03/2021", [("full_date", "12/03/2021")]),
        ("NHS number 943 476 5919", [("nhs_number", "943 476 5919")]),
        ("9434765919", [("nhs_number", "9434765919")]),
        ("MRN: A1234567", [("record_number", "MRN: A1234567")]),
        ("hospital no 12345678", [("record_number", "hospital no 12345678")]),
        ("ref 88812345", [("long_number", "88812345")]),
        ("1234567890", [("long_number", "1234567890")]),  # fails the NHS check digit
        ("call 07700 900123", [("phone", "07700 900123")]),
        ("+44 20 7946 0958", [("phone", "+44 20 7946 0958")]),
        ("(555) 123-4567", [("phone", "(555) 123-4567")]),
        ("write to j.smith@nhs.net", [("email", "j.smith@nhs.net")]),
        ("Mr Smith had chest pain", [("name", "Mr Smith")]),
        ("Mr Smith's ECG", [("name", "Mr Smith")]),
        ("Mrs. O'Brien and Ms McDonald", [("name", "Mrs. O'Brien"), ("name", "Ms McDonald")]),
        ("the patient John Doe", [("name", "patient John Doe")]),
        ("a patient called Anne-Marie", [("name", "patient called Anne-Marie")]),
    ],
)
def test_identifiers_are_found(text: str, expected: list[tuple[str, str]]) -> None:
    assert kinds(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "PMID: 34447992",
        "PMID 34447992 and PMCID: PMC8412345",
        "https://doi.org/10.1093/eurheartj/ehab368",
        "https://pubmed.ncbi.nlm.nih.gov/34447992/",
        "NICE NG196 (2021), section 1.7.12",
        "At 04:10 and again at 1:02:33 the presenter says so",
        "Updated 2023-03-01; ESC 2021 guideline",
        "2.5 mg twice daily, max 1000 mg",
        "https://youtube.com/watch?v=dQw4w9WgXcQ",
        "Patient Safety Alert; Patient Information leaflet",
        "The patient was breathless; patient X and patient A",
        "ISBN 9780199689835",
    ],
)
def test_what_corrections_are_made_of_is_not_flagged(text: str) -> None:
    assert kinds(text) == []


def test_one_stretch_of_text_is_reported_once() -> None:
    found = find_identifiers("Mr Smith, DOB 03/04/1961, NHS 943 476 5919, 07700 900123")
    assert [f.kind for f in found] == ["name", "date_of_birth", "nhs_number", "phone"]
    spans = [(f.start, f.end) for f in found]
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))


def test_every_kind_has_a_label_for_the_learner() -> None:
    found = find_identifiers("Mr Smith j@x.org 12/03/2021 MRN 1234567 9434765919 07700 900123")
    assert {f.kind for f in found} <= set(LABELS)
    assert all(f.label for f in found)


@given(st.text(max_size=300))
def test_findings_point_at_the_text_they_quote(text: str) -> None:
    for finding in find_identifiers(text):
        assert text[finding.start : finding.end] == finding.match
        assert finding.kind in LABELS
