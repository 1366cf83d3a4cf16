"""Who is at the tutor dashboard: a tutor's name and the tutor passphrase (standalone).

Under JupyterHub the hub's user name decides and this form is never shown. Standalone, only the
names of the workbook's tutors are accepted (compared in canonical form, see
:mod:`reviews.domain.names`), with the passphrase chosen by ``appraise passphrase`` (checked
against its salted scrypt hash); anyone else is told politely where their own dashboard is.
Wrong passphrases are slowed down per page and lock-outs audited, as on the learner form; each
tutor sign-in is in the audit log. The workbook re-checks every tutor action whatever this
form said.
"""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as W

from reviews.domain.names import BadName, canonical_name
from reviews.workbook import PASSPHRASE, Identified, Throttle, Workbook
from widgets.fields import STACKED, FieldError, labelled
from widgets.sign_in import page_throttle
from widgets.status import Status

REFUSAL = (
    "This dashboard is for the tutors of this workbook, and {who} is not one of them. "
    "Learners: your dashboard is the learner dashboard (ask your tutor for its address), and "
    "the class summaries are open to you there too."
)


class TutorSignIn:
    """Name + tutor passphrase; ``on_signed_in(tutor_name)`` once both are right."""

    def __init__(
        self,
        wb: Workbook,
        on_signed_in: Callable[[str], None],
        throttle: Callable[[str], Throttle] = page_throttle,
    ) -> None:
        self.wb = wb
        self.throttle = throttle
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
        if not self.name.value.strip():
            self.error.show("Please type your name.")
            return
        try:
            typed = canonical_name(self.name.value)
        except BadName as exc:
            self.error.show(f"That name cannot be used: {exc}.")
            return
        tutor = self.wb.tutor_named(typed)
        if tutor is None:
            self.status.error(REFUSAL.format(who=typed))
            return
        if not self.wb.has_tutor_passphrase():
            self.error.show(
                "No tutor passphrase is set yet for this workbook: run `appraise passphrase "
                f"--workbook {self.wb.path}` on the server, then sign in with it."
            )
            return
        throttle = self.throttle("tutor passphrase")
        refusal = throttle.refusal()
        if refusal:
            self.status.error(refusal)
            return
        if not self.wb.check_tutor_passphrase(self.passphrase.value):
            delay = throttle.failed()
            if delay:
                detail = f"for the name {tutor}, on the tutor dashboard"
                self.wb.record_lockout("tutor passphrase", throttle.failures, delay, detail)
                self.status.error(throttle.refusal() or "")
            self.error.show(
                "That is not the tutor passphrase of this workbook (a tutor sets it with "
                "`appraise passphrase`)."
            )
            return
        throttle.succeeded()
        self.passphrase.value = ""
        self.wb.record_sign_in(Identified(tutor, PASSPHRASE), "tutor")
        self.on_signed_in(tutor)
