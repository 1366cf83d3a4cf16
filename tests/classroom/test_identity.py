"""Pseudonyms are stable, tutors are marked, only tutors unmask; the join code."""

from __future__ import annotations

from pathlib import Path

import pytest

from reviews import PermissionDenied, Workbook


def test_pseudonyms_are_numbered_by_first_contribution_and_stable(wb: Workbook, resource) -> None:
    wb.submit_review(resource.id, reviewer="zoe", scores={"overall": 4})
    wb.submit_review(resource.id, reviewer="adam", scores={"overall": 2})
    wb.submit_review(resource.id, reviewer="zoe", scores={"overall": 5})
    names = Workbook.open(wb.path).pseudonyms()
    # learner-1 added the resource (the fixture), so they are Reviewer 1
    assert names == {"learner-1": "Reviewer 1", "zoe": "Reviewer 2", "adam": "Reviewer 3"}


def test_tutors_are_marked_as_tutors(wb: Workbook, resource) -> None:
    wb.submit_review(resource.id, reviewer="tutor-1", scores={"overall": 4})
    assert wb.pseudonym("tutor-1") == "Tutor tutor-1"


def test_every_kind_of_contribution_registers_its_author(wb: Workbook, resource) -> None:
    correction = wb.add_correction(resource.id, author="c", claim="x", correction="y", evidence="z")
    wb.vote(correction.id, voter="v", agree=True)
    wb.add_comment(resource.id, author="m", text="hello")
    assert set(wb.pseudonyms()) == {"learner-1", "c", "v", "m"}


def test_only_tutors_can_unmask(wb: Workbook, resource) -> None:
    wb.submit_review(resource.id, reviewer="zoe", scores={"overall": 4})
    with pytest.raises(PermissionDenied):
        wb.unmask(actor="zoe")
    assert wb.unmask(actor="tutor-1")["Reviewer 2"] == "zoe"


def test_pseudonym_of_a_newcomer_registers_them(wb: Workbook) -> None:
    assert wb.pseudonym("newbie") == "Reviewer 1"
    assert wb.pseudonym("newbie") == "Reviewer 1"
    assert [p.number for p in wb.people()] == [1]


def test_join_code_ignores_case_and_spaces(wb: Workbook) -> None:
    code = wb.config.join_code
    assert wb.check_join_code(code.lower())
    assert wb.check_join_code(f" {code[:3]} {code[3:]} ")
    assert not wb.check_join_code("WRONG1")
    assert not wb.check_join_code("")


def test_a_tutor_account_called_tutor_is_shown_once_as_tutor(tmp_path: Path) -> None:
    wb = Workbook.create(tmp_path / "wb", title="Demo", tutors=["tutor"])
    assert wb.pseudonym("tutor") == "Tutor"


def test_a_contributor_seen_once_is_not_looked_up_again(
    wb: Workbook, backend: str, resource, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Registering runs after every contribution: a known name must cost no query at all, and
    on SQL an unseen one a lookup of that name only, never the list of everyone (TinyDB's
    lookup reads the people file, which it caches)."""
    inner = wb.store.inner  # type: ignore[attr-defined]
    asked: list[object] = []
    named, records = inner.people_named, inner.records
    monkeypatch.setattr(
        inner, "people_named", lambda names: asked.append(list(names)) or named(names)
    )
    monkeypatch.setattr(inner, "records", lambda kind: asked.append(kind) or records(kind))
    get = inner.get  # nor is the resource, which this object catalogued (the fixture)
    monkeypatch.setattr(inner, "get", lambda kind, i: asked.append((kind, i)) or get(kind, i))
    wb.submit_review(resource.id, reviewer="zoe", scores={"overall": 4})
    assert asked == ([["zoe"], "people"] if backend == "tinydb" else [["zoe"]])
    asked.clear()
    wb.submit_review(resource.id, reviewer="zoe", scores={"overall": 5})
    wb.add_comment(resource.id, author="zoe", text="agreed")
    assert asked == []
    assert wb.pseudonym("zoe") == "Reviewer 2"


def test_a_name_registered_by_another_process_keeps_its_number(wb: Workbook, resource) -> None:
    other = Workbook.open(wb.path)  # another kernel, or another machine
    other.submit_review(resource.id, reviewer="zoe", scores={"overall": 4})
    wb.submit_review(resource.id, reviewer="adam", scores={"overall": 2})
    wb.submit_review(resource.id, reviewer="zoe", scores={"overall": 3})
    other.register(["adam"])
    people = Workbook.open(wb.path).people()
    assert [(p.name, p.number) for p in people] == [("learner-1", 1), ("zoe", 2), ("adam", 3)]
