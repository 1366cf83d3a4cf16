"""The quality estimate: a reviewer bias + reliability model fit across the whole workbook.

Why not the average of stars: most resources have one to three reviews, so one harsh, lenient,
lazy or malicious reviewer moves an average a long way, and popularity stands in for quality.
Each reviewer's history across resources says how far to trust them. The model is PG1 of
Piech et al. 2013 ("Tuned Models of Peer Assessment in MOOCs", arXiv:1307.2579), with a
per-reviewer slope added:

    x[r] = level + a[v] * s[u] + b[v] + e[r],   e[r] ~ N(0, 1 / tau[v])

for review r by reviewer v of resource u, on the unit scale (0 = the rubric's lowest possible
score, 1 = its highest), with priors

    s[u] ~ N(0, 1/gamma0)     quality around the workbook level: shrinkage when reviews are few
    b[v] ~ N(0, 1/eta0)       bias: harsh < 0 < lenient
    a[v] ~ mixture            slope: 1 follows quality, 0 ignores it (a constant or random
                              rater), 0.5 squeezes every score toward the middle; most
                              reviewers near 1, some near 0 (see priors.slopes)
    tau[v] ~ Gamma(shape0, shape0 * noise^2)   precision: how consistent they are

Why the slope: without it, a reviewer who always gives 4 stars looks consistent (their
residuals are only the spread of quality) and keeps most of their say; with it their slope goes
to 0 and their say (tau * a^2) with it.

Fit: mean-field variational Bayes (Gaussian q for s, b, a; Gamma q for tau), i.e. alternating
closed-form updates, each a few ``np.bincount`` over the review index arrays: no Python loop
over reviews. The spreads (gamma0, eta0, shape0, the typical noise, the share of reviewers who
follow quality) are estimated from the workbook itself (empirical Bayes) with robust statistics,
so that spammers do not widen every prior, and so that in a class of equally careful reviewers
everyone keeps an equal say: on honest data the model must do no harm.
Tutors' reviews are the anchor: their bias is clamped to 0, their slope to 1 and their noise
to 5 % of the range plus the scale's rounding, so one tutor review counts for several
consistent learners' (about nine on AIR's 5-35, two or three on 5 stars, where a star is a
rounded judgement whoever gives it) and identifies the bias of every learner who reviewed the
same resources.

Top and bottom scores are treated as censored ("at least 4.5 stars"), see :func:`_impute`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from reviews.quality.coordination import detect
from reviews.quality.priors import (
    BIAS_SD,
    DEFAULT_BIAS_SD,
    DEFAULT_NOISE_SD,
    DEFAULT_QUALITY_SD,
    FOLLOW_SHARE,
    MIN_FOR_EB,
    QUALITY_SD,
    TAU_SHAPE,
    bias_centre,
    dot,
    first_bias_centre,
    initial_noise,
    initial_quality_var,
    middle_mean,
    precision_shape,
    slopes,
    spread,
)
from reviews.quality.stats import truncated_normal_moments

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.intp]
Bools = npt.NDArray[np.bool_]

TUTOR_SD = 0.05  # a tutor's noise, as a share of the rubric's range, before rounding
NOISE_SAMPLE = 50_000  # residuals used for the robust noise estimate (a median)
# Mean-field posteriors are too narrow (Bishop 2006, Pattern Recognition and Machine Learning,
# section 10.1.2), and star scales add rounding that a Gaussian only approximates: intervals
# are widened by this factor, calibrated by benchmarks/calibrate_intervals.py on seeds of its
# own (500-519, 2026-12-01: the factor whose coverage averaged over each workload's simulated
# scenarios is closest to nominal) and checked by benchmarks/aggregation.md on other seeds.
INFLATION = 1.23
Z80, Z95 = 1.2815515655446004, 1.959963984540054


@dataclass(frozen=True)
class Fit:
    """The fitted model on the unit scale.

    Per resource: ``quality`` and its posterior ``sd`` (NaN for a resource without reviews).
    Per reviewer: ``bias``, ``slope``, ``noise_sd``, ``weight`` (the precision of one of their
    reviews in a resource's estimate, coordination damping included) and ``reliability`` (the
    share of the variance of their scores that is quality: a one-rater intraclass
    correlation), ``slope_var`` (the posterior variance of the slope). Per review, in the
    order given: ``read``, the score as the model read it (censored end scores at their
    imputed latent value). Workbook: ``level`` and the estimated spreads."""

    quality: Floats
    sd: Floats
    level: float
    quality_sd: float
    bias_sd: float
    noise_sd_typical: float
    bias: Floats
    slope: Floats
    noise_sd: Floats
    weight: Floats
    reliability: Floats
    iterations: int
    slope_var: Floats
    read: Floats


def fit(
    resource: Ints,
    reviewer: Ints,
    x: Floats,
    n_resources: int,
    tutor: Bools,
    damp: Floats | None = None,
    step: float | None = None,
    max_iterations: int = 40,
    tol: float = 2.5e-3,
) -> Fit:
    """Fit the model to reviews ``x`` (unit scale, no NaN) of ``resource[r]`` by
    ``reviewer[r]``. ``tutor[v]`` marks anchor reviewers; ``damp[v]`` in (0, 1] scales a
    reviewer's say in resource estimates (coordinated accounts, see reviews.quality.coordination)
    without changing what is learned about the reviewer. ``step`` is the smallest difference
    between two scores (unit scale); with five points or more, end scores are censored.
    Iterates until 99.9 % of the estimates move by less than ``tol`` in a round (a quarter of a
    percent of the range, 0.01 star: on 1,000,000 simulated reviews the accuracy stops
    changing in the fourth decimal several rounds before that)."""
    model = _Model(np.asarray(resource, dtype=np.intp), np.asarray(reviewer, dtype=np.intp),
                   np.asarray(x, dtype=float), n_resources, np.asarray(tutor, dtype=bool),
                   damp, step)  # fmt: skip
    if len(model.x) == 0:
        return model.empty()
    iterations = 0
    for iterations in range(1, max_iterations + 1):
        # Censored scores are re-imputed every round at first, then every other round: the
        # imputations settle early and cost a tenth of a round (the fixed point is the same).
        impute = 1 < iterations <= 4 or iterations % 2 == 0
        if model.step(impute=impute) < tol and iterations > 2:
            break
    return model.result(iterations)


class _Model:
    """The state of the variational fit: means m_* and variances v_* of q(s), q(b), q(a), and
    E[tau]. One :meth:`step` updates every block once."""

    def __init__(self, u: Ints, v: Ints, x: Floats, n_resources: int, tutor: Bools,
                 damp: Floats | None, step: float | None) -> None:  # fmt: skip
        self.u, self.v, self.x, self.tutor = u, v, x, tutor
        n_reviewers = len(tutor)
        self.nu_, self.nv_ = n_resources, n_reviewers
        self.damp = np.ones(n_reviewers) if damp is None else np.asarray(damp, dtype=float)
        self.damp_r = self.damp[v]
        self.learner = ~tutor
        self.tutor_r = np.flatnonzero(tutor[v])
        self.n_u = np.bincount(u, minlength=n_resources).astype(float)
        self.n_v = np.bincount(v, minlength=n_reviewers).astype(float)
        self.steady = self.learner & (self.n_v >= 3)  # enough reviews to say how they rate
        self.others_f = (self.n_u[u] >= 2).astype(float)  # resources someone else reviewed
        self.sign_r = 1 - 2 * self.others_f
        self.known = np.flatnonzero(self.learner & (self.n_v >= 5))
        several = np.flatnonzero(~tutor[v] & (self.n_v[v] >= 3))
        self.sample = several[:: max(1, len(several) // NOISE_SAMPLE)]
        well = self.n_u >= 3 if (self.n_u >= 3).sum() >= MIN_FOR_EB else self.n_u > 0
        self.well = np.flatnonzero(well)
        censor = step is not None and step <= 0.25 + 1e-9
        self.top = np.flatnonzero(x >= 1 - 1e-9) if censor else np.zeros(0, dtype=np.intp)
        self.bottom = np.flatnonzero(x <= 1e-9) if censor else np.zeros(0, dtype=np.intp)
        self.half_step = (step or 0.0) / 2
        self.ends = np.concatenate([self.top, self.bottom])
        # Start from the plain means: every later step only has to correct them.
        self.level = float(x.mean()) if len(x) else 0.5
        self.y = x - self.level  # the scores around the level, censored ends imputed
        self.extra = np.zeros(len(x))  # their imputation variance
        self.extra_v = np.zeros(n_reviewers)  # its sum per reviewer
        self.m_s = np.bincount(u, self.y, n_resources) / np.maximum(self.n_u, 1)
        self.v_s = np.zeros(n_resources)
        self.m_b, self.v_b = np.zeros(n_reviewers), np.zeros(n_reviewers)
        self.m_a, self.v_a = np.ones(n_reviewers), np.zeros(n_reviewers)
        self.noise2 = initial_noise(self.y, self.m_s[u], self.n_u[u]) if len(x) else 0.0
        # A tutor is careful, but gives whole points too: rounding adds step^2 / 12.
        self.tutor_tau = 1 / (TUTOR_SD**2 + (step or 0.0) ** 2 / 12)
        self.tau = np.where(tutor, self.tutor_tau, 1 / max(self.noise2, 1e-12))
        self.gamma0 = 1 / initial_quality_var(self.m_s, self.n_u, self.noise2)
        self.eta0 = 1 / DEFAULT_BIAS_SD**2
        self.follow = FOLLOW_SHARE
        self.shape0 = TAU_SHAPE
        self.centre = first_bias_centre()
        self.follows = np.ones(n_reviewers)  # the chance that each reviewer follows quality
        # The learners whose biases locate the class's centre: those with a few reviews, not
        # found coordinated (a brigade's "bias" is its campaign).
        steady = self.steady & (self.damp >= 1)
        enough = steady if steady.sum() >= MIN_FOR_EB else self.learner & (self.n_v > 0)
        self.centred = np.flatnonzero(enough)

    def step(self, impute: bool) -> float:
        """One round of updates; returns how far the quality estimates moved (the 99.9th
        percentile: the last few are resources whose only reviewers are being found out as
        constant raters, creeping toward the level over many rounds).

        Speed: a reviewer's parameters multiply whole sums, so per-reviewer coefficients are
        gathered once (``k_a[v]`` rather than ``tau[v] * damp[v] * a[v]``) and sums over a
        reviewer's reviews are expanded (sum (y - b - a s) = sum y - n b - a sum s): about
        twenty passes over the reviews per round."""
        u, v, nu_, nv_, learner = self.u, self.v, self.nu_, self.nv_, self.learner
        tau, n_v = self.tau, self.n_v
        say = tau * self.damp  # a reviewer's say in a resource's estimate
        if impute:
            self._impute()
        y = self.y

        # Quality: a precision-weighted mean of the bias-corrected, slope-scaled scores.
        previous = self.level + self.m_s
        k_a = say * self.m_a
        prec_s = self.gamma0 + np.bincount(u, (say * (self.m_a**2 + self.v_a))[v], nu_)
        self.m_s = np.bincount(u, k_a[v] * y - (k_a * self.m_b)[v], nu_) / prec_s
        self.v_s = 1 / prec_s
        s_r = self.m_s[u]
        sum_y, sum_s = _sum(v, y, nv_), _sum(v, s_r, nv_)

        # Bias: what is left of the reviewer's scores once quality is explained, shrunk to 0.
        # A reviewer's own parameters are learned at full weight (tau), never damped.
        prec_b = self.eta0 + tau * n_v
        self.m_b = np.where(learner, tau * (sum_y - self.m_a * sum_s) / prec_b, 0.0)
        self.v_b = np.where(learner, 1 / prec_b, 0.0)
        sum_y = sum_y - n_v * self._recentre(say, s_r, sum_y, sum_s)

        # Slope: regression of the reviewer's scores on quality (see reviews.quality.priors.slopes).
        vs_r = self.v_s[u]
        sum_s2 = _sum(v, s_r * s_r + vs_r, nv_)
        sum_sb = _sum(v, s_r * y, nv_) - self.m_b * sum_s  # sum s (y - b)
        m_a, v_a, self.follow, follows = slopes(tau * sum_s2, tau * sum_sb, self.follow)
        self.follows = np.where(learner, follows, 1.0)
        self.m_a = np.where(learner, m_a, 1.0)
        self.v_a = np.where(learner, v_a, 0.0)
        c = self._rescale()  # s was rescaled by c: folded into per-reviewer factors below
        sum_s, sum_s2 = sum_s * c, sum_s2 * (c * c)

        # Precision: Gamma posterior from the expected squared residuals, which include the
        # uncertainty of s, b and a, so that a reviewer alone on a resource is not "perfect":
        # E[(y - a s - b)^2] = (y - m_a m_s - m_b)^2 + m_a^2 v_s + v_a (m_s^2 + v_s) + v_b.
        # Where others reviewed the resource too, the residual is taken against the quality
        # estimated *without* this review: otherwise a reviewer with a large say pulls the
        # estimate toward their own score, looks consistent, gets a larger say, and so on,
        # until one reviewer decides everything. Leave-one-out in closed form: with leverage
        # h = w a^2 v_s, the residual is resid / (1 - h), and E[its square] = noise^2 +
        # a^2 v_s / (1 - h), so that variance is taken off rather than added. (In-place
        # arithmetic: at a million reviews, fresh temporaries cost as much as the sums.)
        a_c = self.m_a * c  # the slope in the units s_r and vs_r are still in
        resid = self.m_b[v]
        np.subtract(y, resid, out=resid)
        loo = a_c[v]
        loo *= s_r
        resid -= loo  # y - b - a s
        keep = (say * (self.m_a**2 + self.v_a) * (c * c))[v]
        keep *= vs_r
        np.minimum(keep, 0.99, out=keep)
        keep *= self.others_f
        np.subtract(1.0, keep, out=keep)  # 1 - h; 1 where nobody else reviewed the resource
        np.divide(resid, keep, out=loo)
        point2 = np.multiply(loo, loo, out=loo)
        variance = (a_c * a_c)[v]
        variance *= vs_r
        variance /= keep
        variance *= self.sign_r  # taken off (shared) or added (alone)
        sample = self.sample
        if len(sample) >= MIN_FOR_EB:
            # Median / 0.455 (the median of a chi-square(1)), so spammers cannot inflate it,
            # plus the mean posterior variance the residuals do not show.
            i, j = v[sample], u[sample]
            hidden = (variance[sample] + self.v_a[i] * (self.m_s[j] ** 2 + self.v_s[j])
                      + self.v_b[i] + self.extra[sample])  # fmt: skip
            noise2 = np.median(point2[sample]) / 0.455 + np.mean(hidden)
            self.noise2 = float(np.clip(noise2, 0.02**2, 0.5**2))
        point2 += variance
        ss = (np.bincount(v, point2, nv_) + self.v_a * sum_s2 + n_v * self.v_b
              + self.extra_v)  # fmt: skip
        ss = np.maximum(ss, 0.05 * n_v * self.noise2)  # a reviewer is never noiseless
        self.shape0 = precision_shape(ss, n_v, self.steady, self.shape0)
        shape = self.shape0 + n_v / 2
        self.tau = np.where(
            self.tutor, self.tutor_tau, shape / (self.shape0 * self.noise2 + ss / 2)
        )

        # The workbook level given everything else (tutors weigh most in it).
        say = self.tau * self.damp
        resid_sum = sum_y - n_v * self.m_b - self.m_a * sum_s
        self._shift(dot(say, resid_sum) / dot(say, n_v))
        # Spreads (EM updates). Mean-field posteriors ignore that one review of a resource
        # nobody else reviewed cannot tell quality from bias, so they are too narrow there and
        # the updates would collapse toward no spread at all: estimate each spread where the
        # data separate them (resources with 3+ reviews, learners with 5+ reviews).
        well, sure = self.well, self.known
        second_s = self.m_s[well] ** 2 + self.v_s[well]
        self.gamma0 = 1 / spread(second_s, QUALITY_SD, DEFAULT_QUALITY_SD)
        second_b = self.m_b[sure] ** 2 + self.v_b[sure]
        self.eta0 = 1 / spread(second_b, BIAS_SD, DEFAULT_BIAS_SD)
        moved = np.abs(self.level + self.m_s - previous)
        k = int(0.999 * (len(moved) - 1))
        return float(np.partition(moved, k)[k])

    def _impute(self) -> None:
        """Scores at the ends of a scale are censored: a 5-star review says "at least 4.5",
        and averaging it as 5 pulls every excellent resource toward 4.6 (Zarkoob et al., AAAI
        2023, on censoring in discrete peer grades). EM for a censored Gaussian (a tobit model)
        replaces it by its expected latent value under the current fit, and adds the variance
        of that value to the residuals."""
        for idx, upper, cut in (
            (self.top, True, 1 - self.half_step - self.level),
            (self.bottom, False, self.half_step - self.level),
        ):
            if len(idx):
                who = self.v[idx]
                predicted = self.m_a[who] * self.m_s[self.u[idx]] + self.m_b[who]
                sd = 1 / np.sqrt(self.tau[who])
                self.y[idx], self.extra[idx] = truncated_normal_moments(predicted, sd, cut, upper)
        ends = self.ends
        self.extra_v = np.bincount(self.v[ends], self.extra[ends], self.nv_).astype(float)

    def _shift(self, d: float) -> None:
        self.level += d
        self.y -= d

    def _recentre(self, say: Floats, s_r: Floats, sum_y: Floats, sum_s: Floats) -> float:
        """Only level + b is seen in a learner's scores, so moving the level by d and every
        learner's bias by -d changes nothing but the bias prior and the tutors' fit. Make that
        move at once (as parameter-expanded EM does) instead of letting the updates creep
        along it for hundreds of iterations, to where the tutors' reviews and the learners'
        biases agree. The learners' centre is the random-effects centre of their own bias
        estimates (:func:`reviews.quality.priors.bias_centre`): every learner counts by how well
        their bias is known and whether they follow quality at all, not by their say. When
        everyone reviews nearly everything this centre *is* the estimates' shared error, and
        the say-weighted centre used before (which censored lenient learners barely enter)
        moved every score in a simulated class by up to a fifth of a star."""
        tr = self.tutor_r
        who = self.centred
        n = self.n_v[who]
        own = (sum_y[who] - self.m_a[who] * sum_s[who]) / n
        own_var = 1 / (self.tau[who] * n)
        w = say[self.v[tr]]
        tutor_sum = float(np.sum(w * (self.y[tr] - s_r[tr])))
        self.centre = bias_centre(
            own, own_var, self.follows[who], tutor_sum, float(np.sum(w)), self.centre
        )
        d = self.centre.shift if np.isfinite(self.centre.shift) else 0.0
        self._shift(d)
        self.m_b = np.where(self.learner, self.m_b - d, 0.0)
        return d

    def _rescale(self) -> float:
        """Only a * s is seen, so the scale of s is set by the typical learner: rescale so that
        the middle slopes of learners with several reviews average 1 (as an item-response model
        fixes its scale). Without it, s shrinks while slopes grow: a slow drift that
        compresses every estimate toward the middle. Returns the factor applied to s."""
        if self.steady.sum() < MIN_FOR_EB:
            return 1.0
        c = middle_mean(self.m_a[self.steady])
        if c <= 0.2:  # a class of constant raters has no scale to speak of
            return 1.0
        self.m_a = np.where(self.learner, self.m_a / c, 1.0)
        self.v_a = np.where(self.learner, self.v_a / c**2, 0.0)
        self.m_s, self.v_s = self.m_s * c, self.v_s * c**2
        return c

    def result(self, iterations: int) -> Fit:
        u, v, tau, n_v = self.u, self.v, self.tau, self.n_v
        ea2 = self.m_a**2 + self.v_a
        # For the interval a reviewer's noise variance is E[1/tau] = B/(A-1), not 1/E[tau] =
        # B/A: integrating over the unknown precision (a Student-t predictive) matters for
        # reviewers with few reviews, whose precision is barely known.
        shape = self.shape0 + n_v / 2
        w = (tau * np.where(self.tutor, 1.0, (shape - 1) / shape) * self.damp)[v]
        prec = self.gamma0 + np.bincount(u, w * ea2[v], self.nu_)
        # Mean-field VB treats s and b as independent; add back the uncertainty of each
        # reviewer's bias that passes into the estimate (d s / d b = -w a / precision).
        passed = np.bincount(u, (w * self.m_a[v]) ** 2 * self.v_b[v], self.nu_) / prec**2
        var = 1 / prec + passed + self._level_var()
        reviewed = self.n_u > 0
        has = n_v > 0
        signal = ea2 / self.gamma0
        return Fit(
            quality=np.where(reviewed, self.level + self.m_s, np.nan),
            sd=np.where(reviewed, INFLATION * np.sqrt(var), np.nan),
            level=self.level,
            quality_sd=float(np.sqrt(1 / self.gamma0)),
            bias_sd=float(np.sqrt(1 / self.eta0)),
            noise_sd_typical=float(np.sqrt(self.noise2)),
            bias=np.where(has, self.m_b, np.nan),
            slope=np.where(has, self.m_a, np.nan),
            noise_sd=np.where(has, 1 / np.sqrt(tau), np.nan),
            weight=np.where(has, tau * ea2 * self.damp, np.nan),
            reliability=np.where(has, signal / (signal + 1 / tau), np.nan),
            iterations=iterations,
            slope_var=np.where(has, self.v_a, np.nan),
            read=self.y + self.level,
        )

    def _level_var(self) -> float:
        """Uncertainty of the workbook level, shared by every estimate: only the prior on
        learner biases and the tutors' reviews pin it down (with thirty learners and no tutor,
        the class's mean bias is unknown to about bias_sd / sqrt(30))."""
        prec = self.centre.precision
        prec += float(np.sum(self.tau[self.tutor] * self.n_v[self.tutor]))
        return 1 / prec if prec > 0 else 0.0

    def empty(self) -> Fit:
        nan_u, nan_v = np.full(self.nu_, np.nan), np.full(self.nv_, np.nan)
        return Fit(nan_u, nan_u, np.nan, DEFAULT_QUALITY_SD, DEFAULT_BIAS_SD, DEFAULT_NOISE_SD,
                   nan_v, nan_v, nan_v, nan_v, nan_v, 0, nan_v, np.zeros(0))  # fmt: skip


