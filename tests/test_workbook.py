"""The Workbook API, on every storage backend (the ``wb`` fixture is parametrised)."""

from __future__ import annotations

import math

import pytest

from reviews import AppraiseError, NotFound, PermissionDenied, ValidationError, Workbook


def test_create_then_open_round_trips_the_config(wb: Workbook) -> None:
    again = Workbook.open(wb.path)
    assert again.config == wb.config
    assert again.config.tutors == ["tutor-1"]
    assert again.config.created_at.tzinfo is not None


def test_create_refuses_an_existing_workbook(wb: Workbook) -> None:
    with pytest.raises(ValidationError, match="already a workbook"):
        Workbook.create(wb.path, title="again")


def test_open_a_folder_that_is_not_a_workbook(tmp_path) -> None:
    with pytest.raises(NotFound, match="appraise init"):
        Workbook.open(tmp_path)


def test_create_with_unknown_rubric_writes_nothing(tmp_path) -> None:
    with pytest.raises(NotFound, match="unknown rubric 'nope'"):
        Workbook.create(tmp_path / "w", title="T", rubric="nope")
    assert not (tmp_path / "w" / "workbook.yaml").exists()


def test_errors_are_value_errors_under_one_root() -> None:
    for error in (ValidationError, NotFound, PermissionDenied):
        assert issubclass(error, AppraiseError)
    assert issubclass(AppraiseError, ValueError)


def test_the_same_url_in_another_form_returns_the_existing_resource(wb: Workbook) -> None:
    first = wb.add_resource(url="https://youtu.be/abcdefghijk", title="ECG", added_by="a")
    second = wb.add_resource(
        url="http://m.youtube.com/watch?v=abcdefghijk&utm_source=x", title="Dup", added_by="b"
    )
    assert second.id == first.id and second.title == "ECG"
    assert len(wb.resources()) == 1


def test_kind_and_platform_are_inferred(wb: Workbook) -> None:
    video = wb.add_resource(url="https://youtu.be/abcdefghijk", title="v", added_by="a")
    wiki = wb.add_resource(url="https://en.m.wikipedia.org/wiki/Sepsis", title="w", added_by="a")
    assert (video.kind, video.platform) == ("video", "youtube")
    assert (wiki.kind, wiki.platform) == ("wiki", "wikipedia")
    assert wiki.url == "https://en.wikipedia.org/wiki/Sepsis"


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "ftp://example.org/file", "not a url", "", "mailto:a@b.c"]
)
def test_only_http_urls_are_catalogued(wb: Workbook, url: str) -> None:
    with pytest.raises(ValidationError):
        wb.add_resource(url=url, title="x", added_by="a")
    assert wb.resources() == []


def test_resubmitting_edits_the_review_and_keeps_history(wb: Workbook, resource) -> None:
    first = wb.submit_review(
        resource.id, reviewer="learner-1", rubric="stars", scores={"overall": 4},
        comment="good", confidence=2, flags=["outdated"],
    )  # fmt: skip
    second = wb.submit_review(resource.id, reviewer="learner-1", scores={"overall": 2})
    assert second.id == first.id
    assert second.created_at == first.created_at and second.updated_at >= first.updated_at
    assert [r.scores for r in second.revisions] == [{"overall": 4}]
    assert second.revisions[0].comment == "good" and second.revisions[0].flags == ["outdated"]
    (stored,) = wb.reviews()
    assert stored.scores == {"overall": 2} and len(stored.revisions) == 1


