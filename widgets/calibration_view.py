"""Calibration: mark a resource with the tutor's reference review, and compare learners with it.

The comparison with the reference (Moodle Workshop's "comparison with the best assessment") is
shown beside the quality model's own estimate of each reviewer (bias, reliability, weight from
:meth:`Workbook.reviewer_stats`): two views of who rates well, side by side.
"""

from __future__ import annotations

import ipywidgets as W

from reviews.workbook import Workbook
from widgets.fields import STACKED, labelled
from widgets.status import Status
from widgets.tables import frame_html

RESOURCE_COLUMNS = {
    "title": "Resource",
    "tutor": "Reference by",
    "marked_at": "Marked",
    "learner_reviews": "Learner reviews",
    "note": "Note",
}
LEARNER_COLUMNS = {
    "learner_name": "Learner",
    "learner": "Pseudonym",
    "resources": "Calibration resources",
    "agreement": "Agreement with reference",
    "bias_reference": "Bias vs reference",
    "bias": "Model bias",
    "reliability": "Model reliability",
    "weight": "Model weight",
    "why": "Down-weighted because",
}


class CalibrationView:
    """Calibration resources of ``wb`` and learners' agreement, managed as ``user``."""

    def __init__(self, wb: Workbook, user: str) -> None:
        self.wb = wb
        self.user = user
        self.status = Status()
        self.resource = labelled(
            W.Dropdown(description="Resource", style=STACKED, layout=W.Layout(width="100%")),
            "appraise-calibration-resource",
        )
        self.note = labelled(
            W.Text(description="Note (optional)", style=STACKED, layout=W.Layout(width="100%")),
            "appraise-reason",
        )
        self.mark = W.Button(description="Use my review as reference", button_style="primary")
        self.mark.add_class("appraise-calibrate")
        self.mark.on_click(self.status.guard(self._on_mark))
        self.unmark = W.Button(description="Stop calibrating on it")
        self.unmark.add_class("appraise-uncalibrate")
        self.unmark.on_click(self.status.guard(self._on_unmark))
        self.resources = W.HTML()
        self.resources.add_class("appraise-calibration-resources")
        self.learners = W.HTML()
        self.learners.add_class("appraise-calibration-learners")
        bar = W.HBox([self.mark, self.unmark])
        bar.add_class("appraise-toolbar")
        self.widget = W.VBox(
            [
                W.HTML(
                    "<h2>Calibration</h2><p>Review a resource yourself on the learner "
                    "dashboard, then mark it here: your review becomes the reference each "
                    "learner's review of it is compared with.</p>"
                ),
                self.resource,
                self.note,
                bar,
                self.status.widget,
                W.HTML("<h3>Calibration resources</h3>"),
                self.resources,
                W.HTML("<h3>Learners: agreement with the reference and the model's estimate</h3>"),
                self.learners,
            ]
        )
        self.widget.add_class("appraise-calibration")
        self.status.guard(self.refresh)()

    def refresh(self) -> None:
        scores = self.wb.calibration(self.user, identities=True)  # refuses a learner first
        chosen = self.resource.value
        # the tutor's own reviewed resources first: only those can become references
        mine = {r.resource_id for r in self.wb.reviews() if r.reviewer == self.user}
        resources = sorted(self.wb.resources(), key=lambda r: (r.id not in mine, r.title))
        self.resource.options = [
            (f"{r.title} (you reviewed it)" if r.id in mine else r.title, r.id) for r in resources
        ]
        ids = [r.id for r in resources]
        if ids:  # ipywidgets 8 leaves a dropdown blank when its options change
            self.resource.value = chosen if chosen in ids else ids[0]
        marked = self.wb.calibration_resources()
        marked = marked.assign(marked_at=marked["marked_at"].astype(str).str[:10])
        self.resources.value = frame_html(
            marked[list(RESOURCE_COLUMNS)].rename(columns=RESOURCE_COLUMNS),
            "No calibration resource yet.",
        )
        stats = self.wb.reviewer_stats(self.user, identities=True)
        stats = stats.rename(columns={"reviewer": "learner", "reviewer_name": "learner_name"})
        joined = scores.rename(columns={"bias": "bias_reference"}).merge(
            stats[["learner", "bias", "reliability", "weight", "why"]], on="learner", how="left"
        )
        self.learners.value = frame_html(
            joined[list(LEARNER_COLUMNS)].rename(columns=LEARNER_COLUMNS),
            "No learner has reviewed a calibration resource yet.",
        )

    def _on_mark(self, _: W.Button) -> None:
        if self.resource.value is None:
            self.status.error("Choose a resource first.")
            return
        self.wb.set_calibration(str(self.resource.value), self.user, note=self.note.value)
        self.refresh()
        self.status.success("Marked as a calibration resource with your review as reference.")

    def _on_unmark(self, _: W.Button) -> None:
        if self.resource.value is None:
            self.status.error("Choose a resource first.")
            return
        self.wb.unset_calibration(str(self.resource.value), self.user, reason=self.note.value)
        self.refresh()
        self.status.success("No longer a calibration resource; the reviews stay.")
