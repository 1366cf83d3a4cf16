"""The per-resource quality summary: what the class can trust about each resource.

One row per catalogued resource, reviewed or not (docs/summaries.md explains every column to
tutors). Everything is derived on every call from the live reviews, never stored: hidden and
deleted reviews and corrections do not count. The score is the model estimate of
:mod:`.aggregate` on the rubric's own scale, with its 80 % and 95 % intervals; the plain
mean sits beside it so that a tutor sees what the model changed, and ``reason`` says why in
one sentence (:mod:`reviews.quality.reason`). A missing number is NaN in the
frame (``null`` in JSON, empty in CSV, ``-`` in tables), never a number.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from reviews.domain.model import FLAGS
from reviews.domain.rubric import Rubric
from reviews.quality.aggregate import Estimate, estimate
from reviews.quality.frames import review_scores, review_table
from reviews.quality.reason import reasons
from reviews.quality.stats import wilson_lower_bound
from reviews.store.tables import score_column

if TYPE_CHECKING:
    from reviews.quality.source import ReviewSource

RESOURCE_COLUMNS = ["id", "url", "title", "kind", "platform", "topics"]
SCORE_COLUMNS = [
    "rubric",
    "n_reviews",
    "score",
    "score_percent",
    "score_low80",
    "score_high80",
    "score_low95",
    "score_high95",
    "mean",
    "score_min",
    "score_max",
]
FLAG_COLUMNS = [c for f in FLAGS for c in (f"flag_{f}", f"flag_{f}_lb")]
TAIL_COLUMNS = [
    "verdict",
    "verdict_label",
    "n_flag_reviews",
    *FLAG_COLUMNS,
    "n_corrections",
    "n_corrections_open",
    "n_corrections_verified",
    "needs_attention",
    "attention_reason",
    "reason",  # why the score differs from the plain mean (reviews.quality.reason); last, so that
]  # the positions of the columns before it stay what they were
_EPS = 1e-9  # as reviews.domain.rubric: a pooled 29.999999999 still reaches a band starting at 30


def summary_columns(rubric: Rubric) -> list[str]:
    """The columns of :func:`summary` for ``rubric``, in order."""
    items = [f"item_{i}" for i in rubric.item_ids]
    return [*RESOURCE_COLUMNS, *SCORE_COLUMNS, *items, *TAIL_COLUMNS]


def score_step(rubric: Rubric) -> float:
    """The smallest difference between two review scores on the rubric's scale: one point of
    the lightest item (divided by the total weight for ``mean`` rubrics)."""
    weights = [item.weight for item in rubric.items]
    if rubric.scoring.method == "mean":
        return min(weights) / sum(weights)
    return 1.0 if rubric.scoring.method == "single_item" else min(weights)


def scored_reviews(wb: ReviewSource, rubric: Rubric) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(the review table of :func:`~reviews.quality.frames.review_table`, one row per review
    with its reviewer, whether they are a tutor, and its score on the rubric's scale)."""
    table = review_table(wb, rubric)
    return table, review_scores(table, rubric)


def model(wb: ReviewSource, rubric: Rubric) -> tuple[pd.DataFrame, pd.DataFrame, Estimate]:
    """The review table of ``rubric``, each review's score, and the model fitted to them."""
    table, per_review = scored_reviews(wb, rubric)
    lo, hi = rubric.score_range
    return table, per_review, estimate(per_review, lo, hi, score_step(rubric))


def summary(wb: ReviewSource, rubric: str | None = None) -> pd.DataFrame:
    """One row per catalogued resource: see the module docstring and docs/summaries.md."""
    rubric_ = wb.rubric(rubric)
    columns = summary_columns(rubric_)
    resources = pd.DataFrame(
        [
            {k: d.get(k) for k in RESOURCE_COLUMNS}
            for d in wb.store.records("resources")
            if isinstance(d.get("id"), str)
        ],
        columns=RESOURCE_COLUMNS,
    )
    if resources.empty:
        return pd.DataFrame(columns=columns)
    flags = _flags(wb, frozenset(wb.moderation().hidden))
    table, per_review, fitted = model(wb, rubric_)
    out = resources.set_index("id", drop=False)
    out["topics"] = out["topics"].map(lambda t: "; ".join(t) if isinstance(t, list) else "")
    out["rubric"] = rubric_.id
    stats = per_review.groupby("resource_id")["score"].agg(
        n_reviews="size", mean="mean", score_min="min", score_max="max"
    )
    out = out.join(stats).join(fitted.resources.drop(columns="sd"))
    out["n_reviews"] = out["n_reviews"].fillna(0).astype(int)
    lo, hi = rubric_.score_range
    out["score_percent"] = (out["score"] - lo) / (hi - lo) * 100
    why = reasons(per_review, fitted, lo, hi, score_step(rubric_))
    out["reason"] = why.reindex(out.index).fillna("").astype(object)
    scores = {score_column(i): i for i in rubric_.item_ids}
    item_means = table.groupby("resource_id")[list(scores)].mean().rename(columns=scores)
    item_means = item_means.reindex(index=out.index, columns=rubric_.item_ids)
    for item in rubric_.item_ids:
        out[f"item_{item}"] = item_means[item].astype(float)
    out["verdict"], out["verdict_label"] = verdicts(
        rubric_, out["score"], out["n_reviews"], item_means, wb.min_reviewers(rubric_)
    )
    out = out.join(flags()).join(_corrections(wb))
    counts = [c for c in columns if c.startswith(("flag_", "n_")) and not c.endswith("_lb")]
    out[counts] = out[counts].fillna(0).astype(int)
    for flag in FLAGS:
        out[f"flag_{flag}_lb"] = wilson_lower_bound(out[f"flag_{flag}"], out["n_flag_reviews"])
    out["needs_attention"], out["attention_reason"] = _attention(out)
    return out[columns].reset_index(drop=True)