def test_flags_and_bloom_levels_are_normalised(wb: Workbook, resource) -> None:
    review = wb.submit_review(
        resource.id, reviewer="l", scores={"overall": 3},
        flags=["Undeclared promotion", "broken-link", "outdated", "outdated"],
        bloom=["Apply", "analyze"],
    )  # fmt: skip
    assert review.flags == ["undeclared_promotion", "broken_link", "outdated"]
    assert review.bloom == ["apply", "analyse"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"scores": {"overall": 9}}, "from 1 to 5"),
        ({"scores": {"clarity": 3}}, "'clarity' is not an item"),
        ({"scores": {}}, "overall"),
        ({"scores": {"overall": 3}, "rubric": "nope"}, "unknown rubric"),
        ({"scores": {"overall": 3}, "comment": "x" * 1_048_576}, "comment: is too long"),
        ({"scores": {"overall": 3}, "confidence": 7}, "confidence"),
        ({"scores": {"overall": 3}, "flags": ["boring"]}, "unknown flag 'boring'"),
        ({"scores": {"overall": 3}, "reviewer": "  "}, "reviewer: must not be empty"),
    ],
)
def test_invalid_reviews_are_refused_with_a_clear_message(
    wb: Workbook, resource, kwargs: dict, message: str
) -> None:
    args = {"reviewer": "learner-1", **kwargs}
    with pytest.raises(AppraiseError, match=message) as info:
        wb.submit_review(resource.id, **args)
    assert len(str(info.value)) < 300  # the message never echoes a huge input
    assert wb.reviews() == []


def test_reviewing_an_unknown_resource(wb: Workbook) -> None:
    with pytest.raises(NotFound, match="no resource"):
        wb.submit_review("res_missing", reviewer="l", scores={"overall": 3})


def test_air_reviews_are_scored_on_their_own_scale(wb: Workbook, resource) -> None:
    scores = {"recency": 6, "accuracy": 6, "utility": 6, "ebm": 6, "referenced": 6}
    for who in ("a", "b", "c"):
        wb.submit_review(resource.id, reviewer=who, rubric="air", scores=scores)
    row = wb.summary(rubric="air").iloc[0]
    assert row["score"] == 30 and row["verdict"] == "approved"
    assert row["score_percent"] == pytest.approx(25 / 30 * 100)


def test_a_deleted_review_leaves_the_summary_but_tutors_still_see_it(
    wb: Workbook, resource
) -> None:
    review = wb.submit_review(resource.id, reviewer="learner-1", scores={"overall": 5})
    with pytest.raises(PermissionDenied):
        wb.delete_review(review.id, actor="learner-2")
    wb.delete_review(review.id, actor="learner-1")
    assert wb.reviews() == []
    (kept,) = wb.reviews(include_deleted=True)
    assert kept.deleted_at is not None
    assert wb.summary().iloc[0]["n_reviews"] == 0
    again = wb.submit_review(resource.id, reviewer="learner-1", scores={"overall": 3})
    assert again.id != review.id


def test_corrections_votes_and_comments(wb: Workbook, resource) -> None:
    correction = wb.add_correction(
        resource.id, author="learner-2", locator="03:15", claim="Says digoxin first line",
        correction="Beta-blockers first line", evidence="https://doi.org/10.1/x",
        severity="major",
    )  # fmt: skip
    wb.vote(correction.id, voter="learner-3", agree=True, reason="NICE agrees")
    changed = wb.vote(correction.id, voter="learner-3", agree=False, reason="on reflection")
    (vote,) = wb.votes(correction.id)
    assert vote.id == changed.id and vote.agree is False and vote.reason == "on reflection"
    with pytest.raises(PermissionDenied, match="your own correction"):
        wb.vote(correction.id, voter="learner-2", agree=True)
    comment = wb.add_comment(resource.id, author="learner-4", text="Which page?")
    reply = wb.add_comment(correction.id, author="learner-2", text="p. 12", parent_id=comment.id)
    assert [c.id for c in wb.comments()] == [comment.id, reply.id]
    assert wb.corrections(resource.id)[0].severity == "major"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("claim", "   ", "claim: must not be empty"),
        ("correction", "", "correction: must not be empty"),
        ("evidence", "", "evidence: must not be empty"),
        ("severity", "catastrophic", "severity: must be one of"),
        ("locator", "x" * 500, "locator: is too long"),
    ],
)
def test_invalid_corrections_are_refused(
    wb: Workbook, resource, field: str, value: str, message: str
) -> None:
    args = {"claim": "c", "correction": "d", "evidence": "e", "severity": "minor", field: value}
    with pytest.raises(ValidationError, match=message):
        wb.add_correction(resource.id, author="learner-1", **args)
    assert wb.corrections() == []


