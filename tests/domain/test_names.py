"""One canonical form of a person's name: the findings of the identity review as regressions."""

from __future__ import annotations

import re

import pytest

from reviews import Workbook
from reviews.domain.errors import ValidationError
from reviews.domain.names import BadName, canonical_name, looks_like, name_key, skeleton

# A trailing space, a no-break space and an em space: the forged-tutor cookies of issue 11.
DISGUISED_TUTOR = ["dr-lee ", "dr-lee\u00a0", "dr-lee\u2003", "\u2003dr-lee", "dr-lee\u3000"]


@pytest.mark.parametrize("raw", DISGUISED_TUTOR)
def test_spaces_of_every_kind_are_one_name(raw: str) -> None:
    assert name_key(raw) == name_key("dr-lee") == name_key("DR-LEE") == "dr-lee"


def test_the_canonical_form_is_nfkc_with_white_space_collapsed() -> None:
    assert canonical_name("  Dana\u00a0\u00a0 Scully\u2002") == "Dana Scully"
    assert canonical_name("ｄｒ－ｌｅｅ") == "dr-lee"  # full-width forms (NFKC)
    assert canonical_name("Zoe\u0301") == "Zoé"  # composed


@pytest.mark.parametrize(
    ("raw", "named"),
    [
        ("dr\u2028lee", "U+2028 LINE SEPARATOR"),
        ("dr\u2029lee", "U+2029 PARAGRAPH SEPARATOR"),
        ("dr\u0085lee", "U+0085 NEXT LINE"),
        ("eel-rd\u202e", "U+202E RIGHT-TO-LEFT OVERRIDE"),
        ("\u2066dr-lee\u2069", "U+2066 LEFT-TO-RIGHT ISOLATE"),
        ("dr\u200blee", "U+200B ZERO WIDTH SPACE"),
        ("dr\nlee", "U+000A LINE FEED"),
    ],
)
def test_invisible_line_breaking_and_bidi_characters_are_refused(raw: str, named: str) -> None:
    with pytest.raises(BadName, match=re.escape(named)):
        canonical_name(raw)
    assert name_key(raw) != name_key("dr-lee")  # and never matches anyone


def test_a_name_with_a_cyrillic_e_looks_like_the_tutor() -> None:
    cyrillic = "dr-l\u0435\u0435"  # CYRILLIC SMALL LETTER IE twice
    assert name_key(cyrillic) != name_key("dr-lee")  # not the same person...
    assert looks_like(cyrillic, "dr-lee")  # ...but the same to a reader
    assert looks_like("DR-LEE", "dr-lee") and looks_like("dr-Iee", "dr-lee")
    assert not looks_like("dr-khan", "dr-lee")
    assert skeleton("Dana") == skeleton("Dana")


def test_stored_names_are_canonical_and_refuse_bad_characters(tmp_path) -> None:
    wb = Workbook.create(tmp_path / "wb", title="T", tutors=["dr-lee\u00a0"])
    assert wb.config.tutors == ["dr-lee"]
    res = wb.add_resource("https://example.org/a", title="A", added_by="ana\u2003")
    assert res.added_by == "ana"
    with pytest.raises(ValidationError, match=re.escape("U+202E")):
        wb.submit_review(res.id, reviewer="ana\u202e", scores={"overall": 3})
    with pytest.raises(ValidationError, match=re.escape("U+2028")):
        wb.add_comment(res.id, author="ana\u2028b", text="hi")


@pytest.mark.parametrize("raw", DISGUISED_TUTOR)
def test_tutor_status_is_decided_on_the_canonical_form(tmp_path, raw: str) -> None:
    wb = Workbook.create(tmp_path / "wb", title="T", tutors=["dr-lee"])
    assert wb.is_tutor(raw) and wb.tutor_named(raw) == "dr-lee"
    res = wb.add_resource("https://example.org/a", title="A", added_by="ana")
    review = wb.submit_review(res.id, reviewer=raw, scores={"overall": 3})
    assert review.reviewer == "dr-lee"
    assert wb.pseudonym(review.reviewer) == "Tutor dr-lee"
    assert bool(wb.reviews_frame()["is_tutor"].iloc[0])
