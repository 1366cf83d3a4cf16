"""The warning a form shows before saving text that looks like it identifies a patient.

The learner sees what was found and why it matters, then either edits the text or confirms
that it is safe (an invented case, a public figure, a guideline's date). Nothing is saved
until one of the two happens.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import ipywidgets as W

from reviews.domain.privacy import Finding, find_identifiers
from widgets.format import esc
from widgets.status import Status

WHY = (
    "Everything you save here is shown to the whole class and kept in the workbook, which "
    "tutors export. A name, date of birth, hospital or NHS number, phone number or e-mail "
    "address can identify a patient, and sharing it breaks the confidentiality you owe every "
    "patient, even in teaching. Please remove it, or describe the case without it."
)


class IdentifierWarning:
    """Check free text before saving; hold the save until the learner edits or confirms."""

    def __init__(self, status: Status) -> None:
        self.status = status
        self.findings: dict[str, list[Finding]] = {}
        self._pending: Callable[[], None] | None = None
        self.message = W.HTML("")
        self.edit = W.Button(description="Edit my text")
        self.edit.add_class("appraise-edit-text")
        self.confirm = W.Button(description="It is safe: save anyway", button_style="warning")
        self.confirm.add_class("appraise-save-anyway")
        self.edit.on_click(status.guard(self._on_edit))
        self.confirm.on_click(status.guard(self._on_confirm))
        buttons = W.HBox([self.edit, self.confirm])
        buttons.add_class("appraise-toolbar")
        self.widget = W.VBox([self.message, buttons])
        self.widget.add_class("appraise-identifier-warning")
        self.widget.layout.display = "none"

    @property
    def showing(self) -> bool:
        return self.widget.layout.display != "none"

    def check(self, texts: Mapping[str, str], save: Callable[[], None]) -> None:
        """Call ``save`` now if ``texts`` (field label -> text) look safe; otherwise warn and
        call it only when the learner confirms."""
        self.findings = {
            label: found for label, text in texts.items() if (found := find_identifiers(text))
        }
        if not self.findings:
            self.hide()
            save()
            return
        self._pending = save
        items = "".join(
            f"<li><b>{esc(label)}</b>: “{esc(f.match)}” looks like {esc(f.label)}</li>"
            for label, found in self.findings.items()
            for f in found
        )
        self.message.value = (
            "<div role='alert' class='appraise-message appraise-warning'>"
            "<p><b>Before you save: this may identify a patient.</b></p>"
            f"<ul>{items}</ul><p>{esc(WHY)}</p>"
            "<p>If it is an invented case or not about a patient, you can save anyway.</p></div>"
        )
        self.widget.layout.display = None

    def hide(self) -> None:
        self._pending = None
        self.widget.layout.display = "none"
        self.message.value = ""

    def _on_edit(self, _: W.Button) -> None:
        self.hide()
        self.status.info("Not saved yet: edit your text, then save again.")

    def _on_confirm(self, _: W.Button) -> None:
        save = self._pending
        self.hide()
        if save is not None:
            save()
