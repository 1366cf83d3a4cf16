"""The class roster: all-or-nothing import, unguessable codes stored only as keyed hashes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reviews import PermissionDenied, Workbook
from reviews.classroom.roles import Administrator
from reviews.classroom.roster import ALPHABET, CODE_BITS, ROSTER_FILE, normalise_code
from reviews.domain.errors import ImportRowsError, NotFound, ValidationError

ADMIN = Administrator("cli:root")


@pytest.fixture
def wb(tmp_path: Path) -> Workbook:
    return Workbook.create(tmp_path / "wb", title="Cardiology block", tutors=["dr-lee"])


def test_an_import_with_bad_rows_writes_nothing_and_names_every_line(wb: Workbook) -> None:
    text = (
        "name,email,group\n"
        "Dana Scully,dana@example.org,A\n"
        "dr-l\u0435\u0435,,B\n"  # Cyrillic е: looks like the tutor
        "Fox\u2028Mulder,,B\n"
        "  dana  scully ,,A\n"  # the same person twice
        "DR-LEE,,A\n"
        ",,A\n"
        "Walter Skinner,,C\n"
    )
    with pytest.raises(ImportRowsError) as info:
        wb.roster_import(text, actor=ADMIN)
    lines = dict(info.value.problems)
    assert sorted(lines) == [3, 4, 5, 6, 7]
    assert "looks like" in lines[3] and "U+2028" in lines[4] and "line 2" in lines[5]
    assert "tutor" in lines[6] and "empty" in lines[7]
    assert not (wb.path / ROSTER_FILE).exists() and not wb.has_roster()
    assert [e.action for e in wb.audit_log()] == []


def test_an_import_needs_a_name_column(wb: Workbook) -> None:
    with pytest.raises(ValidationError, match="`name` column"):
        wb.roster_import("email\nx@example.org\n", actor=ADMIN)
    with pytest.raises(ValidationError, match="unknown column"):
        wb.roster_import("name,year\nDana,3\n", actor=ADMIN)


def test_codes_are_unique_unguessable_and_stored_only_as_keyed_hashes(wb: Workbook) -> None:
    assert CODE_BITS >= 40
    assert not set("0O1lI") & set(ALPHABET)
    names = "\n".join(f"Learner {i}" for i in range(300))
    issued = wb.roster_import("name\n" + names + "\n", actor=ADMIN)
    codes = [normalise_code(i.code) for i in issued]
    assert len(set(codes)) == 300 and all(len(c) == 10 for c in codes)
    assert all(set(c) <= set(ALPHABET) for c in codes)
    stored = (wb.path / ROSTER_FILE).read_text()
    assert not any(
        code in stored or i.code in stored for code, i in zip(codes, issued, strict=True)
    )
    assert len({r["code_hash"] for r in json.loads(stored)["learners"]}) == 300
    (event,) = wb.audit_log()
    assert event.action == "roster" and event.via == "administrator" and "300" in event.reason


def test_a_code_signs_in_its_learner_and_nobody_else(wb: Workbook) -> None:
    dana = wb.roster_add("Dana Scully", actor=ADMIN, email="d@example.org", group="A")
    fox = wb.roster_add("Fox Mulder", actor=ADMIN)
    assert wb.learner_with_code(dana.code) == dana.learner
    assert wb.learner_with_code(f" {dana.code.lower().replace('-', ' ')} ") == dana.learner
    assert wb.learner_with_code(fox.code) == fox.learner
    assert wb.learner_with_code("AAAAA-AAAAA") is None and wb.learner_with_code("") is None
    new = wb.roster_reset_code("dana scully", actor=ADMIN)
    assert wb.learner_with_code(dana.code) is None
    assert wb.learner_with_code(new.code) == new.learner
    wb.roster_remove("Fox Mulder", actor=ADMIN)
    assert wb.learner_with_code(fox.code) is None


def test_roster_changes_are_for_tutors_and_refuse_duplicates(wb: Workbook) -> None:
    with pytest.raises(PermissionDenied):
        wb.roster_add("Dana", actor="Dana")
    wb.roster_add("Dana", actor="dr-lee")
    with pytest.raises(ValidationError, match="already on the roster"):
        wb.roster_add("DANA ", actor=ADMIN)
    with pytest.raises(ValidationError, match="looks like"):
        wb.roster_add("dr-l\u0435e", actor=ADMIN)
    with pytest.raises(NotFound, match="not on the roster"):
        wb.roster_reset_code("Nobody", actor=ADMIN)
    with pytest.raises(PermissionDenied):
        wb.roster_reset_code("Dana", actor="Dana")
    assert [e.actor for e in wb.audit_log()] == ["dr-lee"]
