"""Calibration: how closely each learner's reviews agree with a tutor's reference review.

A tutor marks a resource as a **calibration resource** by making their own review of it the
reference (:func:`set_calibration`). Each learner who reviews that resource is then compared
with the reference, item by item. The anchor is the idea of Moodle Workshop's grading
evaluation "comparison with the best assessment": there, the assessment closest to the
class's mean is taken as the best one and every reviewer is graded by how far their
assessment lies from it, criterion by criterion. Appraise takes the tutor's reference review as
the best assessment instead of computing one from the class.

The formula, for a learner's review ``r`` and the reference ``t`` of one resource under one
rubric, over the items ``i`` both answered (item weight ``w_i``, scale ``min_i..max_i``)::

    d_i       = |r_i - t_i| / (max_i - min_i)            distance on item i, 0..1
    distance  = sum(w_i * d_i) / sum(w_i)                0 = identical, 1 = opposite ends
    agreement = 1 - distance                             1 = identical to the tutor
    bias      = sum(w_i * (r_i - t_i) / (max_i - min_i)) / sum(w_i)
                                                         > 0: more generous than the tutor

A review is not compared when its learner chose to see the class's view of the resource before
reviewing it ("show me without reviewing", :mod:`reviews.classroom.blind`): it may be anchored
on what they saw. A learner's ``agreement`` and ``bias`` are the means over the calibration
resources they reviewed (each resource counts once). Reviews with no item in common with the
reference are not compared. The reference is the tutor's review as it is now: if the tutor
edits it, the comparison follows.

Marking is a tutor action, checked here and written to the audit log as a ``calibrate``
event whose target is the reference review (``uncalibrate`` undoes it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from reviews.classroom.blind import revealed
from reviews.classroom.roles import Actor, authorise_identities, in_pseudonym_order, label_people
from reviews.domain.errors import NotFound

if TYPE_CHECKING:
    from reviews.classroom.source import ClassroomSource
    from reviews.domain.model import ModerationEvent, Review

RESOURCE_COLUMNS = [
    "resource_id",
    "title",
    "url",
    "rubric",
    "reference_review_id",
    "tutor",
    "marked_at",
    "note",
    "learner_reviews",
]
DETAIL_COLUMNS = [
    "learner",
    "resource_id",
    "rubric",
    "review_id",
    "items_compared",
    "distance",
    "agreement",
    "bias",
]
LEARNER_COLUMNS = ["learner", "resources", "agreement", "bias", "distance"]


@dataclass(frozen=True)
class Reference:
    """A calibration resource: the tutor's review that learners are compared with."""

    review: Review
    event: ModerationEvent


def set_calibration(
    wb: ClassroomSource,
    resource_id: str,
    actor: str,
    scores: Mapping[str, Any] | None = None,
    rubric: str | None = None,
    note: str = "",
) -> ModerationEvent:
    """Make ``actor``'s review of the resource its calibration reference (tutors only).

    With ``scores`` the tutor's review is submitted (or edited) first; without, the tutor must
    already have reviewed the resource under ``rubric`` (the workbook's default rubric when not
    given). Marking it again with another tutor's review replaces the reference.
    """
    wb.require_tutor(actor)
    wb.require_resource(resource_id)
    rubric_id = wb.rubric(rubric).id
    if scores is not None:
        wb.submit_review(resource_id, actor, scores, rubric=rubric_id)
    review = wb.review_of(resource_id, actor, rubric_id)
    if review is None:
        raise NotFound(
            f"{actor} has no {rubric_id!r} review of this resource to use as the reference; "
            "review it first (or give the reference scores)"
        )
    return wb.log_event("calibrate", review.id, actor, note)


def unset_calibration(
    wb: ClassroomSource, resource_id: str, actor: str, reason: str = ""
) -> list[ModerationEvent]:
    """Stop using the resource for calibration (tutors only); the reviews stay."""
    wb.require_tutor(actor)
    wb.require_resource(resource_id)
    current = [r for r in references(wb) if r.review.resource_id == resource_id]
    if not current:
        raise NotFound(f"resource {resource_id!r} is not a calibration resource")
    return [wb.log_event("uncalibrate", r.review.id, actor, reason) for r in current]