def verdicts(
    rubric: Rubric,
    score: pd.Series,
    n_reviews: pd.Series,
    item_means: pd.DataFrame,
    min_reviewers: int,
) -> tuple[list[str], list[str]]:
    """The rubric's verdict for every resource at once, with the semantics of
    :meth:`Rubric.verdict`: ``unrated`` without a score, ``provisional`` below the workbook's
    minimum number of reviewers, else the first band whose min and conditions (on the items'
    plain means) hold, else ``no_verdict``."""
    scores = score.to_numpy(dtype=float)
    n = n_reviews.to_numpy()
    verdict = np.full(len(scores), "no_verdict", dtype=object)
    label = np.full(len(scores), "No verdict", dtype=object)
    open_ = ~np.isnan(scores) & (n >= min_reviewers)
    for band in rubric.verdicts:
        match = open_.copy()
        if band.min is not None:
            match &= scores >= band.min - _EPS
        for cond in band.conditions:
            match &= _holds(item_means[cond.item].to_numpy(dtype=float), cond.op, cond.value)
        verdict[match], label[match] = band.id, band.label
        open_ &= ~match
    verdict[np.isnan(scores)], label[np.isnan(scores)] = "unrated", "Not yet reviewed"
    label[np.isnan(scores) & (n > 0)] = "Not yet scored (no item answered)"
    short = ~np.isnan(scores) & (n < min_reviewers)
    verdict[short] = "provisional"
    label[short] = [f"Provisional: needs {min_reviewers} reviews ({k} so far)" for k in n[short]]
    return list(verdict), list(label)


def _holds(mean: np.ndarray, op: str, value: float) -> np.ndarray:
    """Vectorised :class:`reviews.domain.rubric.Condition`: a missing mean never holds."""
    d = mean - value
    with np.errstate(invalid="ignore"):
        result = {
            "==": np.abs(d) <= _EPS,
            "!=": np.abs(d) > _EPS,
            "<": d < -_EPS,
            "<=": d <= _EPS,
            ">": d > _EPS,
            ">=": d >= -_EPS,
        }[op]
    return np.asarray(result & ~np.isnan(mean))


def _flags(wb: ReviewSource, hidden: frozenset[str]) -> Callable[[], pd.DataFrame]:
    """Per resource: live reviews under any rubric (``n_flag_reviews``: a flag is about the
    resource, not the rubric, and must not vanish when another rubric is summarised) and how
    many of them raise each flag, when the returned function is called.

    A store whose reads may run on several threads (a SQL database) starts counting at once,
    on a thread of its own, so that the database counts while this thread fits the model."""

    def counts() -> pd.DataFrame:
        found = wb.store.flag_counts(FLAGS, hidden)
        return found.rename(columns={"n_reviews": "n_flag_reviews"})

    if not wb.store.concurrent_reads:
        return counts
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="appraise-flags")
    future = pool.submit(counts)
    pool.shutdown(wait=False)  # the thread ends with its one query
    return future.result


def _corrections(wb: ReviewSource) -> pd.DataFrame:
    """Per resource: visible corrections, how many a tutor has not yet decided (open) or
    verified, and the open patient-safety ones."""
    state = wb.moderation()
    rows = pd.DataFrame(
        [(c.resource_id, c.severity, state.status(c.id)) for c in wb.corrections()],
        columns=["resource_id", "severity", "status"],
    )
    is_open = rows["status"] == "proposed"
    rows = rows.assign(
        n_corrections=1,
        n_corrections_open=is_open,
        n_corrections_verified=rows["status"] == "verified",
        n_safety_open=is_open & (rows["severity"] == "patient-safety"),
    )
    columns = ["n_corrections", "n_corrections_open", "n_corrections_verified", "n_safety_open"]
    return rows.groupby("resource_id")[columns].sum().astype(int)


def _attention(out: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """A patient-safety correction that no tutor has decided yet, or a confidentiality flag,
    is never hidden behind an average: the resource needs a tutor's attention."""
    safety = out["n_safety_open"].fillna(0).astype(int)
    privacy = out["flag_confidentiality"]
    reasons = []
    for s, p in zip(safety, privacy, strict=True):
        parts = []
        if s:
            parts.append(f"{s} open patient-safety correction{'s' if s > 1 else ''}")
        if p:
            parts.append(f"{p} confidentiality flag{'s' if p > 1 else ''}")
        reasons.append("; ".join(parts))
    return (safety > 0) | (privacy > 0), pd.Series(reasons, index=out.index, dtype=object)
