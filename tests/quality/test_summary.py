"""Workbook.summary(), agreement(), corrections_summary() and reviewer_stats(): what a tutor
and the dashboards read, on every storage backend."""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from reviews import Workbook
from reviews.domain.errors import PermissionDenied
from reviews.domain.model import FLAGS
from reviews.quality.frames import review_scores
from reviews.quality.summary import verdicts
from reviews.store.tables import score_column

# The contract the learner dashboard codes against (see docs/summaries.md).
CONTRACT = [
    "id", "url", "title", "kind", "platform", "topics", "rubric", "n_reviews", "score",
    "score_percent", "score_low80", "score_high80", "score_low95", "score_high95", "mean",
    "score_min", "score_max", "verdict", "verdict_label", "n_corrections",
    "n_corrections_open", "n_corrections_verified", "needs_attention", "attention_reason",
    "reason",
]  # fmt: skip

CUSTOM_RUBRIC = """\
schema_version: 1
id: quick
name: "Quick check"
provenance: {instrument: "Own", wording: original}
min_reviewers: 2
items:
  - id: accuracy
    prompt: "Accurate?"
    help: "Check it."
    scale: {type: ordinal, min: 1, max: 5, labels: {1: a, 2: b, 3: c, 4: d, 5: e}}
  - id: references
    prompt: "Referenced?"
    help: "Look for references."
    allow_na: true
    scale: {type: ordinal, min: 1, max: 5, labels: {1: a, 2: b, 3: c, 4: d, 5: e}}
scoring: {method: sum}
verdicts:
  - {id: good, label: "Good", min: 8}
  - {id: weak, label: "Weak"}
"""


def add(wb: Workbook, n: int) -> list[str]:
    return [
        wb.add_resource(f"https://example.org/page-{i}", f"Page {i}", added_by="tutor-1").id
        for i in range(n)
    ]


def class_of(wb: Workbook, resources: int = 8, learners: int = 6, seed: int = 0) -> list[str]:
    """A small honest class: every learner rates most resources near their quality."""
    rng = np.random.default_rng(seed)
    ids = add(wb, resources)
    quality = np.linspace(1.5, 4.5, resources)
    for j, i in itertools.product(range(learners), range(resources)):
        if rng.random() < 0.8:
            stars = int(np.clip(round(quality[i] + rng.normal(0, 0.5)), 1, 5))
            wb.submit_review(ids[i], f"learner-{j}", {"overall": stars})
    return ids


def row(wb: Workbook, resource_id: str, rubric: str | None = None) -> pd.Series:
    frame = wb.summary(rubric)
    return frame.set_index("id").loc[resource_id]


def test_the_summary_has_the_columns_the_dashboard_reads(wb: Workbook) -> None:
    class_of(wb, resources=3, learners=3)
    columns = list(wb.summary().columns)
    assert set(CONTRACT) <= set(columns)
    assert "item_overall" in columns
    for flag in FLAGS:
        assert f"flag_{flag}" in columns and f"flag_{flag}_lb" in columns
    assert list(wb.summary("air").columns)[17:22] == [
        f"item_{i}" for i in ("recency", "accuracy", "utility", "ebm", "referenced")
    ]


def test_score_interval_mean_and_percent_agree(wb: Workbook) -> None:
    ids = class_of(wb)
    frame = wb.summary().set_index("id").loc[ids]
    assert (frame["score_low95"] <= frame["score_low80"]).all()
    assert (frame["score_low80"] <= frame["score"]).all()
    assert (frame["score"] <= frame["score_high80"]).all()
    assert (frame["score_high80"] <= frame["score_high95"]).all()
    assert frame["score_percent"].to_numpy() == pytest.approx((frame["score"] - 1) / 4 * 100)
    means = {rid: np.mean([r.scores["overall"] for r in wb.reviews(rid)]) for rid in ids}
    assert frame["mean"].to_dict() == pytest.approx(means)
    assert frame["item_overall"].to_dict() == pytest.approx(means)
    assert (
        frame["score"].is_monotonic_increasing or np.corrcoef(range(8), frame["score"])[0, 1] > 0.9
    )


