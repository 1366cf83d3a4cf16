"""Flood limits: how fast one account may post corrections, comments and votes.

A class shares one workbook; a script or a stuck key posting hundreds of comments a minute
would bury the discussion and slow every learner's page. So each account may post at most
:data:`LIMITS` of each kind in any 60 seconds, in all and on any one resource. The check runs
in the write path, inside the author's own shard lock, and counts the author's recent records
by their timestamps (``created_at``; for a vote, which can be changed, ``updated_at``), so two
tabs of the same learner cannot both slip past it. A refused post writes nothing and leaves
everything already written as it was. Tutors' limits are :data:`TUTOR_FACTOR` times higher
(a tutor answering a whole class's questions in a seminar is not a flood).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from reviews.domain.errors import ValidationError

WINDOW = timedelta(seconds=60)
TUTOR_FACTOR = 10


@dataclass(frozen=True)
class Limit:
    """At most ``per_minute`` records of a kind in any 60 s, ``per_resource`` on one resource."""

    noun: str
    per_minute: int
    per_resource: int


LIMITS = {
    "corrections": Limit("corrections", per_minute=5, per_resource=3),
    "comments": Limit("comments", per_minute=10, per_resource=5),
    "votes": Limit("votes", per_minute=20, per_resource=10),
}


def _when(doc: dict[str, Any]) -> datetime | None:
    raw = doc.get("updated_at") or doc.get("created_at")
    try:
        return datetime.fromisoformat(str(raw))
    except ValueError:
        return None


def check(
    kind: str,
    mine: Iterable[dict[str, Any]],
    resource_id: str,
    resource_of: Callable[[dict[str, Any]], str | None],
    now: datetime,
    tutor: bool = False,
) -> None:
    """Refuse one more ``kind`` record on ``resource_id`` if it would pass the limit.

    ``mine`` are the author's records of that kind (from their shard, read under its lock);
    ``resource_of`` says which resource each is about. Raises :class:`ValidationError` with
    when to try again.
    """
    limit = LIMITS[kind]
    factor = TUTOR_FACTOR if tutor else 1
    recent = [(t, d) for d in mine if (t := _when(d)) is not None and now - t < WINDOW]
    here = [(t, d) for t, d in recent if resource_of(d) == resource_id]
    for found, most, where in (
        (recent, limit.per_minute * factor, ""),
        (here, limit.per_resource * factor, " on this resource"),
    ):
        if len(found) >= most:
            oldest = sorted(t for t, _ in found)[len(found) - most]
            wait = max(1, int((oldest + WINDOW - now).total_seconds()) + 1)
            raise ValidationError(
                f"you have posted {len(found)} {limit.noun}{where} in the last minute, the most "
                f"allowed; please wait {wait} seconds and try again (nothing already posted "
                "is affected)"
            )
