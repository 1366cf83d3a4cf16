"""The tutors' Assignments tab: assign N resources to each learner, see who has done them,
withdraw a batch.

The form calls :meth:`Workbook.assign` (balanced, never a learner's own additions, optionally
within groups typed as ``learner, group`` lines), which checks the tutor again and writes the
audit log. The table shows each learner's progress; real names are shown to tutors only.
"""

from __future__ import annotations

from datetime import UTC, datetime, time

import ipywidgets as W
import pandas as pd

from reviews.workbook import Workbook
from widgets.fields import STACKED, labelled
from widgets.status import Status
from widgets.tables import frame_html

PROGRESS_COLUMNS = {
    "learner_name": "Learner",
    "learner": "Seen by the class as",
    "group": "Group",
    "done": "Done",
    "overdue": "Overdue",
    "next due": "Next due",
}


def read_groups(text: str) -> dict[str, str]:
    """``learner, group`` lines as a mapping; a line without a comma is a mistake."""
    groups: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        name, comma, group = line.rpartition(",")
        if not comma or not name.strip() or not group.strip():
            raise ValueError(f"groups, line {number}: write it as 'learner name, group'")
        groups[" ".join(name.split())] = group.strip()
    return groups


class AssignmentView:
    """Assigned reviews of ``wb``, managed as ``user``."""

    def __init__(self, wb: Workbook, user: str) -> None:
        self.wb = wb
        self.user = user
        self.status = Status()
        self.status.widget.add_class("appraise-assign-status")
        self.count = labelled(
            W.BoundedIntText(value=3, min=1, max=20, description="Resources per learner",
                             style=STACKED),
            "appraise-assign-count",
        )  # fmt: skip
        self.topic = labelled(W.Dropdown(description="From", style=STACKED), "appraise-topic")
        self.due = labelled(
            W.DatePicker(description="Due by the end of (optional)", style=STACKED),
            "appraise-due",
        )
        self.groups = labelled(
            W.Textarea(
                description="Within groups (optional)",
                placeholder="one line per learner: name, group",
                style=STACKED,
                rows=4,
                layout=W.Layout(width="100%"),
            ),
            "appraise-groups",
        )
        self.assign_button = W.Button(description="Assign", button_style="primary")
        self.assign_button.add_class("appraise-assign")
        self.assign_button.on_click(self.status.guard(self._on_assign))
        self.table = W.HTML()
        self.table.add_class("appraise-assignment-table")
        self.batch = labelled(W.Dropdown(description="Batch", style=STACKED), "appraise-batch")
        self.reason = labelled(
            W.Text(description="Why withdraw it", style=STACKED, layout=W.Layout(width="100%")),
            "appraise-reason",
        )
        self.withdraw = W.Button(description="Withdraw this batch")
        self.withdraw.add_class("appraise-withdraw")
        self.withdraw.on_click(self.status.guard(self._on_withdraw))
        self.withdrawal = W.VBox([W.HTML("<h3>Withdraw a batch</h3>"), self.batch, self.reason,
                                  self.withdraw])  # fmt: skip
        form = W.VBox([self.count, self.topic, self.due, self.groups, self.assign_button])
        form.add_class("appraise-card")
        self.widget = W.VBox(
            [
                W.HTML(
                    "<h2>Assigned reviews</h2><p>Each learner gets resources to review, never "
                    "their own additions nor ones they reviewed already; resources short of "
                    "the rubric's minimum number of reviewers come first. Within groups, "
                    "each group covers the resources on its own. Learners see their "
                    "assignments at the top of the catalogue.</p>"
                ),
                form,
                self.status.widget,
                self.table,
                self.withdrawal,
            ]
        )
        self.widget.add_class("appraise-assignment-view")
        self.status.guard(self.refresh)()

    def refresh(self) -> None:
        topics = sorted({t for r in self.wb.resources() for t in r.topics})
        keep = self.topic.value
        self.topic.options = [("Every resource", ""), *((f"Topic: {t}", t) for t in topics)]
        self.topic.value = keep if keep in topics else ""
        frame = self.wb.assignment_table(self.user, identities=True)
        self.table.value = frame_html(progress(frame), "Nothing is assigned yet.")
        batches = frame.drop_duplicates("batch") if len(frame) else frame
        self.batch.options = [
            (f"{b['assigned_at']:%Y-%m-%d %H:%M} by {b['assigned_by']} "
             f"({int((frame['batch'] == b['batch']).sum())} reviews)", b["batch"])
            for b in batches.to_dict("records")
        ]  # fmt: skip
        self.withdrawal.layout.display = None if len(frame) else "none"

    def _on_assign(self, _: W.Button) -> None:
        try:
            groups = read_groups(self.groups.value)
        except ValueError as exc:
            self.status.error(str(exc))
            return
        day = self.due.value
        due = datetime.combine(day, time(23, 59), tzinfo=UTC) if day else None
        resources = None
        if self.topic.value:
            resources = [r.id for r in self.wb.resources() if self.topic.value in r.topics]
        made = self.wb.assign(
            int(self.count.value), actor=self.user, groups=groups or None,
            resources=resources, due=due,
        )  # fmt: skip
        self.refresh()
        people = len({a.learner for a in made})
        when = f", due {due:%d %b %Y}" if due else ""
        self.status.success(f"Assigned {len(made)} reviews to {people} learners{when}.")

    def _on_withdraw(self, _: W.Button) -> None:
        if not self.batch.value:
            self.status.error("Choose the batch to withdraw.")
            return
        self.wb.withdraw_assignments(self.batch.value, actor=self.user, reason=self.reason.value)
        self.reason.value = ""
        self.refresh()
        self.status.success("Withdrawn. The audit log has the details.")


def progress(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per learner: assigned, done, overdue, the next due date."""
    if frame.empty:
        return frame
    open_ = frame[~frame["done"]]
    table = frame.groupby(["learner_name", "learner", "group"], sort=False).agg(
        assigned=("resource_id", "size"), done=("done", "sum"), overdue=("overdue", "sum")
    )
    table["next due"] = open_.groupby(["learner_name", "learner", "group"])["due"].min()
    table = table.reset_index()
    due = pd.to_datetime(table["next due"], utc=True)
    table["next due"] = due.dt.strftime("%Y-%m-%d").fillna("–")
    table["done"] = [f"{d} of {a}" for d, a in zip(table["done"], table["assigned"], strict=True)]
    return table.drop(columns="assigned").rename(columns=PROGRESS_COLUMNS)
