"""Empirical-Bayes priors of the quality model (aggregate.py): how the workbook's own data
set how much to trust thin evidence.

Every spread the model shrinks toward (of true quality, of reviewer biases, of reviewers'
precisions and slopes) is estimated from the workbook itself, with robust statistics so that a
few spammers or lazy raters cannot widen the priors for everyone, and with defaults for a
workbook too small to tell. Bounds keep a strange workbook from producing absurd priors.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]

FOLLOW_SD = 0.15  # spread of the slopes of reviewers who follow quality (around 1)
STRAY = (0.5, 0.5)  # mean and spread of the slopes of those who do not (lazy, random)
FOLLOW_SHARE = 0.9  # prior share of reviewers who follow quality, until estimated
TAU_SHAPE = 2.0  # default shape of the precision prior (worth about four reviews' residuals)
SHAPE_BOUNDS = (1.0, 10.0)  # its estimated shape: from very different to much alike
QUALITY_SD = (0.03, 0.5)  # bounds on the estimated spread of true quality
BIAS_SD = (0.02, 0.3)  # bounds on the estimated spread of reviewer biases
DEFAULT_QUALITY_SD = 0.2  # used until there are enough resources to estimate it
DEFAULT_NOISE_SD = 0.15  # used until there are enough repeated reviews to estimate it
DEFAULT_BIAS_SD = 0.1  # used until enough learners have 5+ reviews (0.4 stars)
MIN_FOR_EB = 5  # values needed before a spread is estimated from the workbook


def dot(a: Floats, b: Floats) -> float:
    """The dot product of two vectors without BLAS: numpy hands ``a @ b`` to a threaded BLAS,
    whose threads spin for each other on a shared machine (measured: 2 ms for 40,000 values
    under load, against 0.02 ms for this)."""
    return float(np.einsum("i,i->", a, b))


def initial_noise(y: Floats, mean_r: Floats, n_r: Floats) -> float:
    """Pooled within-resource variance (with the n/(n-1) correction) as a first guess of the
    typical reviewer's noise; the default when too few resources have two reviews."""
    several = n_r >= 2
    if several.sum() < MIN_FOR_EB:
        return DEFAULT_NOISE_SD**2
    dev2 = (y[several] - mean_r[several]) ** 2 * n_r[several] / (n_r[several] - 1)
    return float(np.clip(np.median(dev2) / 0.455, 0.02**2, 0.5**2))


def initial_quality_var(m_s: Floats, n_u: Floats, noise2: float) -> float:
    """Between-resource variance by moments (variance of means minus their sampling noise)."""
    reviewed = n_u > 0
    if reviewed.sum() < MIN_FOR_EB:
        return DEFAULT_QUALITY_SD**2
    var = float(np.var(m_s[reviewed]) - np.mean(noise2 / n_u[reviewed]))
    return float(np.clip(var, QUALITY_SD[0] ** 2, QUALITY_SD[1] ** 2))


def slopes(
    data_prec: Floats, data_sum: Floats, follow: float
) -> tuple[Floats, Floats, float, Floats]:
    """Posterior mean and variance of every reviewer's slope, the share who follow quality,
    and for each reviewer the probability that they follow it.

    The prior is a mixture: most reviewers follow quality (slope 1 +- FOLLOW_SD), some do not
    (STRAY: lazy or random raters, slope near 0). A single wide prior would let every honest
    reviewer's slope wander with the noise of a few reviews, and weights (tau * a^2) would vary
    for nothing; a single narrow one would never let a lazy rater's slope reach 0. Each
    component is conjugate given the data's own estimate (sum / precision); the reviewer's
    posterior is the mixture weighted by how well each component explains that estimate,
    moment-matched to one Gaussian, kept at or above 0 so that a reviewer who rates against
    the class loses their say instead of being inverted. The share is an EM update."""
    safe = np.maximum(data_prec, 1e-12)
    own = data_sum / safe  # the slope the reviewer's data alone suggest
    means, variances, evidence = [], [], []
    for centre, sd, share in ((1.0, FOLLOW_SD, follow), (STRAY[0], STRAY[1], 1 - follow)):
        prec = 1 / sd**2 + data_prec
        means.append((centre / sd**2 + data_sum) / prec)
        variances.append(1 / prec)
        spread = sd**2 + 1 / safe
        evidence.append(share * np.exp(-((own - centre) ** 2) / (2 * spread)) / np.sqrt(spread))
    total = evidence[0] + evidence[1]
    r = np.where(total > 0, evidence[0] / np.where(total > 0, total, 1), follow)
    mean = r * means[0] + (1 - r) * means[1]
    second = r * (variances[0] + means[0] ** 2) + (1 - r) * (variances[1] + means[1] ** 2)
    new_follow = float(np.clip(np.mean(r), 0.5, 0.99)) if len(r) else follow
    return np.maximum(mean, 0.0), np.maximum(second - mean**2, 1e-12), new_follow, r


