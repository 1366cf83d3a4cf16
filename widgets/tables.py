"""Tables and downloads for the tutor and summaries dashboards: escaped, scrollable on a phone.

A table is a pandas frame rendered by pandas with escaping on (learner-written text is never
parsed as HTML), inside a horizontally scrollable box so a 390 px phone scrolls the table, not
the page. A download is an ``<a download>`` link whose ``href`` is a ``data:`` URI: Voila serves
no files from the kernel, and a data URI needs nothing but the page.
"""

from __future__ import annotations

import base64

import pandas as pd

from widgets.format import esc

MAX_ROWS = 200


def frame_html(frame: pd.DataFrame, empty: str, max_rows: int = MAX_ROWS) -> str:
    """``frame`` as an escaped HTML table (at most ``max_rows`` rows), or ``empty`` as text."""
    if frame.empty:
        return f"<p class='appraise-empty'>{esc(empty)}</p>"
    shown = frame.head(max_rows)
    table = shown.to_html(
        index=False, escape=True, na_rep="–", float_format=lambda x: f"{x:.2f}", border=0
    )
    more = ""
    if len(frame) > max_rows:
        more = f"<p>Showing the first {max_rows} of {len(frame)} rows; export for all.</p>"
    return f"<div class='appraise-table-wrap'>{table}</div>{more}"


def download_link(data: bytes, filename: str, media_type: str, label: str) -> str:
    """An ``<a download>`` link carrying ``data`` itself (works in Voila and JupyterLab)."""
    encoded = base64.b64encode(data).decode("ascii")
    return (
        f"<a class='appraise-download' download='{esc(filename)}' "
        f"href='data:{esc(media_type)};base64,{encoded}'>{esc(label)}</a>"
    )
