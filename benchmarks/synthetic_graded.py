"""A second, independent classroom generator: graded (ordinal) responses, kept apart from
benchmarks/synthetic_class.py so that the model is not only checked on the data it was tuned on.

Everything differs from the first generator on purpose: its own random streams, settings and
code, and behaviours the first one does not have:

- the class itself varies from seed to seed: 24-36 learners, 80-120 resources, each learner
  reviewing 90-98 % of them;
- true quality is skewed (Beta(2.2, 1.6) on the unit scale: most resources decent, a tail of
  weak ones), not a clipped normal;
- every learner has their own discrimination (slope ~ lognormal(0, 0.2)), bias ~ N(0, 0.3
  stars) and *logistic* noise (heavier tails than Gaussian), then their own ordinal cut-points
  between the stars (a graded-response model, Samejima 1969), some of whom never give the top
  or the bottom score;
- strongly ``biased`` learners are lenient more often than harsh (7 in 10), by 0.6-1.4 stars:
  the class's average bias is not zero in expectation, as it is in the first generator;
- ``lazy`` learners give 4 or 5 stars to everything, ``central`` ones squeeze toward 3,
  ``spammer`` and ``troll`` as in the first generator; a ``brigade`` of 6 accounts gives 5
  stars to 4 weak resources, each account camouflaged by 4 honest reviews;
- one tutor reviews 4 % of the resources (noise 0.15 stars, rounded), left out of the metrics.

Scores are on the 1-5 star scale; the truth is 1 + 4 * quality.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from synthetic_class import HI, LO, Scenario, Simulated

BRIGADE_ACCOUNTS = 6
BRIGADE_TARGETS = 4
CAMOUFLAGE = 4
SEED_OFFSET = 7_919  # its own random streams: seed s here is not seed s of synthetic_class


def simulate_graded(scenario: Scenario, seed: int) -> Simulated:
    """One simulated class; ``scenario`` gives the mix of reviewer kinds and brigades (its
    size settings are replaced by this generator's own)."""
    rng = np.random.default_rng([SEED_OFFSET, seed])
    n_rev = int(rng.integers(24, 37))
    n_res = int(rng.integers(80, 121))
    coverage = rng.uniform(0.90, 0.98)
    quality = rng.beta(2.2, 1.6, n_res)

    kinds = np.full(n_rev, "honest", dtype=object)
    order = rng.permutation(n_rev)
    start = 0
    for kind, share in scenario.mix.items():
        k = round(share * n_rev)
        kinds[order[start : start + k]] = kind
        start += k

    slope = np.exp(rng.normal(0.0, 0.2, n_rev))
    slope[kinds == "central"] = 0.4
    bias = rng.normal(0.0, 0.3 / 4, n_rev)
    strong = kinds == "biased"
    direction = np.where(rng.random(strong.sum()) < 0.7, 1.0, -1.0)
    bias[strong] += direction * rng.uniform(0.15, 0.35, strong.sum())
    noise = rng.gamma(6.0, 0.45 / 4 / 6.0, n_rev)  # logistic scale; sd = scale * pi / sqrt(3)
    cuts = _cut_points(rng, n_rev)

    u, v = np.nonzero(rng.random((n_res, n_rev)) < coverage)
    frame = pd.DataFrame({"u": u, "v": v})
    frame["score"] = _graded(rng, quality[u], slope[v], bias[v], noise[v], cuts[v])
    kind_r = kinds[v]
    lazy_value = rng.choice([4.0, 5.0], n_rev, p=[0.6, 0.4])
    frame.loc[kind_r == "lazy", "score"] = lazy_value[v[kind_r == "lazy"]]
    spam = kind_r == "spammer"
    frame.loc[spam, "score"] = rng.integers(1, 6, spam.sum()).astype(float)
    troll = kind_r == "troll"
    frame.loc[troll, "score"] = np.where(
        rng.random(troll.sum()) < 0.75, LO, rng.integers(1, 6, troll.sum())
    ).astype(float)

    targets: dict[int, int] = {}
    for _ in range(scenario.brigades):
        honest = np.flatnonzero(kinds == "honest")
        members = rng.choice(honest, min(BRIGADE_ACCOUNTS, len(honest)), replace=False)
        kinds[members] = "brigade"
        frame = frame[~frame["v"].isin(members)]
        weak = np.flatnonzero(quality < np.quantile(quality, 0.3))
        chosen = rng.choice(weak, BRIGADE_TARGETS, replace=False)
        targets |= {int(t): 1 for t in chosen}
        rows = []
        for m in members:
            rows += [(t, m, HI) for t in chosen]
            others = rng.choice(np.setdiff1d(np.arange(n_res), chosen), CAMOUFLAGE, replace=False)
            honest_scores = _graded(rng, quality[others], slope[[m]], bias[[m]], noise[[m]],
                                    cuts[[m]])  # fmt: skip
            rows += list(zip(others, [m] * CAMOUFLAGE, honest_scores, strict=True))
        frame = pd.concat([frame, pd.DataFrame(rows, columns=["u", "v", "score"])])

    gold = rng.choice(n_res, max(1, round(0.04 * n_res)), replace=False)
    tutor_scores = np.clip(
        np.round(LO + 4 * quality[gold] + rng.normal(0, 0.15, len(gold))), LO, HI
    )
    frame = pd.concat([frame, pd.DataFrame({"u": gold, "v": -1, "score": tutor_scores})])

    res_id = np.array([f"item_{i}" for i in range(n_res)], dtype=object)
    rev_id = np.array([f"student_{i}" for i in range(n_rev)], dtype=object)
    uu, vv = frame["u"].to_numpy(dtype=int), frame["v"].to_numpy(dtype=int)
    reviews = pd.DataFrame(
        {
            "resource_id": res_id[uu],
            "reviewer": np.where(vv >= 0, rev_id[np.maximum(vv, 0)], "tutor"),
            "is_tutor": vv < 0,
            "score": frame["score"].to_numpy(dtype=float),
        }
    )
    return Simulated(
        reviews=reviews,
        truth=pd.Series(LO + 4 * quality, index=res_id),
        gold=set(res_id[gold]),
        targets={res_id[t]: d for t, d in targets.items()},
        kinds=pd.Series(kinds, index=rev_id),
    )


def _cut_points(rng: np.random.Generator, n: int) -> np.ndarray:
    """Four increasing cut-points per learner; some never give a 5 (top cut raised), some
    never a 1 (bottom cut lowered)."""
    base = np.array([0.125, 0.375, 0.625, 0.875])
    cuts = base + rng.normal(0, 0.04, (n, 1)) + rng.normal(0, 0.06, (n, 4))
    cuts[rng.random(n) < 0.15, 3] += 0.15
    cuts[rng.random(n) < 0.10, 0] -= 0.15
    return np.sort(cuts, axis=1)


def _graded(
    rng: np.random.Generator,
    quality: np.ndarray,
    slope: np.ndarray,
    bias: np.ndarray,
    noise: np.ndarray,
    cuts: np.ndarray,
) -> np.ndarray:
    """Stars from perceived quality with logistic noise and the learner's own cut-points."""
    p = rng.random(len(quality)).clip(1e-9, 1 - 1e-9)
    perceived = 0.5 + slope * (quality - 0.5) + bias + noise * np.log(p / (1 - p))
    return LO + (perceived[:, None] > cuts).sum(axis=1).astype(float)