def precision_shape(ss: Floats, n_v: Floats, steady: Bools, previous: float) -> float:
    """Empirical Bayes for how alike reviewers' precisions are: the shape of their Gamma prior.

    Each reviewer's mean squared residual r = ss / n is their noise variance times a
    chi-square(n) / n, whose log has variance trigamma(n / 2); what the robust spread of
    log r across reviewers has beyond that is the real spread of log noise variances, and a
    Gamma(shape) precision has log-variance trigamma(shape) ~ 1/shape + 1/(2 shape^2). In a
    class of equally careful reviewers the shape is large and everyone keeps an equal say
    (estimating precisions one by one would only add noise to the weights); with spammers or
    uneven care it is small and each reviewer's own record counts. The interquartile range
    keeps a few spammers from deciding it for everyone."""
    if steady.sum() < MIN_FOR_EB:
        return previous
    n = n_v[steady]
    log_r = np.log(np.maximum(ss[steady] / n, 1e-12))
    q1, q3 = np.quantile(log_r, [0.25, 0.75])
    half = n / 2
    sampling = np.mean(1 / half + 1 / (2 * half**2) + 1 / (6 * half**3))  # trigamma(n/2)
    spread = ((q3 - q1) / 1.349) ** 2 - sampling
    if spread <= 1 / SHAPE_BOUNDS[1]:
        return SHAPE_BOUNDS[1]
    shape = (1 + np.sqrt(1 + 2 * spread)) / (2 * spread)  # solves 1/a + 1/(2a^2) = spread
    return float(np.clip(shape, *SHAPE_BOUNDS))


def middle_mean(values: Floats, weights: Floats | None = None) -> float:
    """Weighted mean of the middle half of ``values`` (by weight): robust like a median, but
    it moves smoothly as the values do, and it averages more of them."""
    w = np.ones(len(values)) if weights is None else weights
    order = np.argsort(values, kind="stable")
    share = w[order] / w.sum()
    cum = np.cumsum(share)
    kept = order[(cum >= 0.25) & (cum - share <= 0.75)]  # overlapping the middle half
    return float(np.average(values[kept], weights=w[kept])) if w[kept].sum() > 0 else 0.0


def spread(second_moments: Floats, bounds: tuple[float, float], default: float) -> float:
    """EM update of a prior variance (the mean posterior second moment), winsorised at ten
    times the median (about 4.5 variances for Gaussian values; 97 % of the mean kept) so that a
    few extreme reviewers (trolls, lazy raters with large biases) do not widen the prior for
    everyone; bounded, and ``default`` with too few values."""
    if len(second_moments) < MIN_FOR_EB:
        return default**2
    cap = 10 * float(np.median(second_moments))
    var = float(np.mean(np.minimum(second_moments, cap)))
    return float(np.clip(var, bounds[0] ** 2, bounds[1] ** 2))


CENTRE_STEPS = 4  # EM steps for the centre and spread of biases per round of the model fit


@dataclass(frozen=True)
class BiasCentre:
    """How far to move the level (``shift``, from the current one) so that learners' biases
    are centred where they and the tutors' reviews agree, how well the learners alone locate
    that centre (``precision``) and the spread of learners' biases (``spread2``, a variance)."""

    shift: float
    precision: float
    spread2: float


def bias_centre(
    own: Floats,
    own_var: Floats,
    follows: Floats,
    tutor_sum: float,
    tutor_weight: float,
    previous: BiasCentre,
) -> BiasCentre:
    """Where learners' biases are centred, from each learner's own estimate ``own`` (the mean
    of their residuals, not shrunk, measured from the current level) and its sampling variance
    ``own_var``, and the tutors' reviews (``tutor_sum``: the sum of their precision-weighted
    residuals from the current estimates; ``tutor_weight``: the sum of those precisions).

    The learners' centre is a random-effects mean (DerSimonian & Laird 1986): each learner
    weighs ``follows / (spread^2 + own_var)``, ``follows`` the probability that they follow
    quality at all (see :func:`slopes`: the "bias" of a learner who gives 4 stars to
    everything is only their constant minus the level). The shift combines it with the
    tutors' by precision, and the spread is the EM update from the posterior second moments
    about the shifted level (as in :func:`spread`), a few times over: a class whose learners
    all disagree with the tutors by the same amount then has a wide spread about the tutors'
    level, and the tutors decide where it is.

    Why not a mean of the biases weighted by each learner's say, as before: a lenient learner
    who gives 5 stars to most resources is censored at the top of the scale and loses say, so
    the centre slid toward the harsh learners and moved every estimate in a class by the same
    amount (a fifth of a star in some simulated classes). How precisely a bias is known is not
    how consistent the reviewer is: with about a hundred reviews each, every learner's bias is
    known to a few hundredths of a star, and each is one draw from the class's biases. (A
    Student-t centre, robust to strongly biased learners, was measured too: no better on the
    simulated classes, where strongly lenient and harsh learners lie too close to the others to
    be told apart, and less efficient on honest ones.)"""
    spread2 = previous.spread2
    mass = float(follows.sum())
    if len(own) == 0 or mass <= 0:
        shift = tutor_sum / tutor_weight if tutor_weight > 0 else 0.0
        return BiasCentre(shift, 0.0, spread2)
    steps = CENTRE_STEPS if len(own) >= MIN_FOR_EB else 1
    for _ in range(steps - 1):  # the spread, about the level the last shift gives
        var = spread2 + own_var
        weight = follows / var
        shift = (dot(weight, own) + tutor_sum) / (float(weight.sum()) + tutor_weight)
        second = (own - shift) ** 2 * (spread2 / var) ** 2 + spread2 * own_var / var
        spread2 = float(np.clip(dot(follows, second) / mass, BIAS_SD[0] ** 2, BIAS_SD[1] ** 2))
    weight = follows / (spread2 + own_var)
    precision = float(weight.sum())
    shift = (dot(weight, own) + tutor_sum) / (precision + tutor_weight)
    return BiasCentre(shift, precision, spread2)


def first_bias_centre() -> BiasCentre:
    """The starting point of :func:`bias_centre`: the default spread."""
    return BiasCentre(0.0, 0.0, DEFAULT_BIAS_SD**2)
