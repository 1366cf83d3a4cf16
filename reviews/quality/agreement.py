"""Agreement between reviewers: Krippendorff's alpha per rubric item.

Alpha answers "do reviewers rating the same resource give it the same score, beyond what
chance would produce?", with missing ratings allowed, any number of reviewers per resource and
the ordinal nature of rubric points respected (Krippendorff 2011). Only resources with at
least two reviews can be compared; ``n_units`` says how many there were for an item, so that
an alpha computed on three resources is not mistaken for a finding. Krippendorff's own
thresholds: 0.800 or more, reliable; 0.667 to 0.800, tentative conclusions only; below, low.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from reviews.quality.frames import reviews_frame
from reviews.quality.stats import alpha_long

if TYPE_CHECKING:
    from reviews.quality.source import ReviewSource

AGREEMENT_COLUMNS = ["item", "alpha", "n_units", "n_values", "interpretation"]


def agreement(wb: ReviewSource, rubric: str | None = None) -> pd.DataFrame:
    """One row per item of ``rubric`` (the workbook's default): ordinal alpha over the live
    reviews of resources reviewed at least twice, the pairable resources (``n_units``) and
    ratings (``n_values``), and the interpretation (reliable / tentative / low, or why there
    is none)."""
    rubric_ = wb.rubric(rubric)
    frame = reviews_frame(wb, rubric_.id)
    reviewed = frame.drop_duplicates("review_id")["resource_id"].value_counts()
    frame = frame[frame["resource_id"].isin(reviewed.index[reviewed >= 2])]
    rows = []
    for item in rubric_.item_ids:
        ratings = frame[frame["item"] == item]
        result = alpha_long(ratings["resource_id"].to_numpy(), ratings["score"], "ordinal")
        rows.append((item, result.alpha, result.n_units, result.n_values, result.interpretation))
    return pd.DataFrame(rows, columns=AGREEMENT_COLUMNS)
