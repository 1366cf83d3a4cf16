"""What the classroom layer needs of a workbook: the quality model's view plus people,
records and the audit log; a protocol that :class:`reviews.workbook.Workbook` implements.

Tutors' views (participation, calibration, the moderation queue, reviewer statistics) take
this protocol, so they never import the facade that exposes them.
"""

from __future__ import annotations

from typing import Any, Protocol

from reviews.domain.model import Comment, ModerationEvent, Person, Resource, Review
from reviews.quality.source import ReviewSource


class ClassroomSource(ReviewSource, Protocol):
    """Reading the class's records; writing only through the audited entry points."""

    def is_tutor(self, name: str) -> bool: ...

    def people(self) -> list[Person]: ...

    def resources(self) -> list[Resource]: ...

    def resource(self, resource_id: str) -> Resource: ...

    def require_resource(self, resource_id: str) -> None: ...

    def require_tutor(self, actor: str) -> None: ...

    def reviews(self, *args: Any, **kwargs: Any) -> list[Review]: ...

    def review_of(self, *args: Any, **kwargs: Any) -> Review | None: ...

    def submit_review(self, *args: Any, **kwargs: Any) -> Review: ...

    def comments(self, *args: Any, **kwargs: Any) -> list[Comment]: ...

    def audit_log(self) -> list[ModerationEvent]: ...

    def learner_events(self) -> list[ModerationEvent]: ...

    def log_event(
        self, action: str, target_id: str, actor: str, reason: str
    ) -> ModerationEvent: ...
