"""JSON: every table under its own key (a list of row objects), plus ``about``: the workbook,
when the export was made, whether it names people, and what each table is. Missing numbers
are ``null``; times are ISO 8601 text in UTC."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

from reviews.export.base import ExportRequest, Format
from reviews.export.tables import TABLES, build_tables, with_iso_times


def about(req: ExportRequest) -> dict[str, Any]:
    """What the export is, for a reader who finds the file months later."""
    wb = req.wb
    return {
        "workbook": wb.config.title,
        "workbook_id": wb.config.id,
        "rubric": wb.rubric(req.rubric).id,
        "generated_at": req.generated_at.isoformat(),
        "identities": req.identities,
        "times": "UTC, ISO 8601",
        "tables": {name: table.description for name, table in TABLES.items()},
    }


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as plain JSON values (NaN and NaT become null)."""
    text = with_iso_times(frame).to_json(orient="records", force_ascii=False)
    rows: list[dict[str, Any]] = json.loads(text)
    return rows


def render(req: ExportRequest) -> bytes:
    tables = build_tables(req, end=0.9)
    document: dict[str, Any] = {"about": about(req)}
    document.update({name: records(frame) for name, frame in tables.items()})
    req.step(1.0, "JSON written")
    return json.dumps(document, ensure_ascii=False, indent=1, allow_nan=False).encode("utf-8")


FORMAT = Format(
    name="json",
    suffix=".json",
    media_type="application/json",
    description="every table under its own key, plus `about`",
    render=render,
)