def test_hidden_and_deleted_reviews_and_corrections_never_count(wb: Workbook) -> None:
    (rid,) = add(wb, 1)
    keep = wb.submit_review(rid, "learner-1", {"overall": 4})
    hidden = wb.submit_review(rid, "learner-2", {"overall": 1}, flags=["confidentiality"])
    deleted = wb.submit_review(rid, "learner-3", {"overall": 1}, flags=["misinformation"])
    gone = wb.add_correction(rid, author="learner-4", claim="c", correction="d", evidence="e",
                             severity="patient-safety")  # fmt: skip
    wb.hide(hidden.id, actor="tutor-1", reason="off-topic")
    wb.delete_review(deleted.id, actor="learner-3")
    wb.hide(gone.id, actor="tutor-1", reason="spam")

    summary = row(wb, rid)

    assert (summary["n_reviews"], summary["mean"], summary["score_min"]) == (1, 4.0, 4.0)
    assert summary["flag_confidentiality"] == 0 and summary["flag_misinformation"] == 0
    assert summary["n_corrections"] == 0 and not summary["needs_attention"]
    assert wb.corrections_summary().empty
    assert keep.id in {r.id for r in wb.reviews()}


def test_flags_are_counted_with_the_wilson_bound_of_their_share(wb: Workbook) -> None:
    (rid,) = add(wb, 1)
    for i in range(10):
        flags = ["outdated"] if i < 4 else []
        wb.submit_review(rid, f"learner-{i}", {"overall": 3}, flags=flags)
    wb.submit_review(rid, "learner-x", {"recency": 2, "accuracy": 3, "utility": 3, "ebm": 3,
                     "referenced": 3}, rubric="air", flags=["outdated"])  # fmt: skip

    summary = row(wb, rid)

    # flags are about the resource: counted over every live review, whatever the rubric
    assert (summary["flag_outdated"], summary["n_flag_reviews"]) == (5, 11)
    # Wilson (1927), z = 1.96, 5 of 11: (p + z^2/2n - z sqrt(p(1-p)/n + z^2/4n^2)) / (1 + z^2/n)
    p, n, z = 5 / 11, 11, 1.96
    wilson = (p + z**2 / (2 * n) - z * math.sqrt(p * (1 - p) / n + z**2 / (4 * n**2))) / (
        1 + z**2 / n
    )
    assert summary["flag_outdated_lb"] == pytest.approx(wilson)
    assert summary["flag_misinformation"] == 0 and summary["flag_misinformation_lb"] == 0


def test_an_open_patient_safety_correction_or_a_confidentiality_flag_needs_attention(
    wb: Workbook,
) -> None:
    safety, privacy, settled, minor = add(wb, 4)
    wb.add_correction(safety, author="learner-1", claim="c", correction="d", evidence="e",
                      severity="patient-safety")  # fmt: skip
    wb.submit_review(privacy, "learner-2", {"overall": 4}, flags=["confidentiality"])
    done = wb.add_correction(settled, author="learner-1", claim="c", correction="d",
                             evidence="e", severity="patient-safety")  # fmt: skip
    wb.verify_correction(done.id, actor="tutor-1", note="fixed by the author")
    wb.add_correction(minor, author="learner-1", claim="c", correction="d", evidence="e")

    frame = wb.summary().set_index("id")

    assert frame["needs_attention"].to_dict() == {
        safety: True, privacy: True, settled: False, minor: False
    }  # fmt: skip
    assert frame.loc[safety, "attention_reason"] == "1 open patient-safety correction"
    assert frame.loc[privacy, "attention_reason"] == "1 confidentiality flag"
    assert frame.loc[settled, "attention_reason"] == ""
    assert frame.loc[settled, ["n_corrections", "n_corrections_open"]].tolist() == [1, 0]
    assert frame.loc[settled, "n_corrections_verified"] == 1
    assert frame.loc[minor, "n_corrections_open"] == 1


def test_degenerate_workbooks_summarise_without_nan_where_a_number_is_shown(
    wb: Workbook,
) -> None:
    assert wb.summary().empty and list(wb.summary().columns)[:3] == ["id", "url", "title"]
    alone, same, empty = add(wb, 3)
    wb.submit_review(alone, "learner-1", {"overall": 5})  # one review, one reviewer
    for i in range(4):
        wb.submit_review(same, f"learner-{i + 2}", {"overall": 3})  # all identical

    frame = wb.summary().set_index("id")

    numbers = ["score", "score_percent", "score_low80", "score_high95", "mean", "item_overall"]
    assert np.isfinite(frame.loc[[alone, same], numbers].to_numpy(dtype=float)).all()
    # identical scores, pulled a little toward the workbook level (3.4) by shrinkage
    assert 3.0 <= frame.loc[same, "score"] < 3.25 and frame.loc[same, "mean"] == 3.0
    assert frame.loc[alone, "verdict"] == "provisional"
    assert frame.loc[empty, "verdict"] == "unrated" and frame.loc[empty, "n_reviews"] == 0
    assert frame.loc[empty, numbers].isna().all()  # missing, not zero
    agreement = wb.agreement()
    assert agreement.loc[0, "interpretation"] == "undefined (no variation)"
    assert not wb.reviewer_stats()["why"].isna().any()


