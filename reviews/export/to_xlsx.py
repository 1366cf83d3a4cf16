"""Excel (xlsx, via openpyxl): one sheet per table, then an ``About`` sheet.

Cells are written one by one in openpyxl's write-only mode (fast, little memory for a large
class). Text is always stored as text: openpyxl would otherwise store a learner's comment
that starts with ``=`` as a formula, which Excel would run. Times are in UTC without a zone
(Excel cannot store one).
"""

from __future__ import annotations

import io
from typing import Any

import pandas as pd

from reviews.export.base import ExportRequest, Format
from reviews.export.tables import build_tables, with_naive_utc_times
from reviews.export.to_json import about


def _cells(ws: Any, frame: pd.DataFrame) -> None:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    bold = Font(bold=True)
    header = []
    for name in frame.columns:
        cell = WriteOnlyCell(ws, value=str(name))
        cell.font = bold
        header.append(cell)
    ws.append(header)
    for row in frame.itertuples(index=False, name=None):
        out: list[Any] = []
        for value in row:
            if isinstance(value, str):
                cell = WriteOnlyCell(ws, value=value)
                cell.data_type = "s"  # never a formula, whatever the text starts with
                out.append(cell)
            elif value is None or pd.isna(value):  # None, NaN, NaT, pd.NA
                out.append(None)
            elif hasattr(value, "item"):  # numpy scalars
                out.append(value.item())
            else:
                out.append(value)
        ws.append(out)


def render(req: ExportRequest) -> bytes:
    from openpyxl import Workbook as XlsxBook

    tables = build_tables(req, end=0.6)
    book = XlsxBook(write_only=True)
    for i, (name, frame) in enumerate(tables.items()):
        req.step(0.6 + 0.35 * i / len(tables), f"writing the {name} sheet")
        ws = book.create_sheet(title=name)
        ws.freeze_panes = "A2"
        _cells(ws, with_naive_utc_times(frame).astype(object))
    info = about(req)
    ws = book.create_sheet(title="About")
    rows = [(k, v) for k, v in info.items() if k != "tables"]
    rows += [(f"sheet {name}", text) for name, text in info["tables"].items()]
    _cells(ws, pd.DataFrame([(k, str(v)) for k, v in rows], columns=["field", "value"]))
    buffer = io.BytesIO()
    book.save(buffer)
    req.step(1.0, "Excel workbook written")
    return buffer.getvalue()


FORMAT = Format(
    name="xlsx",
    suffix=".xlsx",
    media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    description="one sheet per table, plus About",
    render=render,
)
