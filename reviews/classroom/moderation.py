"""Tutors' moderation: the checks on every action and the append-only audit log.

What the events mean for everyone's view (hidden records, decisions) is computed in
:mod:`reviews.domain.visibility`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reviews.domain.errors import NotFound, ValidationError
from reviews.domain.model import (
    LEARNER_ACTIONS,
    ModerationEvent,
    Record,
    build,
    new_id,
    valid_models,
)
from reviews.domain.visibility import State
from reviews.store import Store


def target_exists(store: Store, target_id: str) -> bool:
    """Is ``target_id`` a review, correction or comment (the things tutors can hide)?"""
    return any(
        doc.get("id") == target_id
        for kind in ("reviews", "corrections", "comments")
        for doc in store.records(kind)
    )


class Moderation:
    """A mixin of :class:`reviews.workbook.Workbook`: tutor actions, checked on every call."""

    store: Store

    if TYPE_CHECKING:  # provided by Discussion and Workbook

        def correction(self, correction_id: str) -> object: ...

        def require_tutor(self, actor: str) -> None: ...

        def append(self, kind: str, record: Record, author: str) -> None: ...

    def hide(self, target_id: str, actor: str, reason: str) -> ModerationEvent:
        """Hide a review, correction or comment from learners and the aggregation."""
        return self._moderate("hide", target_id, actor, reason)

    def restore(self, target_id: str, actor: str, reason: str) -> ModerationEvent:
        return self._moderate("restore", target_id, actor, reason)

    def verify_correction(self, correction_id: str, actor: str, note: str = "") -> ModerationEvent:
        self.correction(correction_id)
        return self._moderate("verify", correction_id, actor, note)

    def reject_correction(self, correction_id: str, actor: str, note: str = "") -> ModerationEvent:
        self.correction(correction_id)
        return self._moderate("reject", correction_id, actor, note)

    def _moderate(self, action: str, target_id: str, actor: str, reason: str) -> ModerationEvent:
        self.require_tutor(actor)
        if action in ("hide", "restore") and not reason.strip():
            raise ValidationError(f"say why you {action} it: learners and tutors see the reason")
        if not target_exists(self.store, target_id):
            raise NotFound(f"no review, correction or comment with id {target_id!r}")
        return self.log_event(action, target_id, actor, reason)

    def log_event(self, action: str, target_id: str, actor: str, reason: str) -> ModerationEvent:
        """Append one event to the audit log (in the actor's own shard; never rewritten)."""
        event = build(
            ModerationEvent,
            "event",
            id=new_id("evt"),
            action=action,
            target_id=target_id,
            actor=actor,
            reason=reason,
        )
        self.append("events", event, event.actor)
        return event

    def moderation(self) -> State:
        return State.from_events(self.store.records("events"))

    def _events(self) -> list[ModerationEvent]:
        return sorted(
            valid_models(ModerationEvent, self.store.records("events")),
            key=lambda e: (e.created_at, e.id),
        )

    def audit_log(self) -> list[ModerationEvent]:
        """Tutors' (and the administrator's) actions, in time order."""
        return [e for e in self._events() if e.action not in LEARNER_ACTIONS]

    def learner_events(self) -> list[ModerationEvent]:
        """What learners recorded about themselves (``reveal``), in time order."""
        return [e for e in self._events() if e.action in LEARNER_ACTIONS]
