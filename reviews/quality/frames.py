"""Reviews as pandas tables: the review table, the long review frame and each review's score.

Read from the store as columns (:meth:`reviews.store.base.Store.review_table`), never as one
Python object per review, so that a workbook with a million reviews in PostgreSQL is
tabulated by one query over an index; documents that would not validate are left out here and
reported by `appraise check`. The per-resource summary built on them is in
:mod:`reviews.quality.summary`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from reviews.domain.names import name_key
from reviews.domain.rubric import Rubric
from reviews.store.tables import ReviewQuery, score_column

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
ALL_FIELDS = ("id", "resource_id", "reviewer", "confidence", "created_at", "updated_at")


def review_table(
    wb: ReviewSource, rubric: Rubric, fields: tuple[str, ...] = ("resource_id", "reviewer")
) -> pd.DataFrame:
    """One row per live (not deleted, not hidden) review of ``rubric``: ``fields``, ``is_tutor``
    and one ``score:<item>`` column per item (NaN for an item left unanswered)."""
    hidden = frozenset(wb.moderation().hidden)
    query = ReviewQuery(rubric.id, fields=fields, items=tuple(rubric.item_ids), exclude=hidden)
    table = wb.store.review_table(query)
    tutors = {name_key(t) for t in wb.tutor_names()}  # canonical; hub-group tutors too
    codes, names = pd.factorize(table["reviewer"])
    is_tutor = np.array([name_key(n) in tutors for n in names], dtype=bool)
    table["is_tutor"] = is_tutor[codes] if len(codes) else np.zeros(0, dtype=bool)
    return table


def _times(values: pd.Series) -> pd.Series:
    """Stored ISO 8601 times. ``format="ISO8601"``: a time on a whole second is stored without
    a fraction (an imported ``2026-03-01T09:00:00Z``), and pandas would otherwise guess the
    format from the first value and refuse the others."""
    return pd.to_datetime(values.astype(object), utc=True, format="ISO8601")


def _whole(values: pd.Series) -> pd.Series:
    """Confidence as nullable integers: a stored value that is not a whole number is missing."""
    numbers = values.to_numpy(dtype=float)
    numbers = np.where(np.isfinite(numbers) & (numbers % 1 == 0), numbers, np.nan)
    return pd.Series(numbers).astype("Int64")


def reviews_frame(wb: ReviewSource, rubric: str | None = None) -> pd.DataFrame:
    """One row per live (not deleted, not hidden) review and item of ``rubric`` (the workbook's
    default rubric when not given). ``score`` is NaN for an item left unanswered."""
    rubric_ = wb.rubric(rubric)
    items = rubric_.item_ids
    table = review_table(wb, rubric_, ALL_FIELDS)
    n = len(table)
    per_review = {
        "review_id": table["id"].to_numpy(dtype=object),
        "resource_id": table["resource_id"].to_numpy(dtype=object),
        "reviewer": table["reviewer"].to_numpy(dtype=object),
        "is_tutor": table["is_tutor"].to_numpy(dtype=bool),
        "rubric": rubric_.id,
        "confidence": _whole(table["confidence"]),
        "created_at": _times(table["created_at"]),
        "updated_at": _times(table["updated_at"]),
    }
    base = pd.DataFrame(per_review)
    frame = base.loc[base.index.repeat(len(items))].reset_index(drop=True)
    frame["item"] = np.tile(np.array(items, dtype=object), n)
    scores = table[[score_column(i) for i in items]].to_numpy(dtype=float)
    frame["score"] = scores.reshape(-1)
    return frame[REVIEW_COLUMNS]


def review_scores(table: pd.DataFrame, rubric: Rubric) -> pd.DataFrame:
    """One row per review of :func:`review_table` with its score on the rubric's own scale:
    :meth:`Rubric.review_score` for every review at once (columns: the table's fields, with
    ``id`` as ``review_id``, and ``is_tutor``, then ``score``).

    When optional items were left unanswered, the answered items' position within *their*
    possible range is stretched to the rubric's full range (prorating, as DISCERN-style
    instruments do); with every item answered this is the plain weighted sum or mean.
    """
    values = table[[score_column(i) for i in rubric.item_ids]].to_numpy(dtype=float)
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
    out = table[[c for c in table.columns if not c.startswith("score:")]]
    out = out.rename(columns={"id": "review_id"})
    out["score"] = np.where(answered.any(axis=1), score, np.nan)
    return out
