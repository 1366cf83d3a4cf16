"""Reviews as pandas tables: the long review frame and each review's score.

Built from the stored documents directly (not through pydantic models) so that a workbook with
hundreds of thousands of reviews is tabulated in one pass; documents that would not validate
are left out here and reported by `appraise check`. The per-resource summary built on them is
in :mod:`reviews.quality.summary`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from reviews.domain.names import name_key
from reviews.domain.rubric import Rubric

if TYPE_CHECKING:
    from reviews.quality.source import ReviewSource

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


def _live_reviews(wb: ReviewSource, rubric_id: str) -> list[dict[str, Any]]:
    hidden = wb.moderation().hidden
    return [
        d
        for d in wb.store.live_reviews(rubric_id)
        if d.get("id") not in hidden and isinstance(d.get("scores"), dict)
    ]


def _times(docs: list[dict[str, Any]], key: str) -> pd.Series:
    """Stored ISO 8601 times. ``format="ISO8601"``: a time on a whole second is stored without
    a fraction (an imported ``2026-03-01T09:00:00Z``), and pandas would otherwise guess the
    format from the first value and refuse the others."""
    values = pd.Series([d.get(key) for d in docs], dtype=object)
    return pd.to_datetime(values, utc=True, format="ISO8601")


def reviews_frame(wb: ReviewSource, rubric: str | None = None) -> pd.DataFrame:
    """One row per live (not deleted, not hidden) review and item of ``rubric`` (the workbook's
    default rubric when not given). ``score`` is NaN for an item left unanswered."""
    rubric_ = wb.rubric(rubric)
    items = rubric_.item_ids
    docs = _live_reviews(wb, rubric_.id)
    n = len(docs)
    tutors = {name_key(t) for t in wb.tutor_names()}  # canonical; hub-group tutors too
    scores = (
        pd.DataFrame.from_records([d["scores"] for d in docs], columns=items)
        .apply(pd.to_numeric, errors="coerce")
        .to_numpy(dtype=float)
        if n
        else np.empty((0, len(items)))
    )
    reviewers = [d.get("reviewer") for d in docs]
    tutor = {r: name_key(r or "") in tutors for r in set(reviewers)}
    per_review = {
        "review_id": [d.get("id") for d in docs],
        "resource_id": [d.get("resource_id") for d in docs],
        "reviewer": reviewers,
        "is_tutor": [tutor[r] for r in reviewers],
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
    """One row per review with its score on the rubric's own scale: :meth:`Rubric.review_score`
    for every review at once.

    When optional items were left unanswered, the answered items' position within *their*
    possible range is stretched to the rubric's full range (prorating, as DISCERN-style
    instruments do); with every item answered this is the plain weighted sum or mean.
    """
    wide = (
        frame.set_index(["review_id", "resource_id", "item"])["score"]
        .unstack("item")
        .reindex(columns=rubric.item_ids)
    )
    values = wide.to_numpy(dtype=float)
    weights = np.array([item.weight for item in rubric.items], dtype=float)
    lows = np.array([item.scale.min for item in rubric.items], dtype=float) * weights
    spans = np.array([item.scale.max - item.scale.min for item in rubric.items]) * weights
    answered = ~np.isnan(values)
    got = np.where(answered, values * weights, 0.0).sum(axis=1)
    low = (answered * lows).sum(axis=1)
    span = (answered * spans).sum(axis=1)
    lo, hi = rubric.score_range
    with np.errstate(invalid="ignore", divide="ignore"):
        if rubric.scoring.method == "single_item":
            score = values[:, 0]
        else:
            score = lo + (hi - lo) * (got - low) / span
    out = wide.index.to_frame(index=False)
    out["score"] = np.where(answered.any(axis=1), score, np.nan)
    return out
