"""Calibration: tutors mark reference reviews; learners are compared with them item by item."""

from __future__ import annotations

import pytest

from reviews import NotFound, PermissionDenied, Workbook
from reviews.classroom.calibration import DETAIL_COLUMNS, LEARNER_COLUMNS
from reviews.classroom.roles import Administrator

AIR = ("recency", "accuracy", "utility", "ebm", "referenced")


def air(*values: int) -> dict[str, int]:
    return dict(zip(AIR, values, strict=True))


@pytest.fixture
def marked(wb: Workbook, resource) -> Workbook:
    """A stars calibration resource: tutor 4; learner-1 4, learner-2 2, learner-3 5."""
    for learner, score in (("learner-1", 4), ("learner-2", 2), ("learner-3", 5)):
        wb.submit_review(resource.id, learner, {"overall": score})
    wb.set_calibration(resource.id, actor="tutor-1", scores={"overall": 4}, note="week 1")
    return wb


def by_name(wb: Workbook) -> dict[str, dict]:
    table = wb.calibration(actor="tutor-1", identities=True)
    return {r["learner_name"]: r for r in table.to_dict("records")}


def test_agreement_is_one_minus_the_range_normalised_distance(marked: Workbook) -> None:
    rows = by_name(marked)
    assert rows["learner-1"]["agreement"] == pytest.approx(1.0)
    assert rows["learner-1"]["bias"] == pytest.approx(0.0)
    assert rows["learner-2"]["agreement"] == pytest.approx(1 - 2 / 4)
    assert rows["learner-2"]["bias"] == pytest.approx(-0.5)  # harsher than the tutor
    assert rows["learner-3"]["distance"] == pytest.approx(0.25)
    assert rows["learner-3"]["bias"] == pytest.approx(0.25)  # more generous
    assert {r["resources"] for r in rows.values()} == {1}


def test_items_are_averaged_and_resources_weigh_equally(wb: Workbook, resource) -> None:
    other = wb.add_resource(url="https://example.org/b", title="B", added_by="learner-1")
    wb.submit_review(resource.id, "learner-1", air(5, 5, 5, 5, 2), rubric="air")
    wb.submit_review(other.id, "learner-1", air(7, 7, 7, 7, 7), rubric="air")
    wb.set_calibration(resource.id, "tutor-1", scores=air(5, 5, 5, 5, 5), rubric="air")
    wb.set_calibration(other.id, "tutor-1", scores=air(1, 1, 1, 1, 1), rubric="air")
    (row,) = wb.calibration(actor="tutor-1", identities=True).to_dict("records")
    first = (3 / 6) / 5  # one item three points off on a 1-7 scale, over five items
    second = 1.0  # every item at the opposite end of its scale
    assert row["resources"] == 2
    assert row["distance"] == pytest.approx((first + second) / 2)
    assert row["agreement"] == pytest.approx(1 - (first + second) / 2)
    assert row["bias"] == pytest.approx((-first + second) / 2)
    detail = wb.calibration_resources()
    assert list(detail["learner_reviews"]) == [1, 1]


def test_only_reviews_under_the_reference_rubric_by_learners_are_compared(
    marked: Workbook, resource
) -> None:
    marked.submit_review(resource.id, "learner-4", air(4, 4, 4, 4, 4), rubric="air")
    marked.config.tutors.append("tutor-2")
    marked.submit_review(resource.id, "tutor-2", {"overall": 1})
    names = set(by_name(marked))
    assert names == {"learner-1", "learner-2", "learner-3"}


def test_the_reference_follows_the_tutors_edits(marked: Workbook, resource) -> None:
    marked.submit_review(resource.id, "tutor-1", {"overall": 2})
    assert by_name(marked)["learner-2"]["agreement"] == pytest.approx(1.0)


def test_marking_needs_a_tutor_and_a_reference_review(marked: Workbook, resource) -> None:
    with pytest.raises(PermissionDenied):
        marked.set_calibration(resource.id, actor="learner-1", scores={"overall": 1})
    with pytest.raises(PermissionDenied):
        marked.unset_calibration(resource.id, actor="learner-1")
    other = marked.add_resource(url="https://example.org/x", title="X", added_by="learner-1")
    with pytest.raises(NotFound, match="review it first"):
        marked.set_calibration(other.id, actor="tutor-1")
    with pytest.raises(NotFound):
        marked.set_calibration("res_nothing", actor="tutor-1", scores={"overall": 3})
    assert marked.review_of(resource.id, "learner-1").scores == {"overall": 4}  # untouched


def test_marking_and_unmarking_are_in_the_audit_log(marked: Workbook, resource) -> None:
    reference = marked.review_of(resource.id, "tutor-1")
    (event,) = [e for e in marked.audit_log() if e.action == "calibrate"]
    assert (event.target_id, event.actor, event.reason) == (reference.id, "tutor-1", "week 1")
    (row,) = marked.calibration_resources().to_dict("records")
    assert (row["resource_id"], row["tutor"], row["reference_review_id"]) == (
        resource.id,
        "tutor-1",
        reference.id,
    )
    assert row["learner_reviews"] == 3
    marked.unset_calibration(resource.id, actor="tutor-1", reason="too easy")
    assert marked.calibration_resources().empty
    assert marked.calibration().empty
    assert [e.action for e in marked.audit_log()][-2:] == ["calibrate", "uncalibrate"]
    with pytest.raises(NotFound, match="not a calibration resource"):
        marked.unset_calibration(resource.id, actor="tutor-1")


def test_another_tutors_reference_replaces_the_first(marked: Workbook, resource) -> None:
    marked.config.tutors.append("tutor-2")
    marked.set_calibration(resource.id, actor="tutor-2", scores={"overall": 2})
    (row,) = marked.calibration_resources().to_dict("records")
    assert row["tutor"] == "tutor-2"
    assert by_name(marked)["learner-2"]["agreement"] == pytest.approx(1.0)


def test_a_hidden_reference_no_longer_counts(marked: Workbook, resource) -> None:
    reference = marked.review_of(resource.id, "tutor-1")
    marked.hide(reference.id, actor="tutor-1", reason="entered by mistake")
    assert marked.calibration_resources().empty


def test_names_only_for_tutors(marked: Workbook) -> None:
    table = marked.calibration()
    assert list(table.columns) == LEARNER_COLUMNS
    assert set(table["learner"]) == {marked.pseudonym(f"learner-{i}") for i in (1, 2, 3)}
    with pytest.raises(PermissionDenied):
        marked.calibration(actor="learner-1", identities=True)
    assert len(marked.calibration(actor=Administrator("cli:x"), identities=True)) == 3
    from reviews.classroom.calibration import calibration_detail

    detail = calibration_detail(marked)
    assert list(detail.columns) == DETAIL_COLUMNS
    assert "learner-1" not in detail.to_csv()
