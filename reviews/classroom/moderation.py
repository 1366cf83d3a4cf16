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
from reviews.domain.names import name_key
from reviews.domain.visibility import State
from reviews.store import Store

GUARD = "(sign-in guard)"  # the actor of lock-outs
SECURITY_SHARD = "__security__"


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
    #: How everyone acting through this object was identified, when one answer fits all
    #: (the command line sets "administrator"); a dashboard says it per person instead.
    acting_via: str | None = None

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

    def log_event(
        self, action: str, target_id: str, actor: str, reason: str, via: str | None = None
    ) -> ModerationEvent:
        """Append one event to the audit log (in the actor's own shard; never rewritten).
        ``via`` is how the actor was identified; by default what this workbook object was
        told at sign-in (:meth:`identified`), else :attr:`acting_via`."""
        event = self.audit_event(action, target_id, actor, reason, via)
        self.append("events", event, event.actor)
        return event

    def audit_event(
        self, action: str, target_id: str, actor: str, reason: str, via: str | None = None
    ) -> ModerationEvent:
        """The event :meth:`log_event` would append, not yet stored (for writes that must land
        together with it, such as an import)."""
        return build(
            ModerationEvent,
            "event",
            id=new_id("evt"),
            action=action,
            target_id=target_id,
            actor=actor,
            reason=reason,
            via=via or self.identified_by(actor) or self.acting_via,
        )

    def identified(self, name: str, how: str) -> None:
        """Remember how ``name`` was identified in this process (one dashboard, one person),
        so that their actions' audit lines say so."""
        self._identified = {**getattr(self, "_identified", {}), name_key(name): how}

    def identified_by(self, actor: str) -> str | None:
        return getattr(self, "_identified", {}).get(name_key(actor))

    def log_security(self, action: str, target_id: str, reason: str) -> ModerationEvent:
        """An audit line with no person behind it (a lock-out), kept in its own shard so that
        it gives nobody a pseudonym."""
        event = build(
            ModerationEvent,
            "event",
            id=new_id("evt"),
            action=action,
            target_id=target_id,
            actor=GUARD,
            reason=reason,
        )
        with self.store.transaction(SECURITY_SHARD) as shard:
            shard.add("events", event.model_dump(mode="json"))
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
