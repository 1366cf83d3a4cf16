"""Reviewer diagnostics: how the quality model sees each reviewer, and why.

For tutors: who is harsh or lenient (``bias``), who is consistent (``reliability``), how much
say each reviewer has in the scores (``weight``, 1.0 = a typical learner), how they compare
with the tutors where both reviewed the same resource, and, for a reviewer whose say was
reduced, a reason in words. Learners are shown by pseudonym; real names only to tutors (see
:mod:`reviews.classroom.roles`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from reviews.classroom.roles import Actor, authorise_identities, in_pseudonym_order, label_people
from reviews.quality.summary import model

if TYPE_CHECKING:
    from reviews.classroom.source import ClassroomSource

REVIEWER_COLUMNS = [
    "reviewer",
    "is_tutor",
    "n_reviews",
    "bias",
    "reliability",
    "weight",
    "noise_sd",
    "slope",
    "n_with_tutor",
    "tutor_diff",
    "tutor_abs_diff",
    "down_weighted",
    "why",
]
DOWN_WEIGHTED = 0.35  # about a third of a typical learner's say, or less
FLAT_SLOPE = 0.35  # scores that barely follow quality
STEADY = 3  # reviews needed before a pattern is called a pattern


def reviewer_stats(
    wb: ClassroomSource,
    actor: Actor | None = None,
    rubric: str | None = None,
    identities: bool | None = None,
) -> pd.DataFrame:
    """One row per reviewer of ``rubric``: the model's view of them (see REVIEWER_COLUMNS and
    docs/summaries.md). Real names (a ``reviewer_name`` column) are shown when ``actor`` asks
    for them, by default whenever an actor is given, and only to a tutor: anyone else is
    refused with :class:`reviews.domain.errors.PermissionDenied`."""
    want_names = actor is not None if identities is None else identities
    authorise_identities(wb, actor, want_names)
    rubric_ = wb.rubric(rubric)
    _, per_review, fitted = model(wb, rubric_)
    table = fitted.reviewers.join(tutor_agreement(per_review))
    table["n_with_tutor"] = table["n_with_tutor"].fillna(0).astype(int)
    spread = per_review.groupby("reviewer")["score"].agg(lambda s: s.max() - s.min())
    table["down_weighted"] = ~table["is_tutor"] & (table["weight"] < DOWN_WEIGHTED)
    table["why"] = _why(table, spread.reindex(table.index))
    table = table.rename_axis("reviewer").reset_index()
    table = in_pseudonym_order(table, "reviewer", wb)
    return label_people(table[REVIEWER_COLUMNS], "reviewer", wb, want_names)


def tutor_agreement(per_review: pd.DataFrame) -> pd.DataFrame:
    """Per learner, on the resources a tutor also reviewed: how many (``n_with_tutor``), the
    mean difference learner - tutor (``tutor_diff``, on the rubric's scale: above 0 is more
    generous than the tutor) and the mean absolute difference (``tutor_abs_diff``). With
    several tutors on one resource, their mean is the reference."""
    columns = ["n_with_tutor", "tutor_diff", "tutor_abs_diff"]
    scored = per_review[per_review["score"].notna()]
    tutors = scored[scored["is_tutor"]].groupby("resource_id")["score"].mean().rename("tutor")
    learners = scored[~scored["is_tutor"]].join(tutors, on="resource_id", how="inner")
    if learners.empty:
        return pd.DataFrame(columns=columns, index=pd.Index([], name="reviewer"))
    diff = learners["score"] - learners["tutor"]
    grouped = learners.assign(diff=diff, abs_diff=diff.abs()).groupby("reviewer")
    return pd.DataFrame(
        {
            "n_with_tutor": grouped.size(),
            "tutor_diff": grouped["diff"].mean(),
            "tutor_abs_diff": grouped["abs_diff"].mean(),
        }
    )


def _why(table: pd.DataFrame, spread: pd.Series) -> list[str]:
    """A reason in words for every reviewer whose say was reduced ('' for the others)."""
    reasons = []
    columns = ("down_weighted", "coordinated", "partners", "shared", "n_reviews", "slope")
    rows = zip(*(table[c].to_numpy() for c in columns), spread.to_numpy(), strict=True)
    for down, coordinated, partners, shared, n, slope, flat in rows:
        if not down:
            reasons.append("")
        elif coordinated:
            others = f"{partners} other account{'s' if partners != 1 else ''}"
            reasons.append(
                f"ratings match a coordinated group: with {others}, gave the same score to "
                f"the same {shared} resources, against everyone else's view of them"
            )
        elif n >= STEADY and flat == 0:
            reasons.append("always gives the same score, whatever the resource")
        elif n >= STEADY and slope < FLAT_SLOPE:
            reasons.append("scores do not follow the resources' quality (random or contrary)")
        else:
            reasons.append("scores often far from the other reviewers' (inconsistent)")
    return reasons
