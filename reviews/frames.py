"""Reviews as pandas tables: the long review frame and the per-resource summary.

Built from the stored documents directly (not through pydantic models) so that a workbook with
hundreds of thousands of reviews is tabulated in one pass; documents that would not validate
are left out here and reported by `appraise check`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import numpy as np
import pandas as pd

from reviews.rubric import Rubric

if TYPE_CHECKING:
    from reviews.workbook import Workbook

REVIEW_COLUMNS = [
    "review_id",
    "resource_id",
    "reviewer",
    "is_tutor",
    "rubric",
    "item",
    "score",
    "confidence",
    "created_at",
    "updated_at",
]

SUMMARY_COLUMNS = [
    "id",
    "url",
    "title",
    "kind",
    "platform",
    "topics",
    "rubric",
    "n_reviews",
    "score",
    "score_percent",
    "score_min",
    "score_max",
    "verdict",
    "verdict_label",
]


def _live_reviews(wb: Workbook, rubric_id: str) -> list[dict[str, Any]]:
    hidden = wb.moderation().hidden
    return [
        d
        for d in wb.store.records("reviews")
        if d.get("rubric") == rubric_id
        and d.get("deleted_at") is None
        and d.get("id") not in hidden
        and isinstance(d.get("scores"), dict)
    ]


def _times(docs: list[dict[str, Any]], key: str) -> pd.Series:
    return pd.to_datetime(pd.Series([d.get(key) for d in docs], dtype=object), utc=True)


def reviews_frame(wb: Workbook, rubric: str | None = None) -> pd.DataFrame:
    """One row per live (not deleted, not hidden) review and item of ``rubric`` (the workbook's
    default rubric when not given). ``score`` is NaN for an item left unanswered."""
    rubric_ = wb.rubric(rubric)
    items = rubric_.item_ids
    docs = _live_reviews(wb, rubric_.id)
    n = len(docs)
    tutors = set(wb.config.tutors)
    scores = (
        pd.DataFrame.from_records([d["scores"] for d in docs], columns=items)
        .apply(pd.to_numeric, errors="coerce")
        .to_numpy(dtype=float)
        if n
        else np.empty((0, len(items)))
    )
    reviewers = [d.get("reviewer") for d in docs]
    per_review = {
        "review_id": [d.get("id") for d in docs],
        "resource_id": [d.get("resource_id") for d in docs],
        "reviewer": reviewers,
        "is_tutor": [r in tutors for r in reviewers],
        "rubric": rubric_.id,
        "confidence": pd.array([d.get("confidence") for d in docs], dtype="Int64"),
        "created_at": _times(docs, "created_at"),
        "updated_at": _times(docs, "updated_at"),
    }
    base = pd.DataFrame(per_review)
    frame = base.loc[base.index.repeat(len(items))].reset_index(drop=True)
    frame["item"] = np.tile(np.array(items, dtype=object), n)
    frame["score"] = scores.reshape(-1)
    return frame[REVIEW_COLUMNS]


def review_scores(frame: pd.DataFrame, rubric: Rubric) -> pd.DataFrame:
    """One row per review with its score on the rubric's own scale (vectorised).

    ``sum`` rubrics use item weights; when some optional items were left unanswered the
    weighted sum is prorated over the answered items' weights, as instruments.md describes for
    DISCERN-style ``exclude_and_prorate``.
    """
    wide = (
        frame.set_index(["review_id", "resource_id", "item"])["score"]
        .unstack("item")
        .reindex(columns=rubric.item_ids)
    )
    values = wide.to_numpy(dtype=float)
    weights = np.array([item.weight for item in rubric.items], dtype=float)
    answered = ~np.isnan(values)
    filled = np.where(answered, values, 0.0)
    method = rubric.scoring.method
    with np.errstate(invalid="ignore", divide="ignore"):
        if method == "mean":
            score = filled.sum(axis=1) / answered.sum(axis=1)
        elif method == "single_item":
            score = values[:, 0]
        else:
            weight_given = (answered * weights).sum(axis=1)
            score = (filled * weights).sum(axis=1) * weights.sum() / weight_given
    out = wide.index.to_frame(index=False)
    out["score"] = np.where(answered.any(axis=1), score, np.nan)
    return out


def summary(wb: Workbook, rubric: str | None = None) -> pd.DataFrame:
    """One row per catalogued resource, reviewed or not: the plain mean of review scores on the
    rubric's own scale, its share of the scale, and the rubric's verdict (``provisional`` below
    the minimum number of reviewers, ``unrated`` with none)."""
    rubric_ = wb.rubric(rubric)
    resources = pd.DataFrame(
        [
            {k: d.get(k) for k in ("id", "url", "title", "kind", "platform", "topics")}
            for d in wb.store.records("resources")
            if isinstance(d.get("id"), str)
        ],
        columns=["id", "url", "title", "kind", "platform", "topics"],
    )
    frame = reviews_frame(wb, rubric_.id)
    per_review = review_scores(frame, rubric_) if len(frame) else None
    stats: pd.DataFrame
    items: pd.DataFrame
    if per_review is not None:
        stats = per_review.groupby("resource_id").agg(
            n_reviews=("score", "size"),
            score=("score", "mean"),
            score_min=("score", "min"),
            score_max=("score", "max"),
        )
        items = frame.groupby(["resource_id", "item"])["score"].mean().unstack("item")
    else:
        stats = pd.DataFrame(columns=["n_reviews", "score", "score_min", "score_max"])
        items = pd.DataFrame()
    out = resources.merge(stats, how="left", left_on="id", right_index=True)
    out["n_reviews"] = out["n_reviews"].fillna(0).astype(int)
    out["rubric"] = rubric_.id
    lo, hi = rubric_.score_range
    out["score_percent"] = (out["score"] - lo) / (hi - lo) * 100
    out["topics"] = out["topics"].map(lambda t: "; ".join(t) if isinstance(t, list) else "")
    min_n = wb.min_reviewers(rubric_)
    verdicts = [
        _verdict(rubric_, score, n, items, rid, min_n)
        for rid, score, n in zip(out["id"], out["score"], out["n_reviews"], strict=True)
    ]
    out["verdict"] = [v[0] for v in verdicts]
    out["verdict_label"] = [v[1] for v in verdicts]
    return out[SUMMARY_COLUMNS].reset_index(drop=True)


def _verdict(
    rubric: Rubric, score: float, n: int, items: pd.DataFrame, rid: str, min_n: int
) -> tuple[str, str]:
    if n == 0:
        return ("unrated", "Not yet reviewed")
    if n < min_n:
        return ("provisional", f"Provisional: needs {min_n} reviews ({n} so far)")
    means = (
        {str(k): float(v) for k, v in cast(pd.Series, items.loc[rid]).dropna().items()}
        if rid in items.index
        else None
    )
    return rubric.verdict(None if pd.isna(score) else float(score), n, means)
