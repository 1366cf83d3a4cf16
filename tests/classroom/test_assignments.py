"""Assigned reviews: the allocation is balanced, honours its constraints and is repeatable;
the workbook stores, audits, withdraws and reports it."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from reviews import PermissionDenied, Workbook
from reviews.classroom.assignments import allocate
from reviews.classroom.roles import Administrator
from reviews.domain.errors import ValidationError

LEARNERS = [f"learner-{i:02d}" for i in range(1, 13)]
RESOURCES = [f"res-{i}" for i in range(1, 9)]


def loads(pairs: list[tuple[str, str]]) -> tuple[Counter[str], Counter[str]]:
    return Counter(learner for learner, _ in pairs), Counter(res for _, res in pairs)


def test_every_learner_gets_n_and_resources_are_balanced() -> None:
    pairs = allocate(LEARNERS, RESOURCES, 2, minimum=3, seed=1)
    per_learner, per_resource = loads(pairs)
    assert set(per_learner.values()) == {2}
    assert len(set(pairs)) == len(pairs)  # never the same resource twice to one learner
    assert max(per_resource.values()) - min(per_resource.values()) <= 1
    assert set(per_resource) == set(RESOURCES)  # 24 reviews over 8 resources: 3 each


def test_resources_short_of_the_minimum_come_first() -> None:
    # res-1..res-4 already have 3 reviews (by people outside this allocation): the four
    # learners' eight reviews go to the other four resources, two each, reaching the minimum.
    outsiders = {f"old-{i}": RESOURCES[:4] for i in range(3)}
    pairs = allocate(["a", "b", "c", "d"], RESOURCES, 2, minimum=2, reviewed=outsiders, seed=3)
    _, per_resource = loads(pairs)
    assert set(per_resource) == set(RESOURCES[4:])
    assert set(per_resource.values()) == {2}


def test_never_own_additions_nor_already_reviewed() -> None:
    authors = {"res-1": "learner-01", "res-2": "learner-01"}
    reviewed = {"learner-02": {"res-3", "res-4"}}
    pairs = allocate(LEARNERS, RESOURCES, 5, minimum=3, authors=authors, reviewed=reviewed)
    assert not {("learner-01", "res-1"), ("learner-01", "res-2")} & set(pairs)
    assert not {("learner-02", "res-3"), ("learner-02", "res-4")} & set(pairs)
    assert set(loads(pairs)[0].values()) == {5}


def test_fewer_when_too_few_are_eligible() -> None:
    pairs = allocate(["a"], ["r1", "r2", "r3"], 5, minimum=1, authors={"r1": "a"})
    assert sorted(pairs) == [("a", "r2"), ("a", "r3")]


def test_within_groups_each_group_covers_the_resources() -> None:
    groups = {name: "A" if i < 6 else "B" for i, name in enumerate(LEARNERS)}
    pairs = allocate(LEARNERS, RESOURCES, 4, minimum=3, groups=groups, seed=5)
    for group in ("A", "B"):
        mine = [(learner, res) for learner, res in pairs if groups[learner] == group]
        _, per_resource = loads(mine)
        assert set(per_resource) == set(RESOURCES)  # 24 reviews per group: 3 per resource
        assert set(per_resource.values()) == {3}


def test_the_same_seed_gives_the_same_allocation() -> None:
    first = allocate(LEARNERS, RESOURCES, 3, minimum=3, seed=42)
    assert allocate(LEARNERS, RESOURCES, 3, minimum=3, seed=42) == first
    assert allocate(LEARNERS, RESOURCES, 3, minimum=3, seed=43) != first


@pytest.mark.parametrize("n", [0, -1, 101])
def test_a_silly_number_is_refused(n: int) -> None:
    with pytest.raises(ValidationError):
        allocate(LEARNERS, RESOURCES, n, minimum=3)


@pytest.fixture
def classroom(wb: Workbook) -> Workbook:
    for i in range(6):
        wb.add_resource(f"https://example.org/r{i}", title=f"R{i}", added_by="learner-1")
    for learner in ("learner-1", "learner-2", "learner-3"):
        wb.register([learner])
    return wb


def test_the_workbook_stores_audits_and_reports_assignments(classroom: Workbook) -> None:
    due = datetime(2030, 3, 1, 17, tzinfo=UTC)
    made = classroom.assign(2, actor="tutor-1", due=due, seed=1)
    assert len(made) == 4 and {a.due for a in made} == {due}
    assert all(a.learner != "learner-1" for a in made)  # learner-1 added every resource...
    # ...so learner-1 gets nothing, and the two others two each
    assert Counter(a.learner for a in made) == {"learner-2": 2, "learner-3": 2}
    event = classroom.audit_log()[-1]
    assert (event.action, event.actor, event.target_id) == ("assign", "tutor-1", made[0].batch)
    assert "reviews assigned to" in event.reason

    first = made[0]
    classroom.submit_review(first.resource_id, first.learner, {"overall": 4})
    progress = classroom.assignment_progress(first.learner)
    assert [done for _, done in progress] == [False, True]  # what is left comes first
    table = classroom.assignment_table("tutor-1", identities=True)
    assert int(table["done"].sum()) == 1 and not table["overdue"].any()
    assert set(table["learner"]) <= set(classroom.pseudonyms().values())
    part = classroom.participation(actor="tutor-1", identities=True)
    row = part[part["learner_name"] == first.learner].iloc[0]
    assert (row["assigned"], row["assigned_done"]) == (2, 1)

    classroom.withdraw_assignments(first.batch, actor="tutor-1", reason="wrong week")
    assert classroom.assignments() == []
    assert classroom.audit_log()[-1].action == "unassign"


def test_assigning_again_adds_different_resources(classroom: Workbook) -> None:
    one = classroom.assign(2, actor="tutor-1", learners=["learner-2"], seed=1)
    two = classroom.assign(2, actor="tutor-1", learners=["learner-2"], seed=1)
    assert not {a.resource_id for a in one} & {a.resource_id for a in two}


def test_only_tutors_assign_and_bad_input_writes_nothing(classroom: Workbook) -> None:
    with pytest.raises(PermissionDenied):
        classroom.assign(2, actor="learner-2")
    with pytest.raises(ValidationError, match="tutor"):
        classroom.assign(2, actor="tutor-1", learners=["tutor-1"])
    with pytest.raises(ValidationError, match="time zone"):
        classroom.assign(2, actor="tutor-1", due=datetime(2030, 1, 1))
    assert classroom.assignments() == []
    made = classroom.assign(1, actor=Administrator("cli:root"), learners=["learner-2"])
    assert made[0].assigned_by == "cli:root"
    assert classroom.audit_log()[-1].reason.endswith("(file access to the workbook)")


def test_overdue_is_what_is_past_due_and_not_done(classroom: Workbook) -> None:
    classroom.assign(
        1, actor="tutor-1", learners=["learner-2"], due=datetime.now(UTC) - timedelta(days=1)
    )
    assert classroom.assignment_table("tutor-1")["overdue"].tolist() == [True]
