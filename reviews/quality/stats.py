"""Small statistics the summaries rest on: Krippendorff's alpha and the Wilson lower bound.

Written here from their published definitions (the PyPI ``krippendorff`` package is GPL-3.0,
and each computation is a few lines of numpy). Both are vectorised: agreement over a whole
workbook and lower bounds for every flag of every resource are one call each.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

Level = Literal["nominal", "ordinal", "interval", "ratio"]
LEVELS: tuple[Level, ...] = ("nominal", "ordinal", "interval", "ratio")

#: Krippendorff (2004, 2011): alpha >= .800 to rely on the data, .667 <= alpha < .800 only for
#: tentative conclusions.
RELIABLE, TENTATIVE = 0.800, 0.667


@dataclass(frozen=True)
class Alpha:
    """Krippendorff's alpha with the data it rests on: units with at least two values (the
    only ones that can be paired) and the number of values in them. ``alpha`` is NaN when no
    value can be paired or all pairable values are equal (disagreement is then undefined)."""

    alpha: float
    n_units: int
    n_values: int

    @property
    def interpretation(self) -> str:
        if self.n_units == 0:
            return "not enough data"
        if np.isnan(self.alpha):
            return "undefined (no variation)"
        if self.alpha >= RELIABLE:
            return "reliable"
        return "tentative" if self.alpha >= TENTATIVE else "low"


def krippendorff_alpha(data: npt.ArrayLike, level: Level = "ordinal") -> float:
    """Krippendorff's alpha of a reviewers x units array, NaN marking a missing value."""
    return alpha_details(data, level).alpha


def alpha_details(data: npt.ArrayLike, level: Level = "ordinal") -> Alpha:
    """:func:`krippendorff_alpha` with the number of pairable units and values."""
    matrix = np.asarray(data, dtype=float)
    if matrix.ndim != 2:
        raise ValueError("data must be a 2-D array: reviewers x units")
    reviewer_idx, unit_idx = np.nonzero(~np.isnan(matrix))
    return alpha_long(unit_idx, matrix[reviewer_idx, unit_idx], level)


def alpha_long(units: npt.ArrayLike, values: npt.ArrayLike, level: Level = "ordinal") -> Alpha:
    """Krippendorff's alpha from long data: one (unit, value) per rating, NaN values dropped.

    The long form is what a workbook holds (a review per row); a reviewers x units matrix of a
    large workbook would be mostly empty. Follows Krippendorff (2011), "Computing
    Krippendorff's Alpha-Reliability", sections C and E:

    - the coincidence matrix ``o[c, k] = sum_u n_uc * (n_uk - [c == k]) / (m_u - 1)`` over the
      units u with m_u >= 2 values, where n_uc counts value c in unit u;
    - ``alpha = 1 - (n - 1) * sum(o * delta2) / sum(n_c * n_k * delta2)`` with n_c the marginals
      of o and n their total (the pairable values), delta2 the level's difference function.
    """
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)} (got {level!r})")
    unit_arr = np.asarray(units)
    value_arr = np.asarray(values, dtype=float)
    keep = ~np.isnan(value_arr)
    unit_codes = np.unique(unit_arr[keep], return_inverse=True)[1].reshape(-1)
    value_set, value_codes = np.unique(value_arr[keep], return_inverse=True)
    value_codes = value_codes.reshape(-1)
    m_u = np.bincount(unit_codes) if len(unit_codes) else np.zeros(0, dtype=int)
    pairable = m_u[unit_codes] >= 2
    n_units = int((m_u >= 2).sum())
    n_values = int(pairable.sum())
    if n_values == 0:
        return Alpha(float("nan"), 0, 0)
    # n_uc as a dense units x values table: a rubric scale has at most 21 points.
    n_v = len(value_set)
    counts = np.bincount(
        unit_codes[pairable] * n_v + value_codes[pairable], minlength=len(m_u) * n_v
    ).reshape(len(m_u), n_v)
    inv = np.zeros(len(m_u))
    inv[m_u >= 2] = 1.0 / (m_u[m_u >= 2] - 1)
    coincidence = (counts * inv[:, None]).T @ counts - np.diag(inv @ counts)
    marginals = coincidence.sum(axis=1)
    total = marginals.sum()
    delta2 = _delta2(value_set, marginals, level)
    expected = marginals @ delta2 @ marginals
    if expected <= 0:
        return Alpha(float("nan"), n_units, n_values)
    observed = float((coincidence * delta2).sum())
    return Alpha(float(1.0 - (total - 1.0) * observed / expected), n_units, n_values)


