"""Who is at the tutor dashboard: a tutor's name and the tutor passphrase (standalone).

Under JupyterHub the hub's user name decides and this form is never shown. Standalone, only the
names of the workbook's tutors are accepted, with the passphrase chosen by ``appraise
passphrase`` (checked against its salted scrypt hash); anyone else is told politely where their
own dashboard is. The workbook re-checks every tutor action whatever this form said.
"""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as W

from reviews.workbook import Workbook
from widgets.fields import STACKED, FieldError, labelled
from widgets.status import Status

REFUSAL = (
    "This dashboard is for the tutors of this workbook, and {who} is not one of them. "
    "Learners: your dashboard is the learner dashboard (ask your tutor for its address), and "
    "the class summaries are open to you there too."
)


class TutorSignIn:
    """Name + tutor passphrase; ``on_signed_in(tutor_name)`` once both are right."""

    def __init__(self, wb: Workbook, on_signed_in: Callable[[str], None]) -> None:
        self.wb = wb
        self.on_signed_in = on_signed_in
        self.status = Status()
        self.name = labelled(
            W.Text(description="Your name", style=STACKED, layout=W.Layout(width="100%")),
            "appraise-name",
        )
        self.passphrase = labelled(
            W.Password(
                description="Tutor passphrase",
                placeholder="Set with `appraise passphrase`",
                style=STACKED,
                layout=W.Layout(width="100%"),
            ),
            "appraise-passphrase",
        )
        self.error = FieldError()
        self.submit = W.Button(description="Sign in", button_style="primary")
        self.submit.add_class("appraise-sign-in")
        self.submit.on_click(self.status.guard(self._on_submit))
        self.widget = W.VBox(
            [
                W.HTML("<h2>Tutors: sign in</h2>"),
                self.name,
                self.passphrase,
                self.error.widget,
                self.submit,
                self.status.widget,
            ]
        )
        self.widget.add_class("appraise-sign-in-form")

    def _on_submit(self, _: W.Button) -> None:
        self.error.clear()
        self.status.clear()
        typed = " ".join(self.name.value.split())
        if not typed:
            self.error.show("Please type your name.")
            return
        tutor = next((t for t in self.wb.config.tutors if t.casefold() == typed.casefold()), None)
        if tutor is None:
            self.status.error(REFUSAL.format(who=typed))
            return
        if not self.wb.has_tutor_passphrase():
            self.error.show(
                "No tutor passphrase is set yet for this workbook: run `appraise passphrase "
                f"--workbook {self.wb.path}` on the server, then sign in with it."
            )
            return
        if not self.wb.check_tutor_passphrase(self.passphrase.value):
            self.error.show(
                "That is not the tutor passphrase of this workbook (a tutor sets it with "
                "`appraise passphrase`)."
            )
            return
        self.passphrase.value = ""
        self.on_signed_in(tutor)
