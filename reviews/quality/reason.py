"""Why a resource's score differs from the plain average of its reviews, in one sentence a
student can read, from the model's own numbers (reviews.quality.aggregate).

The model's estimate of a resource is, with each review r of it weighted by its reviewer's say
``w`` (precision x slope^2, coordination damping included)::

    score = level + shrink * zbar,   zbar = sum(w z) / sum(w),   shrink = sum(w) / (gamma + sum(w))

where ``z = a (read - level - b) / E[a^2]`` is the review with its reviewer's bias ``b`` taken
off and their slope ``a`` undone, ``read`` the score as the model read it (an end score of the
scale at its imputed "at least" value) and ``gamma`` the precision of the quality prior. So the
difference from the plain mean ``xbar`` splits exactly into four parts, each of which has its
own words::

    score - xbar = (sum(w x) / sum(w) - xbar)              some reviewers count more or less
                 + sum(w (read - x)) / sum(w)              end scores read as "at least"
                 + sum(w (z + level - read)) / sum(w)      reviewers' usual ratings taken off
                 + (shrink - 1) * zbar                     pulled toward the class's rating

The sentence names the one or two largest parts that push the way the score moved, with counts
from the resource's own reviewers ("2 of 9 reviewers who rate almost everything 5 count less").
Numbers only: no learner-written text goes into it (the card escapes it all the same).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from reviews.quality.aggregate import Estimate

Floats = npt.NDArray[np.float64]

LESS = 0.5  # a say below half the median learner's "counts less"
FOLLOWS = 0.3  # a slope below this does not follow quality
SAME = 0.7  # a reviewer giving one score this often "rates almost everything" that score
HABIT = 0.5  # of one step of the scale: a usual bias worth naming
NOTABLE = 0.1  # of one step: a part of the difference worth a word
CLOSE = 0.05  # of one step: a score this close to the mean is "close to the plain average"

# The parts of the difference (see the module docstring).
WEIGHTS, ENDS, BIAS, TOWARD = range(4)

# Why a reviewer who counts less does: one code per reviewer, words per code.
GROUP, SAME_SCORE, RANDOM, ERRATIC = 0, 1, 2, 3
WHO = {
    GROUP: "who rate in step with a group of accounts",
    RANDOM: "whose scores do not follow the resources' quality",
    ERRATIC: "whose scores are erratic",
}


def number(x: float) -> str:
    """A score as a student reads it: one decimal at most, no trailing zero."""
    return f"{x:.1f}".rstrip("0").rstrip(".") if np.isfinite(x) else "-"


def reasons(
    per_review: pd.DataFrame, est: Estimate, lo: float, hi: float, step: float | None
) -> pd.Series:
    """One sentence per resource of ``est.resources`` (index ``resource_id``): why its score
    differs from the plain mean of ``per_review`` (the frame the estimate was fitted to)."""
    res, rev, fit = est.resources, est.reviewers, est.fit
    scored = per_review[per_review["score"].notna()]
    if res.empty or scored.empty:
        return pd.Series("", index=res.index, dtype=object)
    span = hi - lo
    step_ = step if step else span / 20
    u = res.index.get_indexer(pd.Index(scored["resource_id"]))
    v = rev.index.get_indexer(pd.Index(scored["reviewer"]))
    n_u = len(res)
    score = scored["score"].to_numpy(dtype=float)
    x = np.clip((score - lo) / span, 0.0, 1.0)
    read = fit.read
    a2 = np.nan_to_num(fit.slope**2 + fit.slope_var)[v]  # E[slope^2]
    say = np.nan_to_num(fit.weight)[v] / np.maximum(a2, 1e-12)  # precision x damping
    k = say * np.nan_to_num(fit.slope)[v]  # the weight of each review in the estimate
    bias = np.nan_to_num(fit.bias)[v]

    n = np.bincount(u, minlength=n_u).astype(float)
    total_k = np.bincount(u, k, n_u)
    some = total_k > 1e-12
    safe = np.where(some, total_k, 1.0)
    mean_x = np.bincount(u, x, n_u) / np.maximum(n, 1)
    weighted_x = np.where(some, np.bincount(u, k * x, n_u) / safe, mean_x)
    parts = np.zeros((n_u, 4))
    parts[:, WEIGHTS] = weighted_x - mean_x
    parts[:, ENDS] = np.where(some, np.bincount(u, k * (read - x), n_u) / safe, 0.0)
    parts[:, BIAS] = np.where(some, -np.bincount(u, k * bias, n_u) / safe, 0.0)
    corrected = weighted_x + parts[:, ENDS] + parts[:, BIAS] - fit.level
    precision = 1 / fit.quality_sd**2 + np.bincount(u, say * a2, n_u)
    parts[:, TOWARD] = (total_k / precision - 1) * corrected
    shown = ((res["score"].to_numpy(dtype=float) - lo) / span) - mean_x
    parts, shown = parts * span, shown * span  # on the rubric's scale from here on

    words = _Words(scored, rev, u, v, n_u, x, read, lo, hi, step_)
    words.away = total_k > precision
    level = lo + span * fit.level
    out = []
    for i in range(n_u):
        out.append(words.sentence(i, int(n[i]), shown[i], parts[i], lo + span * mean_x[i], level))
    return pd.Series(out, index=res.index, dtype=object)


class _Words:
    """Per-resource counts behind the words, computed once for all resources."""

    def __init__(self, scored: pd.DataFrame, rev: pd.DataFrame, u: npt.NDArray[np.intp],
                 v: npt.NDArray[np.intp], n_u: int, x: Floats, read: Floats, lo: float,
                 hi: float, step: float) -> None:  # fmt: skip
        self.lo, self.hi, self.step = lo, hi, step
        self.away = np.zeros(n_u, dtype=bool)
        tutor = rev["is_tutor"].to_numpy(dtype=bool)
        weight = rev["weight"].to_numpy(dtype=float)
        slope = rev["slope"].to_numpy(dtype=float)
        bias = rev["bias"].to_numpy(dtype=float)
        counts = scored.groupby(["reviewer", "score"]).size()
        top = counts.groupby(level=0).max() / counts.groupby(level=0).sum()
        modal = counts.groupby(level=0).idxmax().map(lambda key: key[1])
        share = top.reindex(rev.index).to_numpy(dtype=float)
        mode = modal.reindex(rev.index).to_numpy(dtype=float)
        still = slope < FOLLOWS
        group = rev["coordinated"].to_numpy(dtype=bool)
        why = np.where(still & (share >= SAME), SAME_SCORE,
                       np.where(group, GROUP, np.where(still, RANDOM, ERRATIC)))  # fmt: skip
        less = ~tutor & (weight < LESS)
        self.less = np.zeros((n_u, 4))
        np.add.at(self.less, (u[less[v]], why[v][less[v]]), 1)
        lazy = less[v] & (why[v] == SAME_SCORE)
        self.same_lo = np.full(n_u, np.inf)
        self.same_hi = np.full(n_u, -np.inf)
        np.minimum.at(self.same_lo, u[lazy], mode[v][lazy])
        np.maximum.at(self.same_hi, u[lazy], mode[v][lazy])
        self.tutors = np.bincount(u, tutor[v], n_u)
        self.tutor_weight = np.zeros(n_u)
        np.maximum.at(self.tutor_weight, u, np.where(tutor[v], weight[v], 0.0))
        habit = ~tutor & (np.abs(bias) >= HABIT * step)
        self.lenient = np.bincount(u, habit[v] & (bias[v] > 0), n_u)
        self.harsh = np.bincount(u, habit[v] & (bias[v] < 0), n_u)
        self.lenient_sum = np.bincount(u, np.where(habit[v] & (bias[v] > 0), bias[v], 0.0), n_u)
        self.harsh_sum = np.bincount(u, np.where(habit[v] & (bias[v] < 0), bias[v], 0.0), n_u)
        imputed = np.abs(read - x) > 1e-9
        self.tops = np.bincount(u, imputed & (x >= 1 - 1e-9), n_u)
        self.bottoms = np.bincount(u, imputed & (x <= 1e-9), n_u)

    def sentence(self, i: int, n: int, shown: float, parts: Floats, mean: float,
                 level: float) -> str:  # fmt: skip
        if n == 0 or not np.isfinite(shown):
            return ""
        if abs(shown) < CLOSE * self.step:
            return f"Close to the plain average of its {_count(n, 'review')}."
        direction = np.sign(shown)
        order = np.argsort(-np.abs(parts))
        chosen = [k for k in order if np.sign(parts[k]) == direction
                  and abs(parts[k]) >= NOTABLE * self.step][:2]  # fmt: skip
        if not chosen:
            chosen = [int(order[0])]
        phrases = [self._phrase(int(k), i, n, parts[k], level) for k in chosen]
        where = "Higher" if shown > 0 else "Lower"
        because = " and ".join(phrases)
        return f"{where} than the plain average ({number(mean)}) because {because}."

    def _phrase(self, part: int, i: int, n: int, value: float, level: float) -> str:
        if part == WEIGHTS:
            return self._say(i, n, value)
        if part == ENDS:
            if value > 0:
                k, bound = int(self.tops[i]), number(self.hi - self.step / 2)
                return f"{_of(k, n, 'review')} {_give(k)} the top score, read as 'at least {bound}'"
            k, bound = int(self.bottoms[i]), number(self.lo + self.step / 2)
            return f"{_of(k, n, 'review')} {_give(k)} the lowest score, read as 'at most {bound}'"
        if part == BIAS:
            return self._habits(i, n, value)
        if self.away[i]:  # slopes below 1 read the scores further from the level
            return "its reviewers squeeze their scores toward the middle of the scale"
        usual = f"it leans towards the class's usual rating ({number(level)})"
        return f"{usual} with only {_count(n, 'review')}" if n < 5 else usual

    def _say(self, i: int, n: int, value: float) -> str:
        if self.tutors[i] and self.tutor_weight[i] >= 2:
            return f"a tutor's review counts for about {self.tutor_weight[i]:.0f} learners'"
        counts = self.less[i]
        k = int(counts.sum())
        if k == 0:
            return "the more consistent reviewers count more"
        why = int(np.argmax(counts))
        if why == SAME_SCORE:
            lo_, hi_ = self.same_lo[i], self.same_hi[i]
            who = (f"who rate almost everything {number(lo_)}" if lo_ == hi_
                   else "who give almost everything the same score")  # fmt: skip
        else:
            who = WHO[why]
        return f"{_of(k, n, 'reviewer')} {who} {_verb('count', k)} less"

    def _habits(self, i: int, n: int, value: float) -> str:
        # value < 0: scores were read down, so the lenient reviewers are the reason
        k = int(self.lenient[i] if value < 0 else self.harsh[i])
        usual = "higher" if value < 0 else "lower"
        if k:
            total = self.lenient_sum[i] if value < 0 else self.harsh_sum[i]
            by = number(abs(total) / k)
            who = _of(k, n, "reviewer")
            return f"{who} usually {_verb('rate', k)} about {by} {usual} than the class"
        by = number(abs(value))
        if n == 1:
            return f"its only reviewer usually rates about {by} {usual} than the class"
        return f"its reviewers usually rate about {by} {usual} than the class, on average"


def _count(k: int, noun: str) -> str:
    return f"{k} {noun}{'' if k == 1 else 's'}"


def _of(k: int, n: int, noun: str) -> str:
    """ "2 of 9 reviewers", "the only review", "both reviewers"."""
    if n == 1:
        return f"its only {noun}"
    if k == n:
        return f"all {n} {noun}s" if n > 2 else f"both {noun}s"
    return f"{k} of {n} {noun}s"


def _give(k: int) -> str:
    return "gives" if k == 1 else "give"


def _verb(verb: str, k: int) -> str:
    """ "1 of 9 reviewers counts", "2 of 9 reviewers count"."""
    return verb + "s" if k == 1 else verb