def _delta2(values: np.ndarray, marginals: np.ndarray, level: Level) -> np.ndarray:
    """Squared difference between every pair of values (Krippendorff 2011, section E)."""
    c, k = values[:, None], values[None, :]
    if level == "nominal":
        return (c != k).astype(float)
    if level == "interval":
        return (c - k) ** 2
    if level == "ratio":
        with np.errstate(invalid="ignore", divide="ignore"):
            out = ((c - k) / (c + k)) ** 2
        return np.nan_to_num(out)  # 0/0 when both values are 0: no difference
    # ordinal: the marginals strictly between c and k, plus half of each end, squared.
    cum = np.cumsum(marginals)
    rank = np.arange(len(values))
    lo, hi = np.minimum.outer(rank, rank), np.maximum.outer(rank, rank)
    between = cum[hi] - cum[lo] + marginals[lo] - (marginals[lo] + marginals[hi]) / 2.0
    return np.where(lo == hi, 0.0, between) ** 2


def wilson_lower_bound(
    pos: npt.ArrayLike, n: npt.ArrayLike, z: float = 1.96
) -> npt.NDArray[np.float64]:
    """Lower bound of the Wilson score interval for a share ``pos / n`` (Wilson 1927).

    ``LB = (p + z^2/2n - z * sqrt(p(1-p)/n + z^2/4n^2)) / (1 + z^2/n)``. Counts may be weighted
    (floats): votes weighted by reliability. Ranking by the lower bound rather than the share
    keeps one agreeing vote of one (share 1.0, LB 0.21) below 40 of 50 (share 0.8, LB 0.67).
    With no votes at all (n == 0) the bound is 0: nothing supports the claim yet.
    """
    pos_arr = np.asarray(pos, dtype=float)
    n_arr = np.asarray(n, dtype=float)
    safe = np.where(n_arr > 0, n_arr, 1.0)
    p = np.clip(pos_arr / safe, 0.0, 1.0)
    z2 = z * z
    centre = p + z2 / (2 * safe)
    spread = z * np.sqrt(p * (1 - p) / safe + z2 / (4 * safe * safe))
    bound = (centre - spread) / (1 + z2 / safe)
    bound = np.where(pos_arr > 0, np.clip(bound, 0.0, 1.0), 0.0)  # exactly 0, not 2e-17
    return np.asarray(np.where(n_arr > 0, bound, 0.0), dtype=np.float64)


def truncated_normal_moments(
    mean: npt.ArrayLike, sd: npt.ArrayLike, cut: npt.ArrayLike, upper: bool = True
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Mean and variance of z ~ N(mean, sd^2) given z >= cut (``upper``) or z <= cut.

    For the upper tail, with alpha = (cut - mean) / sd and lambda = phi(alpha) / (1 -
    Phi(alpha)) the inverse Mills ratio: E = mean + sd * lambda, Var = sd^2 (1 + alpha lambda
    - lambda^2) (Johnson, Kotz & Balakrishnan, Continuous Univariate Distributions, vol. 1,
    ch. 13); the lower tail by symmetry.
    """
    sign = 1.0 if upper else -1.0
    mu = sign * np.asarray(mean, dtype=float)
    sigma = np.asarray(sd, dtype=float)
    alpha = (sign * np.asarray(cut, dtype=float) - mu) / sigma
    lam = inverse_mills(alpha)
    var = sigma**2 * np.maximum(1.0 + alpha * lam - lam**2, 0.0)
    return sign * (mu + sigma * lam), var


def inverse_mills(alpha: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """phi(a) / (1 - Phi(a)) without cancellation in the far tail.

    numpy has no erfc; this uses erfc(z) = t exp(-z^2 + P(t)), t = 1 / (1 + z/2), z >= 0 (Press
    et al., Numerical Recipes, 2nd ed., section 6.2, fractional error below 1.2e-7), in which the
    exp(-z^2) of phi and of the tail cancel exactly.
    """
    a = np.asarray(alpha, dtype=float)
    z = np.abs(a) / np.sqrt(2.0)
    t = 1.0 / (1.0 + 0.5 * z)
    coefficients = (-1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806,
                    0.27886807, -1.13520398, 1.48851587, -0.82215223, 0.17087277)  # fmt: skip
    poly = np.zeros_like(t)
    for c in reversed(coefficients):
        poly = poly * t + c
    root_2pi = np.sqrt(2.0 * np.pi)
    upper = 2.0 / (root_2pi * t * np.exp(poly))  # a >= 0: phi / (erfc / 2), exp(-z^2) cancelled
    phi = np.exp(-(a**2) / 2) / root_2pi
    lower = phi / (1.0 - 0.5 * t * np.exp(-(z**2) + poly))  # a < 0: 1 - Phi = 1 - erfc(z) / 2
    return np.asarray(np.where(a >= 0, upper, lower), dtype=np.float64)
