"""Coordinated groups: accounts that rate the same resources the same way, against the rest.

A brigade (several accounts pushing or sinking a few chosen resources) is the local majority on
its targets, so a per-resource statistic (median, trimmed mean) follows it, and a reliability
model finds its members consistent with each other. What gives a brigade away is the pattern
across resources: the same accounts, again and again, giving the same score to the same
resource where everyone else (or, with nobody else, the workbook as a whole) sees it
differently. Honest classmates who often review the same resources agree with each other too,
but mostly *with* the rest of the class.

The test, all vectorised (sorting and ``np.unique``, no loop over reviews):

1. an *against-the-rest event* is a group of at least two reviews of one resource with the same
   score (to a tenth of the rubric's range) that lies at least ``DEVIATION`` of the range from
   the mean of the resource's other reviews (with the workbook level as one extra pseudo-review,
   so that a resource reviewed by the group alone is compared with the workbook);
2. for every pair of accounts, count the events they share;
3. a pair sharing at least ``MIN_SHARED`` events, which make up at least ``MIN_SHARE`` of all
   the resources both reviewed, is coordinated; an account of such a pair is flagged when
   those shared events are at least ``ACCOUNT_SHARE`` of its own reviews (a prolific honest
   reviewer meets every small group somewhere; a brigade account exists for its targets).

Coordinated accounts keep ``DAMP`` of their say in resource estimates (see
reviews.quality.aggregate.fit): down-weighted and shown to tutors with the reason, never deleted,
because a tutor may know better (two friends who revise together, say).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.intp]

DEVIATION = 0.3  # of the rubric's range: 1.2 stars, 9 AIR points
MIN_SHARED = 2
MIN_SHARE = 0.5
ACCOUNT_SHARE = 0.3
MIN_GROUP = 2
MAX_GROUP = 200  # larger same-score groups are a popular resource, not a small brigade
BINS = 10  # scores within a tenth of the range count as "the same"
DAMP = 0.05
HABIT_PRIOR = 5.0  # pseudo-reviews at no deviation in an account's usual deviation


@dataclass(frozen=True)
class Coordination:
    """Per reviewer: ``flagged``, the number of coordinated ``partners`` and the number of
    resources on which they rated with a partner against the rest (``shared``)."""

    flagged: npt.NDArray[np.bool_]
    partners: Ints
    shared: Ints

    @property
    def damp(self) -> Floats:
        return np.where(self.flagged, DAMP, 1.0)


def detect(
    resource: Ints,
    reviewer: Ints,
    x: Floats,
    n_resources: int,
    n_reviewers: int,
    level: float,
    exempt: npt.NDArray[np.bool_] | None = None,
) -> Coordination:
    """Find coordinated accounts among reviews ``x`` (unit scale) of ``resource[r]`` by
    ``reviewer[r]``; ``exempt[v]`` (tutors) are never flagged and never form events."""
    u = np.asarray(resource, dtype=np.int64)
    v = np.asarray(reviewer, dtype=np.int64)
    none = Coordination(
        np.zeros(n_reviewers, dtype=bool),
        np.zeros(n_reviewers, dtype=np.intp),
        np.zeros(n_reviewers, dtype=np.intp),
    )
    if len(x) < 2 * MIN_SHARED:
        return none
    group = u * (BINS + 1) + np.floor(np.asarray(x) * BINS + 0.5).astype(np.int64)
    size = np.bincount(group, minlength=n_resources * (BINS + 1))
    total = np.bincount(group, x, minlength=n_resources * (BINS + 1))
    n_u = np.bincount(u, minlength=n_resources)
    sum_u = np.bincount(u, x, minlength=n_resources)
    rest_n = n_u[u] - size[group]
    rest_mean = (sum_u[u] - total[group] + level) / (rest_n + 1)
    deviation = x - rest_mean
    in_group = (size[group] >= MIN_GROUP) & (size[group] <= MAX_GROUP)
    # An account's habit is not a campaign: a learner who is lenient by a star everywhere
    # "agrees against the rest" with every other lenient learner on a third of a dense class.
    # Deviations are measured from the account's own usual deviation on its other reviews
    # (those that are not against the rest): about 0 for a brigade account's camouflage,
    # the bias itself for a consistently lenient or harsh learner. A habit needs a record:
    # the mean is shrunk toward 0 by HABIT_PRIOR pseudo-reviews.
    usual = np.abs(deviation) < DEVIATION
    n_usual = np.bincount(v, usual, minlength=n_reviewers)
    sum_usual = np.bincount(v, np.where(usual, deviation, 0.0), minlength=n_reviewers)
    habit = sum_usual / (n_usual + HABIT_PRIOR)
    event = (np.abs(deviation - habit[v]) >= DEVIATION) & in_group
    if exempt is not None:
        event &= ~exempt[v]
    pairs, shared = _shared_events(group[event], v[event], n_reviewers)
    n_v = np.bincount(v, minlength=n_reviewers)
    # Only pairs in which at least one account could be flagged (see ACCOUNT_SHARE) are worth
    # checking; this keeps prolific honest reviewers' many chance meetings out of the count.
    lighter = np.minimum(n_v[pairs[:, 0]], n_v[pairs[:, 1]])
    keep = (shared >= MIN_SHARED) & (shared >= ACCOUNT_SHARE * lighter)
    pairs, shared = pairs[keep], shared[keep]
    if len(pairs) == 0:
        return none
    both = _co_reviewed(pairs, u, v, n_resources)
    coordinated = shared >= MIN_SHARE * both
    pairs, shared = pairs[coordinated], shared[coordinated]
    ends = np.concatenate([pairs[:, 0], pairs[:, 1]])
    most = np.zeros(n_reviewers, dtype=np.int64)
    np.maximum.at(most, ends, np.concatenate([shared, shared]))
    # An account is coordinated when such events are a real part of what it does: a prolific
    # honest reviewer meets every small group somewhere, a brigade account exists for it.
    flagged = (most > 0) & (most >= ACCOUNT_SHARE * n_v)
    partners = np.bincount(ends, flagged[np.concatenate([pairs[:, 1], pairs[:, 0]])],
                           minlength=n_reviewers).astype(np.intp)  # fmt: skip
    partners[~flagged] = 0
    return Coordination(flagged, partners, np.where(flagged, most, 0).astype(np.intp))


def _shared_events(group: npt.NDArray[np.int64], v: npt.NDArray[np.int64], n_reviewers: int):
    """Every pair of reviewers in the same event, with how many events each pair shares."""
    order = np.argsort(group, kind="stable")
    group, v = group[order], v[order]
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    sizes = np.diff(np.r_[starts, len(group)])
    position = np.arange(len(group))
    group_end = np.repeat(starts + sizes, sizes)
    later = group_end - position - 1  # partners after this review in its group
    left = np.repeat(position, later)
    offset = np.arange(len(left)) - np.repeat(np.cumsum(later) - later, later)
    right = left + 1 + offset
    lo, hi = np.minimum(v[left], v[right]), np.maximum(v[left], v[right])
    keys, counts = np.unique(lo * n_reviewers + hi, return_counts=True)
    pairs = np.stack([keys // n_reviewers, keys % n_reviewers], axis=1)
    return pairs, counts


def _co_reviewed(
    pairs: npt.NDArray[np.int64],
    u: npt.NDArray[np.int64],
    v: npt.NDArray[np.int64],
    n_resources: int,
) -> npt.NDArray[np.int64]:
    """How many resources both reviewers of each pair reviewed: the lighter reviewer's
    resources are looked up among the other's (so the cost is the candidates' reviews, not
    every pair in the workbook)."""
    n_v = np.bincount(v)
    swap = n_v[pairs[:, 0]] > n_v[pairs[:, 1]]
    light = np.where(swap, pairs[:, 1], pairs[:, 0])
    heavy = np.where(swap, pairs[:, 0], pairs[:, 1])
    order = np.argsort(v, kind="stable")
    start = np.r_[0, np.cumsum(n_v)[:-1]]
    counts = n_v[light]
    pair_of = np.repeat(np.arange(len(pairs)), counts)
    within = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    their_u = u[order][np.repeat(start[light], counts) + within]
    keys = np.sort(v * n_resources + u)
    probe = heavy[pair_of] * n_resources + their_u
    hit = keys[np.minimum(np.searchsorted(keys, probe), len(keys) - 1)] == probe
    return np.bincount(pair_of, hit, minlength=len(pairs)).astype(np.int64)
