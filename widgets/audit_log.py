"""The audit log as a table for tutors: who did what, when, to what, and why (newest first)."""

from __future__ import annotations

import ipywidgets as W

from reviews.workbook import Workbook
from widgets.status import Status
from widgets.tables import frame_html

COLUMNS = {
    "at": "When (UTC)",
    "actor": "Who",
    "via": "Identified by",
    "action": "What",
    "kind": "On",
    "resource_title": "Resource",
    "reason": "Why",
}


class AuditLog:
    """``wb``'s audit log, read as ``user`` (the workbook refuses anyone but a tutor)."""

    def __init__(self, wb: Workbook, user: str) -> None:
        self.wb = wb
        self.user = user
        self.status = Status()
        self.table = W.HTML()
        self.table.add_class("appraise-audit-table")
        self.refresh_button = W.Button(description="Refresh")
        self.refresh_button.add_class("appraise-refresh")
        self.refresh_button.on_click(self.status.guard(lambda _: self.refresh()))
        self.widget = W.VBox(
            [
                W.HTML(
                    "<h2>Audit log</h2><p>Every tutor sign-in, hide, restore, verification, "
                    "rejection, calibration and export with real names, newest first, and each "
                    "time the hub said someone joined or left the tutors' group (hub-tutor). "
                    "Nothing is ever removed from it.</p>"
                ),
                self.refresh_button,
                self.status.widget,
                self.table,
            ]
        )
        self.widget.add_class("appraise-audit")
        self.status.guard(self.refresh)()

    def refresh(self) -> None:
        frame = self.wb.audit_table(self.user)
        frame = frame.assign(at=frame["at"].dt.strftime("%Y-%m-%d %H:%M"))
        shown = frame[list(COLUMNS)].rename(columns=COLUMNS)
        self.table.value = frame_html(shown, "Nothing has been moderated yet.")
