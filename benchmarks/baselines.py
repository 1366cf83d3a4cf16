"""What the quality model is compared with: the estimates a spreadsheet would give.

All vectorised over a reviews table (``resource_id``, ``score``), as the project's aggregation
reference recommends (never ``groupby.apply`` per resource).
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def mean(reviews: pd.DataFrame) -> pd.Series:
    return reviews.groupby("resource_id")["score"].mean()


def median(reviews: pd.DataFrame) -> pd.Series:
    return reviews.groupby("resource_id")["score"].median()


def trimmed_mean(reviews: pd.DataFrame, cut: float = 0.2) -> pd.Series:
    """Mean after dropping floor(cut * n) reviews at each end (sort + cumcount); equal to the
    mean for four reviews or fewer."""
    ordered = reviews.sort_values(["resource_id", "score"])
    rank = ordered.groupby("resource_id").cumcount().to_numpy()
    n = ordered.groupby("resource_id")["score"].transform("size").to_numpy()
    drop = np.floor(cut * n)
    kept = ordered[(rank >= drop) & (rank < n - drop)]
    return kept.groupby("resource_id")["score"].mean()


def bayesian_average(reviews: pd.DataFrame) -> pd.Series:
    """(C * m + sum(x)) / (m + n): C the mean of all reviews, m = var_within / var_between in
    pseudo-reviews (empirical Bayes, both variances by moments)."""
    grouped = reviews.groupby("resource_id")["score"]
    n, total, means = grouped.size(), grouped.sum(), grouped.mean()
    within = grouped.var()[n >= 2].mean()
    within = within if within == within else 1.0  # no resource with two reviews
    between = max(means.var() - (within / n).mean(), 1e-3 * within)
    m = within / between
    return (reviews["score"].mean() * m + total) / (m + n)


METHODS = {
    "mean": mean,
    "median": median,
    "trimmed mean": trimmed_mean,
    "Bayesian average": bayesian_average,
}
