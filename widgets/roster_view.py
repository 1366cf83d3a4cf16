"""The class roster for tutors: who is on it, and a new personal code for a learner who lost
theirs (the old code stops working at once, and so do browsers it signed in).

A new code is shown once, here, for the tutor to pass on; only its keyed hash is stored. The
workbook checks that the user is a tutor on every reset, and writes it to the audit log.
"""

from __future__ import annotations

import ipywidgets as W

from reviews.workbook import Workbook
from widgets.format import esc
from widgets.status import Status

NO_ROSTER = (
    "<p>This workbook has no roster: it is an <b>open workshop</b>, where learners sign in with "
    "a display name and the join code, and names are not checked. To give each learner a "
    "personal code, import the class list: <code>appraise roster import class.csv --workbook "
    "DIR --codes-out codes.csv</code> (see the tutor guide, “Identity modes”).</p>"
)


class RosterView:
    """The roster of ``wb`` as seen by the tutor ``user``, with a "reset code" action."""

    def __init__(self, wb: Workbook, user: str) -> None:
        self.wb = wb
        self.user = user
        self.status = Status()
        self.table = W.HTML()
        self.table.add_class("appraise-roster-table")
        self.learner = W.Dropdown(description="Learner", options=[])
        self.learner.add_class("appraise-roster-learner")
        self.reset = W.Button(description="Reset code", button_style="warning")
        self.reset.add_class("appraise-reset-code")
        self.reset.on_click(self.status.guard(self._on_reset))
        self.new_code = W.HTML()
        self.new_code.add_class("appraise-new-code")
        self.actions = W.HBox([self.learner, self.reset])
        self.actions.add_class("appraise-toolbar")
        self.widget = W.VBox(
            [W.HTML("<h2>Roster</h2>"), self.actions, self.status.widget, self.new_code,
             self.table]
        )  # fmt: skip
        self.refresh()

    def refresh(self) -> None:
        learners = self.wb.roster().learners()
        if not learners:
            self.table.value = NO_ROSTER
            self.actions.layout.display = "none"
            return
        self.actions.layout.display = None
        self.learner.options = [r.name for r in learners]
        rows = "".join(
            f"<tr><td>{esc(r.name)}</td><td>{esc(r.email)}</td><td>{esc(r.group)}</td>"
            f"<td>{r.code_set_at:%Y-%m-%d %H:%M} UTC</td></tr>"
            for r in learners
        )
        self.table.value = (
            f"<p>{len(learners)} learners sign in with their personal codes; the join code "
            "lets nobody in.</p><table class='appraise-table'><thead><tr><th>Learner</th>"
            "<th>E-mail</th><th>Group</th><th>Code set</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>"
        )

    def _on_reset(self, _: W.Button) -> None:
        name = self.learner.value
        if not name:
            self.status.error("Choose a learner first.")
            return
        issued = self.wb.roster_reset_code(name, actor=self.user)
        self.new_code.value = (
            f"<p class='appraise-message appraise-success'>New personal code for "
            f"<b>{esc(issued.learner.name)}</b>: <code class='appraise-code'>"
            f"{esc(issued.code)}</code>. Give it to them now: it is not shown again, and "
            "their old code no longer works.</p>"
        )
        self.status.clear()
        self.refresh()
