"""CSV: one table per file (the summary unless another is asked for), UTF-8 with a BOM so
that Excel shows accents and non-Latin names correctly; pandas and `appraise import` read it
either way. Times are ISO 8601 in UTC. Text a spreadsheet would run as a formula is defused
with a leading apostrophe (see :func:`reviews.export.tables.defuse_formulas`)."""

from __future__ import annotations

from reviews.domain.errors import NotFound
from reviews.export.base import ExportRequest, Format
from reviews.export.tables import TABLES, build_tables, defuse_formulas, with_iso_times


def render(req: ExportRequest) -> bytes:
    if req.table not in TABLES:
        raise NotFound(f"unknown table {req.table!r}; choose one of {', '.join(TABLES)}")
    frame = build_tables(req, [req.table], end=0.9)[req.table]
    text = defuse_formulas(with_iso_times(frame)).to_csv(index=False, lineterminator="\n")
    req.step(1.0, "CSV written")
    return ("\ufeff" + text).encode("utf-8")


FORMAT = Format(
    name="csv",
    suffix=".csv",
    media_type="text/csv",
    description="one table (--table; the summary by default), UTF-8",
    render=render,
    all_tables=False,
)
