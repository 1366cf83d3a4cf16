"""Download buttons for every export format, with a progress bar for the slow ones.

The export runs in the kernel (:func:`reviews.export.export`, the same code as
``appraise export``) and reaches the browser as an ``<a download>`` link carrying the file
(see :mod:`widgets.tables`). Real names are added only when the tutor ticks the box, and the
workbook itself refuses them to anyone but a tutor and logs such exports in the audit log.
"""

from __future__ import annotations

import ipywidgets as W

from reviews.export import FORMATS, TABLES, export, suggested_filename
from reviews.workbook import Workbook
from widgets.fields import STACKED, labelled
from widgets.format import esc
from widgets.status import Status
from widgets.tables import download_link

FORMAT_LABELS = {
    "csv": "CSV: one table, for a spreadsheet",
    "xlsx": "Excel workbook: all tables",
    "json": "JSON: all tables, for scripts",
    "html": "HTML report to e-mail or print",
    "jsonld": "W3C Web Annotations (JSON-LD), for Hypothesis and others",
}


class ExportPanel:
    """Prepare an export of ``wb`` as ``user`` and offer it as a download."""

    def __init__(self, wb: Workbook, user: str) -> None:
        self.wb = wb
        self.user = user
        self.status = Status()
        self.format = labelled(
            W.Dropdown(
                description="Format",
                options=[(FORMAT_LABELS.get(name, name), name) for name in FORMATS],
                value="csv",
                style=STACKED,
                layout=W.Layout(width="100%"),
            ),
            "appraise-export-format",
        )
        self.table = labelled(
            W.Dropdown(
                description="Table (CSV only)",
                options=list(TABLES),
                value="summary",
                style=STACKED,
                layout=W.Layout(width="100%"),
            ),
            "appraise-export-table",
        )
        self.identities = W.Checkbox(
            description="Include learners' real names (logged in the audit log)",
            value=False,
            indent=False,
        )
        self.identities.add_class("appraise-export-identities")
        self.prepare = W.Button(description="Prepare download", button_style="primary")
        self.prepare.add_class("appraise-export")
        self.prepare.on_click(self.status.guard(self._on_prepare))
        self.progress = W.FloatProgress(value=0.0, min=0.0, max=1.0)
        self.progress.add_class("appraise-progress")
        self.progress.layout.display = "none"
        self.step = W.HTML()
        self.link = W.HTML()
        self.link.add_class("appraise-export-link")
        self.format.observe(self._on_format, names="value")
        self.widget = W.VBox(
            [
                W.HTML(
                    "<h2>Export</h2><p>The same exports as <code>appraise export</code>. "
                    "Pseudonyms unless you ask for real names; annotations never carry them.</p>"
                ),
                self.format,
                self.table,
                self.identities,
                self.prepare,
                self.progress,
                self.step,
                self.status.widget,
                self.link,
            ]
        )
        self.widget.add_class("appraise-export-panel")

    def _on_format(self, change: dict[str, object]) -> None:
        fmt = str(change["new"])
        self.table.layout.display = None if not FORMATS[fmt].all_tables else "none"
        self.identities.disabled = not FORMATS[fmt].allows_identities
        if self.identities.disabled:
            self.identities.value = False
        self.link.value = ""

    def _report(self, fraction: float, message: str) -> None:
        self.progress.value = max(0.0, min(1.0, fraction))
        self.step.value = f"<p role='status'>{esc(message[:1].upper() + message[1:])}…</p>"

    def _on_prepare(self, _: W.Button) -> None:
        fmt = str(self.format.value)
        table = str(self.table.value)
        self.link.value = ""
        self.status.clear()
        self.progress.value = 0.0
        self.progress.layout.display = None
        self.prepare.disabled = True
        try:
            data = export(
                self.wb,
                fmt,
                table=table,
                include_identities=bool(self.identities.value),
                actor=self.user,
                progress=self._report,
                destination="the tutor dashboard",
            )
        finally:
            self.prepare.disabled = False
            self.progress.layout.display = "none"
            self.step.value = ""
        name = suggested_filename(self.wb, fmt, table, identities=bool(self.identities.value))
        self.link.value = download_link(
            data, name, FORMATS[fmt].media_type, f"Download {name} ({len(data) / 1024:.0f} KB)"
        )
        self.status.success("Ready: use the download link below.")
