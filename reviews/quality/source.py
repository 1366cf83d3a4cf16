"""What the quality model reads of a workbook: a small read-only protocol.

The analysis functions of :mod:`reviews.quality` take any object with these members, not the
whole :class:`reviews.workbook.Workbook` (which implements them), so the quality layer never
depends on the facade above it and can be fed a test double or a snapshot.
"""

from __future__ import annotations

from typing import Any, Protocol

from reviews.domain.model import Correction, Vote, WorkbookConfig
from reviews.domain.rubric import Rubric
from reviews.domain.visibility import State
from reviews.store import Store


class ReviewSource(Protocol):
    """The records and settings the summaries are computed from."""

    config: WorkbookConfig
    store: Store

    def rubric(self, rubric_id: str | None = None) -> Rubric: ...

    def min_reviewers(self, rubric: Rubric) -> int: ...

    def moderation(self) -> State: ...

    def corrections(self, *args: Any, **kwargs: Any) -> list[Correction]: ...

    def votes(self, *args: Any, **kwargs: Any) -> list[Vote]: ...

    def pseudonyms(self) -> dict[str, str]: ...

    def tutor_names(self) -> list[str]: ...
