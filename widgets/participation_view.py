"""Each learner's participation, with real names (tutors only), and a CSV for coursework credit
(an export with real names, so it is recorded in the audit log)."""

from __future__ import annotations

import ipywidgets as W

from reviews.workbook import Workbook
from widgets.status import Status
from widgets.tables import download_link, frame_html

COLUMNS = {
    "learner_name": "Learner",
    "learner": "Seen by the class as",
    "reviews": "Reviews",
    "corrections": "Corrections",
    "corrections_verified": "Verified",
    "corrections_rejected": "Rejected",
    "corrections_open": "Open",
    "agrees_received": "Agrees received",
    "disputes_received": "Disputes received",
    "votes_cast": "Votes cast",
    "comments": "Comments",
    "assigned_done": "Assignments done",
    "active_weeks": "Active weeks",
    "last_activity": "Last active",
}


class ParticipationView:
    """Per learner counts and weekly activity of ``wb``, read as ``user``."""

    def __init__(self, wb: Workbook, user: str) -> None:
        self.wb = wb
        self.user = user
        self.status = Status()
        self.table = W.HTML()
        self.table.add_class("appraise-participation-table")
        self.weekly = W.HTML()
        self.weekly.add_class("appraise-weekly-table")
        self.download = W.HTML()
        self.download.add_class("appraise-participation-download")
        self.refresh_button = W.Button(description="Refresh")
        self.refresh_button.add_class("appraise-refresh")
        self.refresh_button.on_click(self.status.guard(lambda _: self.refresh()))
        self.prepare = W.Button(description="Prepare CSV with real names")
        self.prepare.add_class("appraise-participation-export")
        self.prepare.on_click(self.status.guard(self._on_prepare))
        toolbar = W.HBox([self.refresh_button, self.prepare, self.download])
        toolbar.add_class("appraise-toolbar")
        self.widget = W.VBox(
            [
                W.HTML(
                    "<h2>Participation</h2><p>What each learner contributed and how it fared. "
                    "Real names are shown to tutors only; learners see pseudonyms.</p>"
                ),
                toolbar,
                self.status.widget,
                self.table,
                W.HTML(
                    "<h3>Contributions per ISO week</h3><p>Reviews, corrections, votes and "
                    "comments together.</p>"
                ),
                self.weekly,
            ]
        )
        self.widget.add_class("appraise-participation")
        self.status.guard(self.refresh)()

    def refresh(self) -> None:
        frame = self.wb.participation(self.user, identities=True)
        shown = frame.assign(
            last_activity=frame["last_activity"].dt.strftime("%Y-%m-%d"),
            assigned_done=[
                f"{d} of {a}" if a else "–"
                for d, a in zip(frame["assigned_done"], frame["assigned"], strict=True)
            ],
        )
        shown = shown[list(COLUMNS)].rename(columns=COLUMNS)
        self.table.value = frame_html(shown, "No learner has contributed yet.")
        weekly = self.wb.weekly_activity(self.user, identities=True)
        pivot = weekly.pivot_table(
            index="learner_name", columns="week", values="total", aggfunc="sum", fill_value=0
        )
        pivot.columns.name = None
        self.weekly.value = frame_html(
            pivot.reset_index().rename(columns={"learner_name": "Learner"}), "No activity yet."
        )
        self.download.value = ""

    def _on_prepare(self, _: W.Button) -> None:
        """The participation table through :func:`reviews.export.export`, which checks the
        tutor again and records the export of real names in the audit log."""
        from reviews.export import export, suggested_filename

        data = export(
            self.wb,
            "csv",
            table="participation",
            include_identities=True,
            actor=self.user,
            destination="the tutor dashboard",
        )
        name = suggested_filename(self.wb, "csv", "participation", identities=True)
        self.download.value = download_link(data, name, "text/csv", f"Download {name}")
        self.status.success("Ready (the export of real names is in the audit log).")