def _sum(index: Ints, weights: Floats, n: int) -> Floats:
    """Sums of ``weights`` per value of ``index`` (``np.bincount``, typed as floats)."""
    return np.bincount(index, weights, n).astype(np.float64, copy=False)


@dataclass(frozen=True)
class Estimate:
    """The model's output on the rubric's own scale, as tables.

    ``resources`` (index ``resource_id``): ``score``, ``sd`` and the 80 % and 95 % intervals
    ``score_low80, score_high80, score_low95, score_high95``, clipped to the scale.
    ``reviewers`` (index ``reviewer``): ``n_reviews, is_tutor, bias, slope, noise_sd,
    reliability, weight`` (1.0 = the median learner's say in an estimate), ``coordinated``,
    ``partners`` and ``shared`` (see reviews.quality.coordination)."""

    resources: pd.DataFrame
    reviewers: pd.DataFrame
    fit: Fit


def _numbered(values: pd.Series) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.object_]]:
    """Each value's number (0, 1, … in order of appearance) and the distinct values, as plain
    objects: a categorical column (the store's tables) is numbered from its codes."""
    codes, uniques = pd.factorize(values)
    return codes, np.asarray(uniques, dtype=object)


def estimate(per_review: pd.DataFrame, lo: float, hi: float, step: float | None = None) -> Estimate:
    """Fit the model to one rubric's per-review scores: columns ``resource_id, reviewer,
    is_tutor, score`` on the scale ``lo..hi`` whose scores are ``step`` apart. Reviews without
    a score (every item left unanswered) are ignored."""
    scored = per_review[per_review["score"].notna()]
    u, resource_ids = _numbered(scored["resource_id"])
    v, reviewer_ids = _numbered(scored["reviewer"])
    span = hi - lo
    x = ((scored["score"].to_numpy(dtype=float) - lo) / span).clip(0.0, 1.0)
    tutor = np.zeros(len(reviewer_ids), dtype=bool)
    tutor[v[scored["is_tutor"].to_numpy(dtype=bool)]] = True
    level = float(x.mean()) if len(x) else 0.5
    coordination = detect(u, v, x, len(resource_ids), len(reviewer_ids), level, exempt=tutor)
    unit_step = None if step is None else step / span
    result = fit(u, v, x, len(resource_ids), tutor, damp=coordination.damp, step=unit_step)

    resources = pd.DataFrame(
        {"score": lo + span * np.clip(result.quality, 0, 1), "sd": span * result.sd},
        index=pd.Index(resource_ids, name="resource_id"),
    )
    for z, tag in ((Z80, "80"), (Z95, "95")):
        resources[f"score_low{tag}"] = lo + span * np.clip(result.quality - z * result.sd, 0, 1)
        resources[f"score_high{tag}"] = lo + span * np.clip(result.quality + z * result.sd, 0, 1)

    # 1.0 = the say of the median learner among those not found coordinated
    plain = result.weight[~tutor & ~coordination.flagged]
    pool = plain if len(plain) else result.weight[~tutor] if (~tutor).any() else result.weight
    typical = float(np.median(pool)) if len(pool) else 1.0
    reviewers = pd.DataFrame(
        {
            "n_reviews": np.bincount(v, minlength=len(reviewer_ids)),
            "is_tutor": tutor,
            "bias": span * result.bias,
            "slope": result.slope,
            "noise_sd": span * result.noise_sd,
            "reliability": result.reliability,
            "weight": result.weight / typical if typical > 0 else result.weight,
            "coordinated": coordination.flagged,
            "partners": coordination.partners,
            "shared": coordination.shared,
        },
        index=pd.Index(reviewer_ids, name="reviewer"),
    )
    return Estimate(resources, reviewers, result)