def test_a_rubric_item_left_unanswered(tmp_path: Path, backend: str) -> None:
    wb = Workbook.create(tmp_path / "wb", title="t", tutors=["tutor-1"], storage=backend)
    (wb.path / "rubrics" / "quick.yaml").write_text(CUSTOM_RUBRIC)
    rid, other = add(wb, 2)
    wb.submit_review(rid, "learner-1", {"accuracy": 4, "references": None}, rubric="quick")
    wb.submit_review(rid, "learner-2", {"accuracy": 5}, rubric="quick")
    wb.submit_review(other, "learner-1", {"accuracy": 2, "references": 3}, rubric="quick")

    frame = wb.summary("quick").set_index("id")

    quick = wb.rubric("quick")
    assert frame.loc[rid, "mean"] == pytest.approx(
        np.mean([quick.review_score({"accuracy": 4}), quick.review_score({"accuracy": 5})])
    )  # prorated: 4 of 1-5 is 8 of 2-10
    assert math.isnan(frame.loc[rid, "item_references"])
    assert frame.loc[rid, "item_accuracy"] == 4.5
    assert np.isfinite(frame.loc[rid, ["score", "score_low95", "score_high95"]]).all()
    assert frame.loc[other, "item_references"] == 3
    assert set(wb.agreement("quick")["item"]) == {"accuracy", "references"}


@pytest.mark.parametrize("rubric_id", ["stars", "air", "jama", "gqs"])
def test_review_scores_match_the_rubrics_own_scoring(wb: Workbook, rubric_id: str) -> None:
    rubric = wb.rubric(rubric_id)
    rng = np.random.default_rng(1)
    rows = []
    expected = []
    for k in range(30):
        scores = {}
        for item in rubric.items:
            skip = item.allow_na and rng.random() < 0.3
            scores[item.id] = (
                None if skip else int(rng.integers(item.scale.min, item.scale.max + 1))
            )
        expected.append(rubric.review_score(scores))
        rows.append(
            {"id": f"rev-{k}", "resource_id": "res"}
            | {
                score_column(item): np.nan if value is None else float(value)
                for item, value in scores.items()
            }
        )
    table = pd.DataFrame(rows)

    got = review_scores(table, rubric).set_index("review_id")["score"]

    assert [got[f"rev-{k}"] for k in range(30)] == pytest.approx(expected)


@pytest.mark.parametrize("rubric_id", ["stars", "air", "jama", "gqs"])
def test_vectorised_verdicts_agree_with_the_rubric(wb: Workbook, rubric_id: str) -> None:
    rubric = wb.rubric(rubric_id)
    lo, hi = rubric.score_range
    grid = np.linspace(lo, hi, 25)
    means = pd.DataFrame(
        {item.id: np.linspace(item.scale.max, item.scale.min, 25) for item in rubric.items}
    )
    got, _ = verdicts(rubric, pd.Series(grid), pd.Series([5] * 25), means, 3)
    want = [
        rubric.verdict(float(s), 5, {k: float(v) for k, v in means.iloc[i].items()})[0]
        for i, s in enumerate(grid)
    ]
    assert got == want
    few, labels = verdicts(rubric, pd.Series([hi]), pd.Series([2]), means.iloc[:1], 3)
    assert few == ["provisional"] and labels == ["Provisional: needs 3 reviews (2 so far)"]


def test_the_workbook_minimum_reviewers_overrides_the_rubrics(tmp_path: Path) -> None:
    wb = Workbook.create(tmp_path / "wb", title="t", min_reviewers=1)
    (rid,) = add(wb, 1)
    wb.submit_review(rid, "learner-1", {"overall": 5})
    assert row(wb, rid)["verdict"] != "provisional"


