"""Blind until you rate: a learner judges a resource before seeing what the class thinks.

Seeing others' ratings first anchors one's own (the anchoring effect: Tversky & Kahneman,
"Judgment under uncertainty: heuristics and biases", Science 1974). With the workbook setting
``blind_until_reviewed`` a learner sees a resource's class score, verdict, reviews and
corrections only once they have submitted their own review of it, or after choosing "show me
without reviewing". That choice is recorded as a ``reveal`` event in the learner's own shard
(it is not a tutor action and is left out of the audit log), and their later review of that
resource is then left out of their calibration, since it may be anchored. Tutors always see
everything. New workbooks have the setting on; a ``workbook.yaml`` without the key has it off,
so a class already under way sees no change.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reviews.classroom.source import ClassroomSource
    from reviews.domain.model import ModerationEvent

REVEAL = "reveal"


def reveal(wb: ClassroomSource, resource_id: str, learner: str) -> ModerationEvent:
    """Record that ``learner`` chose to see the class's view of a resource before reviewing."""
    wb.require_resource(resource_id)
    return wb.log_event(REVEAL, resource_id, learner, "shown without reviewing")


def revealed(wb: ClassroomSource, learner: str | None = None) -> set[tuple[str, str]]:
    """(learner, resource id) for every resource a learner chose to see without reviewing;
    only ``learner``'s when given."""
    return {
        (e.actor, e.target_id)
        for e in wb.learner_events()
        if e.action == REVEAL and (learner is None or e.actor == learner)
    }


def is_blind(wb: ClassroomSource, user: str) -> bool:
    """Does the blind setting apply to ``user`` at all (on, and not a tutor)?"""
    return bool(wb.config.blind_until_reviewed) and not wb.is_tutor(user)
