"""The catalogue as one table for one learner: search, filter, sort and page it.

The table is the workbook's catalogue snapshot (:meth:`Workbook.catalogue_snapshot`): the
quality summary plus the columns a learner's view needs (when it was added, red-flag counts,
open corrections and disputes), computed once per change of the data by one process and read
here one page at a time with SQL. So a learner's kernel neither imports pandas nor fits the
model, and a 100,000-resource catalogue is never held in it. What is personal (whether I
reviewed it, whether its scores are hidden from me until I do) is added per row on reading.
The catalogue and the resource page share one :class:`Listing`; it is refreshed after a save
and when the page opens.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from reviews.domain.rubric import RESERVED_VERDICTS
from reviews.domain.search import Synonyms, load_abbreviations
from reviews.quality.snapshot import Blind, Page

if TYPE_CHECKING:
    from reviews.workbook import Workbook
PAGE_SIZE = 20
SORTS = {
    "score": "Best score first",
    "reviews": "Most reviewed",
    "newest": "Newest",
    "disputed": "Most disputed",
}
RESERVED_LABELS = {
    "provisional": "Provisional (too few reviews)",
    "unrated": "Not yet reviewed",
    "no_verdict": "No verdict",
}


@dataclass(frozen=True)
class Query:
    """What the learner asked the catalogue for."""

    text: str = ""
    kind: str = ""
    topic: str = ""
    verdict: str = ""
    unreviewed_only: bool = False
    sort: str = "score"


class Listing:
    """The learner's window on the catalogue snapshot, refreshed on demand."""

    def __init__(self, wb: Workbook, user: str = "") -> None:
        self.wb = wb
        self.user = user
        self.rubric = wb.rubric()
        self.synonyms = Synonyms(load_abbreviations(wb.path)[0])  # the workbook's too
        self.snapshot = wb.catalogue_snapshot()
        self.view = self._view()

    def _view(self) -> Blind:
        """Blind until you rate (reviews/classroom/blind.py): tutors and revealers see all."""
        blind = bool(self.user) and self.wb.blind_for(self.user)
        revealed = frozenset(self.wb.revealed(self.user)) if blind else frozenset()
        return Blind(blind, revealed, self.synonyms)

    def refresh(self, user: str | None = None) -> None:
        """Take up the latest snapshot (waits for one that includes every write so far)."""
        if user is not None:
            self.user = user
        self.snapshot = self.wb.catalogue_snapshot()
        self.view = self._view()

    @property
    def total(self) -> int:
        """How many resources the catalogue holds."""
        return self.snapshot.total

    def agreement(self) -> dict[str, tuple[float, str]]:
        """Krippendorff's alpha per rubric item, (alpha, interpretation), from the snapshot."""
        return self.snapshot.agreement()

    # -- what the filters offer -------------------------------------------------------------

    def kinds(self) -> list[str]:
        return self.snapshot.kinds()

    def topics(self) -> list[str]:
        return self.snapshot.topics()

    def verdicts(self) -> list[tuple[str, str]]:
        """(label, id) of every verdict the rubric can give, in the rubric's order."""
        out = [(band.label, band.id) for band in self.rubric.verdicts]
        return out + [(RESERVED_LABELS[v], v) for v in RESERVED_VERDICTS]

    # -- answering a query ------------------------------------------------------------------

    def page(self, q: Query, page: int = 0, size: int = PAGE_SIZE) -> Page:
        """Page ``page`` (0-based, clamped) of the rows matching ``q``, in the order it asks."""
        return self.snapshot.page(q, page, size, self.user, self.view)

    def row(self, resource_id: str) -> dict[str, Any] | None:
        """One resource's row as a dict, or None if it is not (or no longer) catalogued."""
        return self.snapshot.row(resource_id, self.user, self.view)
