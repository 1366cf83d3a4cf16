"""The tables an export can hold, built once for every format.

People are shown by pseudonym; with ``identities`` (tutors and the administrator only) each
table that names people gets a ``<column>_name`` column beside the pseudonym. Hidden content
is left out everywhere (as it is from learners' views and the summaries); deleted reviews too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from reviews.classroom.moderation_queue import vote_reasons
from reviews.classroom.roles import label_people
from reviews.export.base import ExportRequest

RESOURCE_COLUMNS = ["url", "title", "kind", "topics", "creator", "publisher_type", "description"]
CORRECTION_COLUMNS = [
    "id",
    "resource_id",
    "resource_title",
    "resource_url",
    "author",
    "severity",
    "locator",
    "claim",
    "correction",
    "evidence",
    "status",
    "decided_by",
    "tutor_note",
    "decided_at",
    "agree",
    "dispute",
    "vote_reasons",
    "created_at",
]


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    build: Callable[[ExportRequest], pd.DataFrame]


def summary(req: ExportRequest) -> pd.DataFrame:
    return req.wb.summary(req.rubric)


def resources(req: ExportRequest) -> pd.DataFrame:
    """The catalogue in the columns `appraise import resources` reads, so it re-imports."""
    rows = [
        {
            "url": r.url,
            "title": r.title,
            "kind": r.kind,
            "topics": "; ".join(r.topics),
            "creator": r.creator,
            "publisher_type": r.publisher_type,
            "description": r.description,
        }
        for r in req.wb.resources()
    ]
    return pd.DataFrame(rows, columns=RESOURCE_COLUMNS)


def reviews(req: ExportRequest) -> pd.DataFrame:
    return label_people(req.wb.reviews_frame(req.rubric), "reviewer", req.wb, req.identities)


def corrections(req: ExportRequest) -> pd.DataFrame:
    """Live corrections with their tutor decision and the class's votes."""
    wb = req.wb
    state = wb.moderation()
    titles = {r.id: (r.title, r.url) for r in wb.resources()}
    votes: dict[str, list[int]] = {}
    for vote in wb.votes():
        votes.setdefault(vote.correction_id, [0, 0])[0 if vote.agree else 1] += 1
    reasons = vote_reasons(wb)  # by pseudonym, even in an export with identities
    rows = []
    for c in wb.corrections():
        decision = state.decisions.get(c.id)
        title, url = titles.get(c.resource_id, ("", ""))
        agree, dispute = votes.get(c.id, (0, 0))
        rows.append(
            {
                "id": c.id,
                "resource_id": c.resource_id,
                "resource_title": title,
                "resource_url": url,
                "author": c.author,
                "severity": c.severity,
                "locator": c.locator,
                "claim": c.claim,
                "correction": c.correction,
                "evidence": c.evidence,
                "status": state.status(c.id),
                "decided_by": decision.actor if decision else "",
                "tutor_note": decision.note if decision else "",
                "decided_at": pd.Timestamp(decision.at) if decision else pd.NaT,
                "agree": agree,
                "dispute": dispute,
                "vote_reasons": reasons.get(c.id, ""),
                "created_at": pd.Timestamp(c.created_at),
            }
        )
    frame = pd.DataFrame(rows, columns=CORRECTION_COLUMNS)
    for column in ("decided_at", "created_at"):
        frame[column] = pd.to_datetime(frame[column], utc=True)
    frame = with_crowd_support(req, frame)
    return label_people(frame, "author", wb, req.identities)


def with_crowd_support(req: ExportRequest, frame: pd.DataFrame) -> pd.DataFrame:
    """Add the aggregation's reliability-weighted ``agreement`` share and its Wilson lower
    bound ``agreement_lb`` after the vote counts, when the aggregation provides them."""
    crowd: Any = getattr(req.wb, "corrections_summary", None)
    if crowd is None or frame.empty:
        return frame
    support = crowd(rubric=req.rubric)
    wanted = [c for c in ("agreement", "agreement_lb") if c in support.columns]
    if "id" not in support.columns or not wanted:
        return frame
    merged = frame.merge(support[["id", *wanted]], on="id", how="left")
    order = list(frame.columns)
    at = order.index("dispute") + 1
    return merged[order[:at] + wanted + order[at:]]


def participation(req: ExportRequest) -> pd.DataFrame:
    return req.wb.participation(req.actor, req.identities)


def activity(req: ExportRequest) -> pd.DataFrame:
    return req.wb.weekly_activity(req.actor, req.identities)


def calibration(req: ExportRequest) -> pd.DataFrame:
    return req.wb.calibration(req.actor, req.identities)


TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table("summary", "one row per resource: score, interval, verdict", summary),
        Table("resources", "the catalogue, in the columns `appraise import` reads", resources),
        Table("reviews", "one row per review and rubric item (long format)", reviews),
        Table("corrections", "live corrections, tutor decisions and votes", corrections),
        Table("participation", "one row per learner: contributions and outcomes", participation),
        Table("activity", "contributions per learner and ISO week", activity),
        Table(
            "calibration", "agreement of each learner with tutors' reference reviews", calibration
        ),
    )
}


def build_tables(
    req: ExportRequest, names: list[str] | None = None, start: float = 0.0, end: float = 0.8
) -> dict[str, pd.DataFrame]:
    """The tables ``names`` (all of them by default), reporting progress from ``start`` to
    ``end`` of the whole export."""
    chosen = names or list(TABLES)
    out = {}
    for i, name in enumerate(chosen):
        req.step(start + (end - start) * i / len(chosen), f"building the {name} table")
        out[name] = TABLES[name].build(req)
    req.step(end, "tables built")
    return out


def datetime_columns(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns if isinstance(frame[c].dtype, pd.DatetimeTZDtype)]


def with_iso_times(frame: pd.DataFrame) -> pd.DataFrame:
    """Times as ISO 8601 text in UTC (``2026-03-01T09:00:00.123456+00:00``); missing stay
    missing."""
    out = frame.copy()
    for column in datetime_columns(out):
        out[column] = [None if pd.isna(t) else t.isoformat() for t in out[column]]
    return out


def with_naive_utc_times(frame: pd.DataFrame) -> pd.DataFrame:
    """Times in UTC without a zone (spreadsheets cannot store one; the About sheet says so)."""
    out = frame.copy()
    for column in datetime_columns(out):
        out[column] = out[column].dt.tz_convert("UTC").dt.tz_localize(None)
    return out


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def defuse_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells that a spreadsheet would run as a formula (``=HYPERLINK(…)`` in a learner's
    comment) get a leading apostrophe, as OWASP advises for CSV files opened in Excel."""
    out = frame.copy()
    for column in out.columns:
        if pd.api.types.is_object_dtype(out[column]) or pd.api.types.is_string_dtype(out[column]):
            out[column] = [
                "'" + v if isinstance(v, str) and v.startswith(FORMULA_STARTS) else v
                for v in out[column]
            ]
    return out
