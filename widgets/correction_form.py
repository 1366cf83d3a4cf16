"""Suggest a correction: where the error is, what the resource says, what is correct, the
evidence, and how much it matters.

A correction is only useful if a classmate can find the spot and check the source, so the
locator, both statements and the evidence are required, and the severity is chosen explicitly
(no default hides a patient-safety error as "minor").
"""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as W

from reviews.domain.model import LIMITS, SEVERITIES, Correction
from reviews.workbook import Workbook
from widgets.fields import STACKED, FieldError, TextField, labelled
from widgets.format import SEVERITY_LABELS
from widgets.identifier_warning import IdentifierWarning
from widgets.status import Status

SEVERITY_HELP = {
    "minor": "a detail; would not change what a learner does",
    "major": "would mislead a learner about diagnosis or management",
    "patient-safety": "could harm a patient if someone acted on it",
}
TIMED_KINDS = ("video", "podcast")


class CorrectionForm:
    """Propose a correction to one resource; ``on_saved(correction)`` after saving."""

    def __init__(
        self,
        wb: Workbook,
        user: str,
        on_saved: Callable[[Correction], None],
        status: Status | None = None,
    ) -> None:
        self.wb = wb
        self.user = user
        self.on_saved = on_saved
        self.status = status or Status()
        self.resource_id = ""
        self.locator = TextField(
            "Where is it?",
            "appraise-locator",
            LIMITS["short"],
            placeholder="e.g. 04:10, slide 12, the section heading",
            required=True,
        )
        self.claim = TextField(
            "What does it say?",
            "appraise-claim",
            LIMITS["text"],
            placeholder="Quote or describe the statement you think is wrong",
            required=True,
            multiline=True,
        )
        self.correction = TextField(
            "What is correct?",
            "appraise-correction",
            LIMITS["text"],
            placeholder="What a learner should know instead",
            required=True,
            multiline=True,
        )
        self.evidence = TextField(
            "Evidence",
            "appraise-evidence",
            LIMITS["text"],
            placeholder="e.g. PMID: 34447992, NICE NG196 or a URL",
            required=True,
        )
        self.severity = labelled(
            W.RadioButtons(
                options=[(f"{SEVERITY_LABELS[s]}: {SEVERITY_HELP[s]}", s) for s in SEVERITIES],
                value=None,
                description="How serious is it?",
                style=STACKED,
            ),
            "appraise-severity",
        )
        self.severity_error = FieldError()
        self.warning = IdentifierWarning(self.status)
        self.submit = W.Button(description="Submit correction", button_style="primary")
        self.submit.add_class("appraise-submit-correction")
        self.submit.on_click(self.status.guard(self._on_submit))
        self.widget = W.VBox(
            [
                W.HTML("<h3>Suggest a correction</h3>"),
                self.locator.widget,
                self.claim.widget,
                self.correction.widget,
                self.evidence.widget,
                self.severity,
                self.severity_error.widget,
                self.warning.widget,
                self.submit,
                self.status.widget,
            ]
        )
        self.widget.add_class("appraise-correction-form")

    @property
    def fields(self) -> list[TextField]:
        return [self.locator, self.claim, self.correction, self.evidence]

    def load(self, resource_id: str, kind: str) -> None:
        """An empty form for ``resource_id``; the locator hint depends on the resource's kind."""
        self.resource_id = resource_id
        for field in self.fields:
            field.value = ""
            field.error.clear()
        self.severity.value = None
        self.severity_error.clear()
        self.warning.hide()
        self.status.clear()
        self.locator.input.placeholder = (
            "Timestamp, e.g. 04:10"
            if kind in TIMED_KINDS
            else "A few words of the passage, or the section"
        )

    def _on_submit(self, _: W.Button) -> None:
        self.status.clear()
        ok = all([field.check() for field in self.fields])
        if self.severity.value is None:
            self.severity_error.show("Please choose how serious it is.")
            ok = False
        else:
            self.severity_error.clear()
        if not ok:
            self.status.error("Some answers are missing or too long: see the messages above.")
            return
        texts = {field.label: field.value for field in self.fields}
        self.warning.check(texts, self._save)

    def _save(self) -> None:
        self.submit.disabled = True
        self.submit.description = "Saving…"
        try:
            saved = self.wb.add_correction(
                self.resource_id,
                author=self.user,
                locator=self.locator.value,
                claim=self.claim.value,
                correction=self.correction.value,
                evidence=self.evidence.value,
                severity=self.severity.value,
            )
        finally:
            self.submit.disabled = False
            self.submit.description = "Submit correction"
        for field in self.fields:
            field.value = ""
        self.severity.value = None
        self.status.success(
            "Correction submitted. Classmates can now endorse or dispute it, and a tutor "
            "may verify it."
        )
        self.on_saved(saved)
