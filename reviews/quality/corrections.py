"""Corrections ranked by how firmly the class stands behind them.

Each correction is a binary claim ("this resource has this error"), and classmates endorse or
dispute it. Ranking by the share of agreeing votes would put one agreeing vote of one (100 %)
above 40 of 50 (80 %); ranking by the Wilson lower bound of that share (stats.py) puts the
better-supported claim first. Votes are weighted by the voter's reliability as a reviewer (the
quality model's weight, capped at one vote), so a spammer's or a brigade's endorsements count
for little; a voter who has not reviewed anything counts as one vote. A tutor's verification
or rejection is a separate, visible ``status``, never mixed into the crowd's share.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from reviews.quality.stats import wilson_lower_bound
from reviews.quality.summary import model

if TYPE_CHECKING:
    from reviews.quality.source import ReviewSource

CORRECTION_COLUMNS = [
    "id",
    "resource_id",
    "severity",
    "locator",
    "claim",
    "n_agree",
    "n_dispute",
    "agreement",
    "agreement_lb",
    "status",
    "author",
    "created_at",
]


def corrections_summary(
    wb: ReviewSource, resource_id: str | None = None, rubric: str | None = None
) -> pd.DataFrame:
    """One row per visible correction (of ``resource_id``, or all), best supported first.

    ``n_agree`` / ``n_dispute`` count votes; ``agreement`` is the reliability-weighted share of
    agreeing votes (NaN without votes) and ``agreement_lb`` its Wilson lower bound (0 without
    votes); ``status`` is the tutor's decision (``proposed``, ``verified`` or ``rejected``);
    ``author`` is the author's pseudonym. Voter reliability comes from the reviews of
    ``rubric`` (the workbook's default)."""
    state = wb.moderation()
    items = wb.corrections(resource_id)
    if not items:
        return pd.DataFrame(columns=CORRECTION_COLUMNS)
    shown = wb.pseudonyms()
    table = pd.DataFrame(
        {
            "id": [c.id for c in items],
            "resource_id": [c.resource_id for c in items],
            "severity": [c.severity for c in items],
            "locator": [c.locator for c in items],
            "claim": [c.claim for c in items],
            "status": [state.status(c.id) for c in items],
            "author": [shown.get(c.author, "(no pseudonym yet)") for c in items],
            "created_at": pd.to_datetime([c.created_at for c in items], utc=True),
        }
    )
    ids = set(table["id"])
    votes = pd.DataFrame(
        [(v.correction_id, v.voter, v.agree) for v in wb.votes() if v.correction_id in ids],
        columns=["correction_id", "voter", "agree"],
    )
    votes["weight"] = votes["voter"].map(vote_weights(wb, rubric)).fillna(1.0)
    votes["agree"] = votes["agree"].astype(bool)
    votes["agree_weight"] = votes["weight"] * votes["agree"]
    tally = votes.groupby("correction_id").agg(
        n_agree=("agree", "sum"),
        n_votes=("agree", "size"),
        weight=("weight", "sum"),
        agree_weight=("agree_weight", "sum"),
    )
    table = table.join(tally, on="id")
    n_votes = table["n_votes"].fillna(0).astype(int)
    table["n_agree"] = table["n_agree"].fillna(0).astype(int)
    table["n_dispute"] = n_votes - table["n_agree"]
    weight = table["weight"].fillna(0.0).to_numpy(dtype=float)
    agree_weight = table["agree_weight"].fillna(0.0).to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        table["agreement"] = np.where(weight > 0, agree_weight / weight, np.nan)
    table["agreement_lb"] = wilson_lower_bound(agree_weight, weight)
    table = table.sort_values(
        ["agreement_lb", "n_agree", "created_at"], ascending=[False, False, True]
    )
    return table[CORRECTION_COLUMNS].reset_index(drop=True)


def vote_weights(wb: ReviewSource, rubric: str | None = None) -> pd.Series:
    """Each reviewer's vote weight: their say in the quality model (1.0 = a typical learner),
    capped at 1 so that no one counts for more than one person. Tutors count as one vote too:
    their word is the separate ``status``."""
    _, _, fitted = model(wb, wb.rubric(rubric))
    weights = fitted.reviewers["weight"].clip(upper=1.0).fillna(1.0)
    return weights.where(~fitted.reviewers["is_tutor"], 1.0)