def references(wb: ClassroomSource) -> list[Reference]:
    """The current reference of every calibration resource and rubric, replayed from the
    audit log; a reference review since deleted or hidden no longer counts."""
    active: dict[str, ModerationEvent] = {}
    for event in wb.audit_log():  # in time order
        if event.action == "calibrate":
            active[event.target_id] = event
        elif event.action == "uncalibrate":
            active.pop(event.target_id, None)
    live = {r.id: r for r in wb.reviews()}
    chosen: dict[tuple[str, str], Reference] = {}
    for review_id, event in active.items():  # later events win for the same resource
        review = live.get(review_id)
        if review is not None:
            key = (review.resource_id, review.rubric)
            if key not in chosen or chosen[key].event.created_at <= event.created_at:
                chosen[key] = Reference(review, event)
    return sorted(chosen.values(), key=lambda r: r.event.created_at)


def calibration_resources(wb: ClassroomSource) -> pd.DataFrame:
    """One row per calibration resource: its reference, who marked it, when, and how many
    learner reviews are compared with it."""
    refs = references(wb)
    compared = comparisons(wb, refs)
    counts = compared.groupby(["resource_id", "rubric"]).size()
    rows = []
    for ref in refs:
        resource = wb.resource(ref.review.resource_id)
        key = (resource.id, ref.review.rubric)
        rows.append(
            {
                "resource_id": resource.id,
                "title": resource.title,
                "url": resource.url,
                "rubric": ref.review.rubric,
                "reference_review_id": ref.review.id,
                "tutor": ref.review.reviewer,
                "marked_at": pd.Timestamp(ref.event.created_at),
                "note": ref.event.reason,
                "learner_reviews": int(counts.get(key, 0)),
            }
        )
    return pd.DataFrame(rows, columns=RESOURCE_COLUMNS)


def comparisons(wb: ClassroomSource, refs: list[Reference] | None = None) -> pd.DataFrame:
    """One row per learner review of a calibration resource, compared with the reference
    (real names in ``learner``; see :func:`calibration_detail` for the shown table)."""
    refs = references(wb) if refs is None else refs
    anchored = revealed(wb)
    rows = []
    for ref in refs:
        rubric = wb.rubric(ref.review.rubric)
        span = np.array([item.scale.max - item.scale.min for item in rubric.items], dtype=float)
        weight = np.array([item.weight for item in rubric.items], dtype=float)
        target = _vector(ref.review.scores, rubric.item_ids)
        learners = [
            r
            for r in wb.reviews(resource_id=ref.review.resource_id)
            if r.rubric == rubric.id
            and not wb.is_tutor(r.reviewer)  # canonical names
            and (r.reviewer, r.resource_id) not in anchored
        ]
        if not learners:
            continue
        given = np.array([_vector(r.scores, rubric.item_ids) for r in learners])
        both = ~np.isnan(given) & ~np.isnan(target)
        signed = np.where(both, (given - target) / span, 0.0)
        w = both * weight
        total = w.sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            distance = (w * np.abs(signed)).sum(axis=1) / total
            bias = (w * signed).sum(axis=1) / total
        for review, n, dist, b in zip(learners, both.sum(axis=1), distance, bias, strict=True):
            if n:
                rows.append((review.reviewer, review.resource_id, rubric.id, review.id, int(n),
                             float(dist), 1.0 - float(dist), float(b)))  # fmt: skip
    return pd.DataFrame(rows, columns=DETAIL_COLUMNS)


def _vector(scores: dict[str, int | None], items: list[str]) -> np.ndarray:
    return np.array([np.nan if scores.get(i) is None else scores[i] for i in items], dtype=float)


def calibration_detail(
    wb: ClassroomSource, actor: Actor | None = None, identities: bool = False
) -> pd.DataFrame:
    """Every compared learner review (see the module docstring for the formula)."""
    authorise_identities(wb, actor, identities)
    return label_people(comparisons(wb), "learner", wb, identities)


def calibration(
    wb: ClassroomSource, actor: Actor | None = None, identities: bool = False
) -> pd.DataFrame:
    """Per learner: ``resources`` compared, mean ``agreement`` with the tutors' reference
    reviews (0..1), mean ``bias`` (-1..1, above 0 more generous than the tutor) and mean
    ``distance`` (1 - agreement). Real names in ``learner_name`` for tutors only."""
    authorise_identities(wb, actor, identities)
    detail = comparisons(wb)
    table = (
        detail.groupby("learner")
        .agg(
            resources=("resource_id", "nunique"),
            agreement=("agreement", "mean"),
            bias=("bias", "mean"),
            distance=("distance", "mean"),
        )
        .reset_index()
    )
    table = in_pseudonym_order(table[LEARNER_COLUMNS], "learner", wb)
    return label_people(table, "learner", wb, identities)
