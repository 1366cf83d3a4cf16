"""The catalogue as one table for one learner: search, filter, sort and page it.

It starts from :meth:`Workbook.summary` and adds what a learner's view needs and the summary
does not carry: whether I reviewed it, when it was added, how many reviewers raised each red
flag, open corrections and the disputes on them. Columns the summary gains later
(``n_corrections_open``, ``needs_attention``, ...) are used when present. The table is built once
per refresh (after a save, or when the page opens) and shared by the catalogue and the resource
page; filtering and sorting it are pandas operations on a few thousand rows at most.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from reviews.domain.model import FLAGS
from reviews.domain.rubric import RESERVED_VERDICTS
from reviews.domain.search import SearchIndex, Synonyms, load_abbreviations
from widgets.format import number

if TYPE_CHECKING:
    import pandas as pd

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
    """The summary table plus per-learner columns, refreshed on demand."""

    def __init__(self, wb: Workbook, user: str = "") -> None:
        self.wb = wb
        self.user = user
        self.rubric = wb.rubric()
        self._agreement: dict[str, tuple[float, str]] | None = None
        self.synonyms = Synonyms(load_abbreviations(wb.path)[0])
        self.frame: pd.DataFrame = self._build()
        self.index = SearchIndex.build(self.frame["haystack"].tolist(), self.synonyms)

    def refresh(self, user: str | None = None) -> None:
        """Re-read the workbook (cheap for files that did not change) and rebuild the table."""
        if user is not None:
            self.user = user
        self._agreement = None
        self.frame = self._build()
        self.index = SearchIndex.build(self.frame["haystack"].tolist(), self.synonyms)

    def agreement(self) -> dict[str, tuple[float, str]]:
        """Krippendorff's alpha per rubric item, (alpha, interpretation), when the workbook
        computes it; computed once per refresh because it spans the whole workbook."""
        if self._agreement is None:
            self._agreement = {}
            compute = getattr(self.wb, "agreement", None)
            if callable(compute):
                for rec in compute().to_dict("records"):
                    alpha = number(rec.get("alpha"))
                    if alpha is not None:
                        why = rec.get("interpretation")
                        item = str(rec.get("item", "")).replace("_", " ")
                        self._agreement[item] = (alpha, str(why) if isinstance(why, str) else "")
        return self._agreement

    # -- building ---------------------------------------------------------------------------

    def _build(self) -> pd.DataFrame:
        wb = self.wb
        frame = wb.summary().copy()
        ids = frame["id"]
        reviews = wb.reviews_frame(self.rubric.id)  # raw rows: no model built per review
        mine = set(reviews.loc[reviews["reviewer"] == self.user, "resource_id"])
        flags = self._flags(frame)
        state = wb.moderation()
        corrections = wb.corrections()
        resource_of = {c.id: c.resource_id for c in corrections}
        disputes = Counter(
            resource_of[v.correction_id]
            for v in wb.votes()
            if not v.agree and v.correction_id in resource_of
        )
        open_ = Counter(c.resource_id for c in corrections if state.status(c.id) == "proposed")
        safety = {
            c.resource_id
            for c in corrections
            if c.severity == "patient-safety" and state.status(c.id) != "rejected"
        }
        order = {r.id: i for i, r in enumerate(wb.resources())}

        frame["mine"] = ids.isin(mine)
        # Blind until you rate (reviews/classroom/blind.py): tutors and revealers see all.
        seen = mine | (wb.revealed(self.user) if self.user else set())
        frame["scores_hidden"] = wb.blind_for(self.user) & ~ids.isin(seen)
        frame["added"] = ids.map(order).fillna(-1).astype(int)
        frame["flag_counts"] = ids.map(lambda i: dict(flags.get(i, {})))
        if "n_corrections" not in frame.columns:
            frame["n_corrections"] = ids.map(Counter(resource_of.values())).fillna(0).astype(int)
        if "n_corrections_open" not in frame.columns:
            frame["n_corrections_open"] = ids.map(open_).fillna(0).astype(int)
        frame["n_disputes"] = ids.map(disputes).fillna(0).astype(int)
        flagged = {i for i, c in flags.items() if c.get("confidentiality")}
        frame["safety"] = ids.isin(safety | flagged)
        frame["spread"] = (frame["score_max"] - frame["score_min"]).fillna(0)
        frame["haystack"] = (
            frame["title"].fillna("")
            + " "
            + frame["platform"].fillna("")
            + " "
            + frame["kind"].fillna("")
            + " "
            + frame["topics"].fillna("")
        ).str.lower()
        return frame

    def _flags(self, frame: pd.DataFrame) -> dict[str, dict[str, int]]:
        """How many reviewers raised each flag, per resource: the summary's ``flag_<flag>``
        counts when it has them, else counted from the reviews."""
        columns = [f"flag_{flag}" for flag in FLAGS]
        if all(c in frame.columns for c in columns):
            counts = frame[columns].fillna(0).to_numpy()
            return {
                rid: {flag: int(n) for flag, n in zip(FLAGS, row, strict=True) if n > 0}
                for rid, row in zip(frame["id"], counts, strict=True)
            }
        out: dict[str, Counter[str]] = {}
        for review in self.wb.reviews():
            if review.rubric == self.rubric.id and review.flags:
                out.setdefault(review.resource_id, Counter()).update(review.flags)
        return {rid: dict(c) for rid, c in out.items()}

    # -- what the filters offer -------------------------------------------------------------

    def kinds(self) -> list[str]:
        return sorted(self.frame["kind"].dropna().unique().tolist())

    def topics(self) -> list[str]:
        found = {t.strip() for s in self.frame["topics"].dropna() for t in str(s).split(";")}
        return sorted(t for t in found if t)

    def verdicts(self) -> list[tuple[str, str]]:
        """(label, id) of every verdict the rubric can give, in the rubric's order."""
        out = [(band.label, band.id) for band in self.rubric.verdicts]
        return out + [(RESERVED_LABELS[v], v) for v in RESERVED_VERDICTS]

    # -- answering a query ------------------------------------------------------------------

    def query(self, q: Query) -> pd.DataFrame:
        """The rows matching ``q``, in the order it asks for."""
        frame = self.frame
        mask = frame["id"].notna()
        if q.text.strip():  # abbreviations and typos forgiven: see reviews/domain/search.py
            mask &= self.index.match(q.text)
        if q.kind:
            mask &= frame["kind"] == q.kind
        if q.topic:
            mask &= frame["topics"].fillna("").str.split("; ").map(lambda ts: q.topic in ts)
        if q.verdict:
            mask &= (frame["verdict"] == q.verdict) & ~frame["scores_hidden"]
        if q.unreviewed_only:
            mask &= ~frame["mine"]
        return self._sorted(frame[mask], q.sort)

    @staticmethod
    def _sorted(frame: pd.DataFrame, sort: str) -> pd.DataFrame:
        shown = ~frame["scores_hidden"]
        # "Best score first" puts resources with a verdict (enough reviews) before provisional
        # ones: 4.6 from 2 reviews is a guess, 4.2 from 19 is a finding.
        ready = shown & ~frame["verdict"].isin(RESERVED_VERDICTS)
        frame = frame.assign(_score=frame["score"].where(shown), _ready=ready)
        keys: dict[str, list[str]] = {
            "score": ["_ready", "_score", "n_reviews", "added"],
            "reviews": ["n_reviews", "_score", "added"],
            "newest": ["added"],
            "disputed": ["n_disputes", "spread", "n_corrections_open", "n_reviews"],
        }
        by = keys.get(sort, keys["score"])
        return frame.sort_values(by, ascending=False, na_position="last", kind="stable").drop(
            columns=["_score", "_ready"]
        )

    def row(self, resource_id: str) -> dict[str, Any] | None:
        """One resource's row as a dict, or None if it is not (or no longer) catalogued."""
        found = self.frame[self.frame["id"] == resource_id]
        return None if found.empty else {str(k): v for k, v in found.iloc[0].items()}


def page_of(frame: pd.DataFrame, page: int, size: int = PAGE_SIZE) -> tuple[pd.DataFrame, int]:
    """Rows of page ``page`` (0-based, clamped) and the number of pages (at least 1)."""
    pages = max(1, -(-len(frame) // size))
    page = min(max(page, 0), pages - 1)
    return frame.iloc[page * size : (page + 1) * size], pages
