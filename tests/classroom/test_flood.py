"""Flood limits: beyond the documented rate a post is refused, and nothing written changes."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from reviews import Workbook
from reviews.classroom.flood import LIMITS, TUTOR_FACTOR, check
from reviews.domain.errors import ValidationError
from reviews.domain.model import now


def _room(tmp_path: Path) -> tuple[Workbook, str, str]:
    wb = Workbook.create(tmp_path / "wb", title="Cardio", tutors=["dr-lee"])
    a = wb.add_resource("https://litfl.com/af", title="AF", added_by="ana").id
    b = wb.add_resource("https://litfl.com/vt", title="VT", added_by="ana").id
    return wb, a, b


def _correct(wb: Workbook, resource: str, who: str = "ben", n: int = 0) -> str:
    return wb.add_correction(
        resource, author=who, claim=f"claim {n}", correction="right", evidence="https://doi.org/1"
    ).id


def test_a_learner_posting_too_many_comments_gets_a_clear_message_and_loses_nothing(
    tmp_path: Path,
) -> None:
    wb, a, _ = _room(tmp_path)
    limit = LIMITS["comments"].per_resource
    for i in range(limit):
        wb.add_comment(a, author="ben", text=f"comment {i}")
    before = [c.id for c in wb.comments()]
    with pytest.raises(ValidationError, match=r"in the last minute, the most allowed; please wait"):
        wb.add_comment(a, author="ben", text="one too many")
    assert [c.id for c in wb.comments()] == before  # nothing written, nothing lost
    wb.add_comment(a, author="cat", text="someone else is not limited")


def test_the_per_minute_limit_spans_resources_and_the_per_resource_limit_one(
    tmp_path: Path,
) -> None:
    wb, a, b = _room(tmp_path)
    for i in range(LIMITS["corrections"].per_resource):
        _correct(wb, a, n=i)
    with pytest.raises(ValidationError, match="corrections on this resource"):
        _correct(wb, a, n=99)
    for i in range(LIMITS["corrections"].per_minute - LIMITS["corrections"].per_resource):
        _correct(wb, b, n=i)
    with pytest.raises(ValidationError, match=r"posted 5 corrections in the last minute"):
        _correct(wb, b, n=100)


def test_votes_are_limited_per_resource_through_their_corrections(tmp_path: Path) -> None:
    wb, a, _ = _room(tmp_path)
    wb.flood_limits = False  # a script setting up many corrections at once
    ids = [_correct(wb, a, who="ana", n=i) for i in range(LIMITS["votes"].per_resource + 1)]
    wb.flood_limits = True
    for cid in ids[:-1]:
        wb.vote(cid, voter="ben", agree=True)
    with pytest.raises(ValidationError, match="votes on this resource"):
        wb.vote(ids[-1], voter="ben", agree=True)
    assert len(wb.votes()) == LIMITS["votes"].per_resource


def test_tutors_have_a_higher_limit(tmp_path: Path) -> None:
    wb, a, _ = _room(tmp_path)
    for i in range(LIMITS["comments"].per_resource + 1):
        wb.add_comment(a, author="dr-lee", text=f"answer {i}")
    assert len(wb.comments()) == LIMITS["comments"].per_resource + 1


def test_older_posts_do_not_count_and_the_wait_is_until_the_oldest_leaves_the_window() -> None:
    t = now()
    old = [{"created_at": (t - timedelta(seconds=61)).isoformat(), "resource_id": "r"}] * 10
    check("comments", old, "r", lambda d: d["resource_id"], t)  # all older than a minute
    recent = [
        {"created_at": (t - timedelta(seconds=s)).isoformat(), "resource_id": "r"}
        for s in (50, 40, 30, 20, 10)
    ]
    with pytest.raises(ValidationError, match="please wait 11 seconds"):
        check("comments", recent, "r", lambda d: d["resource_id"], t)
    check("comments", recent, "r", lambda d: d["resource_id"], t, tutor=True)
    assert TUTOR_FACTOR > 1
