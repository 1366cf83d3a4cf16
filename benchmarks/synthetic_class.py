"""Simulated classes with known true quality, for the aggregation benchmark.

Follows the benchmark design of the project's aggregation reference: latent quality per
resource, heavy-tailed review counts (about 70 % of resources have three reviews or fewer),
Pareto reviewer activity, and a mix of reviewer behaviours:

- ``honest``: bias ~ N(0, 0.35 stars), own noise level (log-normal around 0.55 stars);
- ``biased``: lenient or harsh by a full star (on top of an honest reviewer's bias);
- ``central``: squeezes every score toward the middle of the scale (slope 0.4);
- ``lazy``: always the same score, whatever the resource;
- ``spammer``: uniformly random scores;
- ``troll``: one star most of the time, on whatever they review;
- ``brigade``: groups of accounts pushing weak resources to the top (or sinking good ones to
  the bottom), each account camouflaged by a few honest reviews elsewhere.

Two generator families turn what a reviewer perceives into a score:

- ``gaussian``: perceived quality plus Gaussian noise, rounded to the scale: the model's home;
- ``thresholds``: every reviewer has their own ordinal cut-points (some never give a 5, some
  use 2 for what others call 3), so a Gaussian model has no home advantage.

Tutors review a few per cent of resources (``gold``) with little noise; those resources are
left out of the accuracy metrics, since their truth was given away.

Everything is on a 1-5 star scale; ``unit`` quality runs 0-1 (0 = 1 star, 1 = 5 stars).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

LO, HI = 1.0, 5.0
KINDS = ("honest", "biased", "central", "lazy", "spammer", "troll", "brigade")


@dataclass
class Scenario:
    name: str
    resources: int = 2_000
    reviews_per_resource: float = 3.0  # mean of the heavy-tailed counts
    reviewers: int = 600
    mix: dict[str, float] = field(default_factory=dict)  # kind -> share of reviewers
    brigades: int = 0  # groups of BRIGADE_SIZE accounts
    family: str = "gaussian"
    gold: float = 0.03  # share of resources a tutor reviewed
    dense: bool = False  # a classroom: each learner reviews each resource with a probability


BRIGADE_SIZE = 8
BRIGADE_TARGETS = 5
CAMOUFLAGE = 3


@dataclass
class Simulated:
    reviews: pd.DataFrame  # resource_id, reviewer, is_tutor, score (stars)
    truth: pd.Series  # resource_id -> true quality in stars
    gold: set[str]
    targets: dict[str, int]  # resource_id -> +1 pushed / -1 sunk by a brigade
    kinds: pd.Series  # reviewer -> kind


def simulate(scenario: Scenario, seed: int) -> Simulated:
    rng = np.random.default_rng(seed)
    n_res = scenario.resources
    quality = np.clip(rng.normal(0.6, 0.2, n_res), 0.0, 1.0)
    counts = _heavy_tailed_counts(rng, n_res, scenario.reviews_per_resource, scenario.dense)

    n_rev = scenario.reviewers
    kinds = _kinds(rng, n_rev, scenario.mix)
    activity = rng.pareto(1.2, n_rev) + 1.0
    if scenario.dense:  # a classroom: every learner reviews each resource with probability p
        share = min(1.0, scenario.reviews_per_resource / n_rev)
        u, v = np.nonzero(rng.random((n_res, n_rev)) < share)
    else:
        u, v = _assign(rng, counts, activity)

    bias = rng.normal(0.0, 0.35 / 4, n_rev)
    bias[kinds == "biased"] += rng.choice([-0.25, 0.25], (kinds == "biased").sum())
    noise = np.exp(rng.normal(np.log(0.55 / 4), 0.35, n_rev))
    slope = np.where(kinds == "central", 0.4, 1.0)
    lazy_value = rng.choice([0.5, 0.75, 1.0], n_rev)
    cuts = _cut_points(rng, n_rev, scenario.family)

    perceived = 0.5 + slope[v] * (quality[u] - 0.5) + bias[v] + rng.normal(0, 1, len(u)) * noise[v]
    score = _to_stars(perceived, cuts[v])
    kind_r = kinds[v]
    score = np.where(kind_r == "lazy", LO + 4 * lazy_value[v], score)
    score = np.where(kind_r == "spammer", rng.integers(1, 6, len(u)).astype(float), score)
    troll_low = rng.random(len(u)) < 0.8
    score = np.where(kind_r == "troll", np.where(troll_low, 1.0, rng.integers(1, 6, len(u))), score)
    frame = pd.DataFrame({"u": u, "v": v, "score": score})

    targets: dict[int, int] = {}
    brigade_rows = []
    for g in range(scenario.brigades):
        members = rng.choice(np.flatnonzero(kinds == "honest"), BRIGADE_SIZE, replace=False)
        kinds[members] = "brigade"
        frame = frame[~frame["v"].isin(members)]
        push = g % 2 == 0
        pool = np.flatnonzero(quality < 0.45) if push else np.flatnonzero(quality > 0.7)
        chosen = rng.choice(pool, BRIGADE_TARGETS, replace=False)
        for t in chosen:
            targets[int(t)] = 1 if push else -1
        for m in members:
            for t in chosen:
                brigade_rows.append((t, m, HI if push else LO))
            for c in rng.choice(n_res, CAMOUFLAGE, replace=False):
                honest = 0.5 + (quality[c] - 0.5) + bias[m] + rng.normal(0, noise[m])
                brigade_rows.append((c, m, float(_to_stars(np.array([honest]), cuts[[m]])[0])))
    if brigade_rows:
        extra = pd.DataFrame(brigade_rows, columns=["u", "v", "score"])
        frame = pd.concat([frame, extra]).drop_duplicates(["u", "v"], keep="last")

    gold_idx = rng.choice(n_res, round(scenario.gold * n_res), replace=False)
    tutor_scores = np.clip(
        np.round(LO + 4 * quality[gold_idx] + rng.normal(0, 0.2, len(gold_idx))), LO, HI
    )
    tutor = pd.DataFrame({"u": gold_idx, "v": -1, "score": tutor_scores})
    frame = pd.concat([frame, tutor], ignore_index=True)

    res_id = np.array([f"res_{i}" for i in range(n_res)], dtype=object)
    rev_id = np.array([f"learner_{i}" for i in range(n_rev)], dtype=object)
    reviews = pd.DataFrame(
        {
            "resource_id": res_id[frame["u"].to_numpy()],
            "reviewer": np.where(frame["v"] >= 0, rev_id[frame["v"].clip(0)], "tutor"),
            "is_tutor": frame["v"].to_numpy() < 0,
            "score": frame["score"].to_numpy(dtype=float),
        }
    )
    return Simulated(
        reviews=reviews,
        truth=pd.Series(LO + 4 * quality, index=res_id),
        gold=set(res_id[gold_idx]),
        targets={res_id[t]: d for t, d in targets.items()},
        kinds=pd.Series(kinds, index=rev_id),
    )


def _heavy_tailed_counts(rng: np.random.Generator, n: int, mean: float, dense: bool) -> np.ndarray:
    """Log-normal counts, about 70 % at three or fewer when the mean is 3 (most resources are
    seen by few; a few by many). (A classroom is drawn apart: see ``simulate``.)"""
    sigma = 1.1
    raw = rng.lognormal(np.log(mean) - sigma**2 / 2, sigma, n)
    return np.maximum(1, np.round(raw)).astype(int)


def _kinds(rng: np.random.Generator, n: int, mix: dict[str, float]) -> np.ndarray:
    kinds = np.full(n, "honest", dtype=object)
    order = rng.permutation(n)
    start = 0
    for kind, share in mix.items():
        k = round(share * n)
        kinds[order[start : start + k]] = kind
        start += k
    return kinds


def _assign(rng: np.random.Generator, counts: np.ndarray, activity: np.ndarray):
    """Reviewers for each resource's review slots, in proportion to activity, one review per
    reviewer and resource (duplicates dropped, so counts come out slightly lower)."""
    u = np.repeat(np.arange(len(counts)), counts)
    p = activity / activity.sum()
    v = rng.choice(len(activity), len(u), p=p)
    keep = pd.DataFrame({"u": u, "v": v}).drop_duplicates().index.to_numpy()
    return u[keep], v[keep]


def _cut_points(rng: np.random.Generator, n: int, family: str) -> np.ndarray:
    """Four cut-points per reviewer between the five stars (on the unit scale)."""
    base = np.array([0.125, 0.375, 0.625, 0.875])
    if family == "gaussian":
        return np.tile(base, (n, 1))
    jitter = rng.normal(0, 0.08, (n, 4)) + rng.normal(0, 0.06, (n, 1))
    return np.sort(base + jitter, axis=1)


def _to_stars(perceived: np.ndarray, cuts: np.ndarray) -> np.ndarray:
    return LO + (perceived[:, None] > cuts).sum(axis=1).astype(float)
