"""What moderation events mean for everyone's view: hidden records and tutors' decisions.

Events are never edited or removed (the audit log is append-only); the current state of a
target is the result of replaying its events in time order: the last hide/restore decides
whether it is hidden, the last verify/reject decides a correction's tutor status. Pure data:
the tutor actions that write events are in :mod:`reviews.classroom.moderation`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

STATUS_BY_ACTION = {"verify": "verified", "reject": "rejected"}


@dataclass(frozen=True)
class Decision:
    status: str  # verified | rejected
    actor: str
    note: str
    at: str


@dataclass
class State:
    hidden: set[str] = field(default_factory=set)
    reasons: dict[str, str] = field(default_factory=dict)  # why each hidden record is hidden
    decisions: dict[str, Decision] = field(default_factory=dict)

    @classmethod
    def from_events(cls, events: Iterable[dict[str, Any]]) -> State:
        state = cls()
        ordered = sorted(
            (e for e in events if isinstance(e.get("created_at"), str)),
            key=lambda e: (e["created_at"], str(e.get("id"))),
        )
        for event in ordered:
            action, target = event.get("action"), event.get("target_id")
            if not isinstance(target, str):
                continue
            if action == "hide":
                state.hidden.add(target)
                state.reasons[target] = str(event.get("reason", ""))
            elif action == "restore":
                state.hidden.discard(target)
                state.reasons.pop(target, None)
            elif action in STATUS_BY_ACTION:
                state.decisions[target] = Decision(
                    STATUS_BY_ACTION[action],
                    str(event.get("actor", "")),
                    str(event.get("reason", "")),
                    event["created_at"],
                )
        return state

    def status(self, correction_id: str) -> str:
        """``verified``, ``rejected`` or ``proposed`` (no tutor decision yet)."""
        decision = self.decisions.get(correction_id)
        return decision.status if decision else "proposed"
