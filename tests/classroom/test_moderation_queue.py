"""The moderation queue puts patient safety and confidentiality first; the audit log reads
as a table. Both are for tutors only."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from reviews import PermissionDenied, Workbook
from reviews.classroom.moderation_queue import AUDIT_COLUMNS, QUEUE_COLUMNS


@pytest.fixture
def busy(wb: Workbook, resource) -> Workbook:
    """In order of creation: a comment, a minor correction (later disputed), a flagged review,
    a new correction, a confidentiality flag, a patient-safety correction, a decided one."""
    wb.add_comment(resource.id, "learner-1", "first!")
    disputed = wb.add_correction(resource.id, "learner-1", "A", "B", "PMID 1")
    wb.vote(disputed.id, "learner-2", agree=False)
    wb.submit_review(resource.id, "learner-3", {"overall": 2}, flags=["outdated"])
    wb.add_correction(resource.id, "learner-2", "C", "D", "PMID 2", severity="major")
    other = wb.add_resource(url="https://example.org/case", title="A case", added_by="learner-4")
    wb.submit_review(other.id, "learner-4", {"overall": 1}, flags=["confidentiality", "outdated"])
    wb.add_correction(other.id, "learner-5", "E", "F", "PMID 3", severity="patient-safety")
    done = wb.add_correction(other.id, "learner-5", "G", "H", "PMID 4")
    wb.verify_correction(done.id, actor="tutor-1", note="yes")
    wb.add_comment(disputed.id, "learner-6", "I disagree")
    return wb


def test_the_most_urgent_items_come_first(busy: Workbook) -> None:
    queue = busy.moderation_queue(actor="tutor-1")
    assert list(queue.columns) == QUEUE_COLUMNS
    assert list(queue["category"]) == [
        "patient-safety",
        "confidentiality",
        "new correction",
        "disputed correction",
        "flagged review",
        "comment",
        "comment",
    ]
    assert list(queue["text"].iloc[-2:]) == ["I disagree", "first!"]  # newest comment first
    assert queue.iloc[1]["flags"] == "confidentiality, outdated"
    assert queue.iloc[1]["resource_title"] == "A case"
    assert queue.iloc[3]["dispute"] == 1
    assert queue.iloc[6]["resource_title"] == "Atrial fibrillation"  # a comment on a correction
    assert "learner-" not in queue.to_csv()


def test_dealt_with_items_leave_the_queue(busy: Workbook) -> None:
    queue = busy.moderation_queue(actor="tutor-1")
    safety = queue.iloc[0]["target_id"]
    review = queue.iloc[1]["target_id"]
    busy.reject_correction(safety, actor="tutor-1", note="not a safety issue")
    busy.hide(review, actor="tutor-1", reason="identifies a patient")
    left = busy.moderation_queue(actor="tutor-1")
    assert {safety, review} & set(left["target_id"]) == set()
    assert left.iloc[0]["category"] == "new correction"


def test_since_keeps_only_newer_items(busy: Workbook) -> None:
    later = datetime.now(UTC)
    assert busy.moderation_queue(actor="tutor-1", since=later).empty
    busy.add_comment(busy.resources()[0].id, "learner-7", "new here")
    (row,) = busy.moderation_queue(actor="tutor-1", since=later).to_dict("records")
    assert row["text"] == "new here"


def test_the_audit_log_as_a_table(busy: Workbook) -> None:
    review = busy.moderation_queue(actor="tutor-1").iloc[1]["target_id"]
    busy.hide(review, actor="tutor-1", reason="identifies a patient")
    table = busy.audit_table(actor="tutor-1")
    assert list(table.columns) == AUDIT_COLUMNS
    newest = table.iloc[0]
    assert (newest["action"], newest["kind"], newest["resource_title"], newest["reason"]) == (
        "hide",
        "review",
        "A case",
        "identifies a patient",
    )
    assert list(table["action"]) == ["hide", "verify"]
    assert table["at"].is_monotonic_decreasing


def test_both_are_for_tutors_only(busy: Workbook) -> None:
    for actor in ("learner-1", "cli:root"):
        with pytest.raises(PermissionDenied):
            busy.moderation_queue(actor=actor)
        with pytest.raises(PermissionDenied):
            busy.audit_table(actor=actor)
    named = busy.moderation_queue(actor="tutor-1", identities=True)
    assert named.iloc[0]["author_name"] == "learner-5"


def test_an_empty_workbook_has_an_empty_queue(wb: Workbook) -> None:
    assert wb.moderation_queue(actor="tutor-1").empty
    assert wb.audit_table(actor="tutor-1").empty
