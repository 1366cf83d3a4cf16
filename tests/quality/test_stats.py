"""reviews.quality.stats against published reference values (copied here, with their sources)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from reviews.quality.stats import (
    alpha_details,
    alpha_long,
    inverse_mills,
    krippendorff_alpha,
    truncated_normal_moments,
    wilson_lower_bound,
)

NA = np.nan

# Krippendorff, K. (2011). Computing Krippendorff's Alpha-Reliability. Annenberg School for
# Communication, University of Pennsylvania, section C: 4 observers x 12 units, "." = missing.
KRIPPENDORFF_2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, NA, NA, NA],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NA, 3],
    [NA, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NA],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NA],
]
PUBLISHED_ALPHA = {  # ibid.: .743, .815, .849, .797 (to six places as recomputed there)
    "nominal": 0.743421,
    "ordinal": 0.815388,
    "interval": 0.849107,
    "ratio": 0.797403,
}
# The published Wilson values are computed with the exact normal quantiles.
Z95, Z80 = 1.959963984540054, 1.2815515655446004


@pytest.mark.parametrize("level", list(PUBLISHED_ALPHA))
def test_alpha_matches_krippendorff_2011(level: str) -> None:
    assert krippendorff_alpha(KRIPPENDORFF_2011, level) == pytest.approx(  # type: ignore[arg-type]
        PUBLISHED_ALPHA[level], abs=5e-7
    )


def test_alpha_counts_the_pairable_units_and_values() -> None:
    # Unit 12 has a single value: not pairable. n = 40 pairable values (ibid.).
    details = alpha_details(KRIPPENDORFF_2011, "ordinal")
    assert (details.n_units, details.n_values) == (11, 40)
    assert details.interpretation == "reliable"


def test_alpha_from_long_data_equals_the_matrix_form() -> None:
    matrix = np.array(KRIPPENDORFF_2011, dtype=float)
    rows, units = np.nonzero(~np.isnan(matrix))
    shuffled = np.random.default_rng(1).permutation(len(units))
    long = alpha_long(units[shuffled] * 7 + 3, matrix[rows, units][shuffled], "ordinal")
    assert long.alpha == pytest.approx(PUBLISHED_ALPHA["ordinal"], abs=5e-7)


def test_perfect_agreement_is_one_and_systematic_disagreement_is_negative() -> None:
    assert krippendorff_alpha([[1, 2, 3, 4], [1, 2, 3, 4]], "ordinal") == pytest.approx(1.0)
    assert krippendorff_alpha([[1, 5, 1, 5], [5, 1, 5, 1]], "interval") < 0


@pytest.mark.parametrize(
    ("data", "interpretation"),
    [
        ([[3, NA], [NA, 4]], "not enough data"),  # no unit has two values
        ([[4, 4, 4], [4, 4, 4]], "undefined (no variation)"),
        ([[1, 2, 3, 4, 5], [2, 1, 4, 3, 1]], "low"),
    ],
)
def test_degenerate_data_never_raise(data: list[list[float]], interpretation: str) -> None:
    details = alpha_details(data, "ordinal")
    assert details.interpretation == interpretation
    if interpretation != "low":
        assert math.isnan(details.alpha)


def test_an_unknown_level_is_refused() -> None:
    with pytest.raises(ValueError, match="level must be one of"):
        krippendorff_alpha(KRIPPENDORFF_2011, "cardinal")  # type: ignore[arg-type]


# Wilson lower bounds: reference values from the project's aggregation reference (computed
# from E. B. Wilson, J. Am. Stat. Assoc. 1927;22:209-212).
@pytest.mark.parametrize(
    ("pos", "n", "z", "expected"),
    [
        (1, 1, Z95, 0.206549),
        (2, 2, Z95, 0.342380),
        (10, 11, Z95, 0.622642),
        (40, 50, Z95, 0.669629),
        (600, 1000, Z95, 0.569309),
        (1, 1, Z80, 0.378448),
        (10, 11, Z80, 0.739495),
    ],
)
def test_wilson_lower_bound_matches_published_values(
    pos: int, n: int, z: float, expected: float
) -> None:
    assert float(wilson_lower_bound(pos, n, z)) == pytest.approx(expected, abs=5e-7)


def test_wilson_is_vectorised_takes_weights_and_is_zero_without_votes() -> None:
    bounds = wilson_lower_bound([1, 40, 0, 2.5], [1, 50, 0, 2.5])
    assert bounds.shape == (4,)
    assert bounds[0] < bounds[1]  # one vote of one ranks below 40 of 50
    assert bounds[2] == 0.0
    # weighted counts: 2.5 of 2.5 lies between 2 of 2 and 3 of 3
    assert wilson_lower_bound(2, 2)[()] < bounds[3] < wilson_lower_bound(3, 3)[()]
    assert wilson_lower_bound(1, 1)[()] == pytest.approx(0.206543, abs=5e-7)  # z = 1.96


@pytest.mark.parametrize("alpha", [-6.0, -1.5, 0.0, 0.7, 3.0, 12.0])
def test_inverse_mills_ratio_matches_the_error_function(alpha: float) -> None:
    phi = math.exp(-(alpha**2) / 2) / math.sqrt(2 * math.pi)
    tail = 0.5 * math.erfc(alpha / math.sqrt(2))
    assert float(inverse_mills(alpha)) == pytest.approx(phi / tail, rel=2e-7)


def test_truncated_normal_moments_of_a_half_normal() -> None:
    # z ~ N(0, 1) given z >= 0: mean sqrt(2/pi), variance 1 - 2/pi
    mean, var = truncated_normal_moments(0.0, 1.0, 0.0)
    assert (float(mean), float(var)) == pytest.approx((math.sqrt(2 / math.pi), 1 - 2 / math.pi))
    low_mean, low_var = truncated_normal_moments(3.0, 2.0, 3.0, upper=False)
    assert float(low_mean) == pytest.approx(3.0 - 2.0 * math.sqrt(2 / math.pi))
    assert float(low_var) == pytest.approx(4.0 * (1 - 2 / math.pi))