def test_commenting_on_nothing_is_refused(wb: Workbook) -> None:
    with pytest.raises(NotFound):
        wb.add_comment("res_nope", author="a", text="hi")


def test_tutor_actions_are_checked_and_logged(wb: Workbook, resource) -> None:
    correction = wb.add_correction(
        resource.id, author="learner-2", claim="c", correction="d", evidence="e"
    )
    comment = wb.add_comment(resource.id, author="learner-3", text="rude words")
    for action in (
        lambda: wb.hide(comment.id, actor="learner-1", reason="x"),
        lambda: wb.verify_correction(correction.id, actor="learner-1"),
        lambda: wb.reject_correction(correction.id, actor="learner-9"),
    ):
        with pytest.raises(PermissionDenied, match="only a tutor"):
            action()
    assert wb.audit_log() == []
    wb.hide(comment.id, actor="tutor-1", reason="unprofessional")
    wb.verify_correction(correction.id, actor="tutor-1", note="checked NICE NG196")
    assert wb.comments() == [] and len(wb.comments(include_hidden=True)) == 1
    assert wb.moderation().status(correction.id) == "verified"
    assert [(e.action, e.actor) for e in wb.audit_log()] == [
        ("hide", "tutor-1"),
        ("verify", "tutor-1"),
    ]
    wb.restore(comment.id, actor="tutor-1", reason="on appeal")
    assert len(wb.comments()) == 1 and len(wb.audit_log()) == 3


def test_reviews_frame_has_one_row_per_review_and_item(wb: Workbook, resource) -> None:
    scores = {"recency": 5, "accuracy": 6, "utility": 7, "ebm": 4, "referenced": 3}
    wb.submit_review(resource.id, reviewer="tutor-1", rubric="air", scores=scores, confidence=3)
    frame = wb.reviews_frame("air")
    assert len(frame) == 5
    assert dict(zip(frame["item"], frame["score"], strict=True)) == scores
    assert frame["is_tutor"].all() and (frame["confidence"] == 3).all()
    assert str(frame["created_at"].dt.tz) == "UTC"


def test_summary_of_an_empty_and_an_unreviewed_workbook(wb: Workbook) -> None:
    assert wb.summary().empty
    assert list(wb.reviews_frame().columns)[:3] == ["review_id", "resource_id", "reviewer"]
    wb.add_resource(url="https://example.org/a", title="A", added_by="a")
    row = wb.summary().iloc[0]
    assert row["n_reviews"] == 0 and math.isnan(row["score"])
    assert row["verdict"] == "unrated"


def test_summary_is_provisional_below_the_minimum_reviewers(wb: Workbook, resource) -> None:
    for i, stars in enumerate([5, 4]):
        wb.submit_review(resource.id, reviewer=f"l{i}", scores={"overall": stars})
    row = wb.summary().iloc[0]
    assert (row["n_reviews"], row["mean"], row["verdict"]) == (2, 4.5, "provisional")
    wb.submit_review(resource.id, reviewer="l9", scores={"overall": 4})
    row = wb.summary().iloc[0]
    # the score is the model's estimate (tests/test_summary.py); the mean is beside it
    assert row["verdict"] == "recommended" and row["mean"] == pytest.approx(13 / 3)
    assert row["score"] == pytest.approx(13 / 3, abs=0.2)
    assert (row["score_min"], row["score_max"]) == (4, 5)


@pytest.mark.parametrize("name", ["learner\n1", "tab\there", "x" * 101])
def test_names_are_one_short_line(wb: Workbook, resource, name: str) -> None:
    with pytest.raises(ValidationError, match="reviewer"):
        wb.submit_review(resource.id, reviewer=name, scores={"overall": 3})