def test_agreement_is_reported_per_item_over_resources_reviewed_twice(wb: Workbook) -> None:
    class_of(wb, resources=10, learners=5)
    (single,) = add(wb, 1)
    wb.submit_review(single, "learner-9", {"overall": 1})

    table = wb.agreement()

    assert list(table.columns) == ["item", "alpha", "n_units", "n_values", "interpretation"]
    (only,) = table.itertuples()
    assert only.item == "overall" and only.n_units == 10  # the single-review one is left out
    assert only.alpha > 0.5 and only.interpretation in {"reliable", "tentative", "low"}


def test_corrections_are_ranked_by_the_lower_bound_of_weighted_agreement(wb: Workbook) -> None:
    ids = class_of(wb, resources=8, learners=6)
    for rid in ids:  # a lazy account: always 4 stars
        wb.submit_review(rid, "lazy", {"overall": 4})
    one = wb.add_correction(ids[0], author="learner-0", claim="a", correction="b",
                            evidence="e", locator="01:00")  # fmt: skip
    many = wb.add_correction(ids[0], author="learner-1", claim="a", correction="b",
                             evidence="e")  # fmt: skip
    lazy = wb.add_correction(ids[1], author="learner-2", claim="a", correction="b",
                             evidence="e", severity="major")  # fmt: skip
    wb.vote(one.id, "learner-3", agree=True)
    for j in (0, 2, 3, 4, 5):
        wb.vote(many.id, f"learner-{j}", agree=True)
    wb.vote(many.id, "newcomer", agree=False)  # no reviews: counts as one vote
    wb.vote(lazy.id, "lazy", agree=True)
    wb.reject_correction(lazy.id, actor="tutor-1", note="not an error")

    table = wb.corrections_summary()

    assert list(table["id"]) == [many.id, one.id, lazy.id]
    top = table.iloc[0]
    assert (top["n_agree"], top["n_dispute"], top["status"]) == (5, 1, "proposed")
    assert top["agreement_lb"] > table.iloc[1]["agreement_lb"] > table.iloc[2]["agreement_lb"]
    assert table.iloc[2]["status"] == "rejected" and table.iloc[2]["n_agree"] == 1
    assert table.iloc[1]["locator"] == "01:00"
    assert set(table["author"]) <= set(wb.pseudonyms().values())
    assert list(wb.corrections_summary(ids[1])["id"]) == [lazy.id]


def test_reviewer_stats_explain_who_lost_weight_and_show_names_to_tutors_only(
    wb: Workbook,
) -> None:
    ids = class_of(wb, resources=10, learners=6, seed=3)
    for rid in ids:
        wb.submit_review(rid, "lazy", {"overall": 4})
    wb.submit_review(ids[0], "tutor-1", {"overall": 2})

    stats = wb.reviewer_stats()

    shown = wb.pseudonyms()
    assert "reviewer_name" not in stats.columns
    assert set(stats["reviewer"]) <= set(shown.values())
    lazy = stats.set_index("reviewer").loc[shown["lazy"]]
    assert lazy["down_weighted"] and "always gives the same score" in lazy["why"]
    honest = stats[~stats["is_tutor"] & (stats["reviewer"] != shown["lazy"])]
    assert not honest["down_weighted"].any() and (honest["why"] == "").all()
    tutor = stats.set_index("reviewer").loc[shown["tutor-1"]]
    assert tutor["is_tutor"] and tutor["weight"] > 1
    assert stats["n_with_tutor"].max() >= 1

    named = wb.reviewer_stats(actor="tutor-1")
    assert dict(zip(named["reviewer"], named["reviewer_name"], strict=True)) == {
        v: k for k, v in shown.items()
    }
    with pytest.raises(PermissionDenied, match="only a tutor"):
        wb.reviewer_stats(actor="learner-1")
    assert "reviewer_name" not in wb.reviewer_stats(actor="learner-1", identities=False)


def test_imported_reviews_with_whole_second_times_summarise(wb: Workbook, tmp_path: Path) -> None:
    # A time on a whole second is stored without a fraction; live ones have microseconds.
    from reviews.io.importer import import_reviews

    (rid,) = add(wb, 1)
    wb.submit_review(rid, "learner-1", {"overall": 4})
    csv = tmp_path / "ratings.csv"
    csv.write_text(
        f"resource,reviewer,overall,created_at\n{rid},learner-2,2,2026-03-01T09:00:00Z\n"
    )
    import_reviews(wb, csv, "stars", actor="tutor-1")

    assert row(wb, rid)["n_reviews"] == 2
    assert wb.reviews_frame()["created_at"].notna().all()
