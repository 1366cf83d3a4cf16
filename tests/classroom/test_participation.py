"""Participation per learner: counts, how corrections fared, activity over time, and names."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import pytest

from reviews import PermissionDenied, Workbook
from reviews.classroom.participation import PARTICIPATION_COLUMNS
from reviews.classroom.roles import Administrator


@pytest.fixture
def busy(wb: Workbook, resource) -> Workbook:
    """learner-1 reviews twice and corrects; learner-2 votes, comments, has a review hidden."""
    other = wb.add_resource(url="https://example.org/hf", title="HF", added_by="learner-2")
    wb.submit_review(resource.id, "learner-1", {"overall": 4})
    wb.submit_review(resource.id, "learner-1", {"overall": 5})  # an edit, not a new review
    wb.submit_review(other.id, "learner-1", {"overall": 2})
    hidden = wb.submit_review(other.id, "learner-2", {"overall": 1})
    wb.hide(hidden.id, actor="tutor-1", reason="off topic")
    verified = wb.add_correction(resource.id, "learner-1", "says A", "B", "PMID 1")
    rejected = wb.add_correction(resource.id, "learner-1", "says C", "D", "PMID 2")
    wb.add_correction(other.id, "learner-1", "says E", "F", "PMID 3")
    wb.verify_correction(verified.id, actor="tutor-1", note="right")
    wb.reject_correction(rejected.id, actor="tutor-1", note="no")
    wb.vote(verified.id, "learner-2", agree=True)
    wb.vote(verified.id, "learner-3", agree=True)
    wb.vote(rejected.id, "learner-2", agree=False)
    wb.vote(rejected.id, "learner-2", agree=True)  # a changed vote is still one vote cast
    wb.add_comment(resource.id, "learner-2", "nice")
    gone = wb.add_comment(resource.id, "learner-3", "spam")
    wb.hide(gone.id, actor="tutor-1", reason="spam")
    wb.submit_review(resource.id, "tutor-1", {"overall": 5})  # tutors are not learners
    return wb


def row(table: pd.DataFrame, who: str) -> dict:
    (found,) = table[table["learner_name"] == who].to_dict("records")
    return found


def test_counts_and_how_corrections_fared(busy: Workbook) -> None:
    table = busy.participation(actor="tutor-1", identities=True)
    assert list(table["learner_name"]) == ["learner-1", "learner-2", "learner-3"]
    one, two, three = (row(table, f"learner-{i}") for i in (1, 2, 3))
    assert (one["reviews"], one["corrections"], one["votes_cast"]) == (2, 3, 0)
    fared = ("corrections_verified", "corrections_rejected", "corrections_open")
    assert [one[k] for k in fared] == [1, 1, 1]
    assert (one["agrees_received"], one["disputes_received"]) == (3, 0)
    assert [two[k] for k in ("reviews", "reviews_hidden", "votes_cast", "comments")] == [0, 1, 2, 1]
    assert (three["comments"], three["comments_hidden"], three["votes_cast"]) == (0, 1, 1)
    assert "tutor-1" not in set(table["learner_name"])


def test_activity_times_and_weeks(busy: Workbook) -> None:
    table = busy.participation(actor="tutor-1", identities=True)
    one = row(table, "learner-1")
    assert one["first_activity"] <= one["last_activity"]
    assert one["first_activity"].tzinfo is not None
    assert one["active_weeks"] == 1
    weekly = busy.weekly_activity(actor="tutor-1", identities=True)
    week = datetime.now(UTC).isocalendar()
    mine = weekly[weekly["learner_name"] == "learner-1"].iloc[0]
    assert mine["week"] == f"{week.year}-W{week.week:02d}"
    assert (mine["reviews"], mine["corrections"], mine["total"]) == (2, 3, 5)


def test_pseudonymous_participation_names_nobody(busy: Workbook) -> None:
    table = busy.participation()
    assert list(table.columns) == PARTICIPATION_COLUMNS
    assert list(table["learner"]) == [busy.pseudonym(f"learner-{i}") for i in (1, 2, 3)]
    text = table.to_csv() + busy.weekly_activity().to_csv()
    assert "learner-" not in text


def test_real_names_are_for_tutors_and_the_administrator_only(busy: Workbook) -> None:
    for actor in ("learner-1", None, "cli:admin"):
        with pytest.raises(PermissionDenied):
            busy.participation(actor=actor, identities=True)
        with pytest.raises(PermissionDenied):
            busy.weekly_activity(actor=actor, identities=True)
    table = busy.participation(actor=Administrator("cli:admin"), identities=True)
    assert "learner-1" in set(table["learner_name"])


def test_a_roster_shows_learners_who_did_nothing(busy: Workbook) -> None:
    roster = ["learner-1", "learner-9", "tutor-1"]
    table = busy.participation(actor="tutor-1", identities=True, roster=roster)
    idle = row(table, "learner-9")
    assert idle["reviews"] == idle["votes_cast"] == idle["active_weeks"] == 0
    assert pd.isna(idle["first_activity"])
    assert idle["learner"] == "(no pseudonym yet)"
    assert "tutor-1" not in set(table["learner_name"])


def test_an_empty_workbook_has_an_empty_table(wb: Workbook) -> None:
    assert wb.participation().empty
    assert list(wb.participation().columns) == PARTICIPATION_COLUMNS
    assert wb.weekly_activity().empty
