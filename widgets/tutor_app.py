"""The tutor dashboard: moderation queue, audit log, participation, assignments, calibration,
export.

Like :mod:`widgets.app`, built in two steps for preheated kernels: :meth:`TutorApp.from_environment`
opens the workbook before anyone asks; :meth:`TutorApp.start` waits for the request and only
then reads who it is. Under JupyterHub the hub's user name decides (a learner gets a polite
refusal); standalone, a tutor signs in with their name and the tutor passphrase. Nothing about
the workbook's learners becomes a widget before that, because the browser receives the state
of every widget the kernel holds. Every action is re-checked by the workbook itself.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping

import ipywidgets as W

from reviews.domain.hub import hub_user
from reviews.workbook import HUB, Identified, Workbook
from widgets.app import Unavailable, open_from_environment
from widgets.assignment_view import AssignmentView
from widgets.audit_log import AuditLog
from widgets.calibration_view import CalibrationView
from widgets.damage_banner import DamageBanner
from widgets.export_panel import ExportPanel
from widgets.fields import close_tree
from widgets.format import esc
from widgets.moderation import ModerationQueue
from widgets.participation_view import ParticipationView
from widgets.roster_view import RosterView
from widgets.router import SCRIPT as ROUTER_SCRIPT
from widgets.router import Router
from widgets.status import Status
from widgets.summaries_view import SummariesView
from widgets.theme import stylesheet
from widgets.tutor_sign_in import REFUSAL, TutorSignIn
from widgets.tutor_theme import tutor_stylesheet

SECTIONS: dict[str, tuple[str, Callable[[Workbook, str], object]]] = {
    "queue": ("Moderation", ModerationQueue),
    "audit": ("Audit log", AuditLog),
    "participation": ("Participation", ParticipationView),
    "assignments": ("Assignments", AssignmentView),
    "calibration": ("Calibration", CalibrationView),
    "summaries": ("Summaries", SummariesView),
    "roster": ("Roster", RosterView),
    "export": ("Export", ExportPanel),
}


class TutorApp:
    """The tutor dashboard for one browser tab."""

    def __init__(self, wb: Workbook) -> None:
        self.wb = wb
        self.user = ""
        self.hub = False
        self.status = Status()
        self.title = W.HTML(f"<h1>{esc(wb.config.title)}: tutors</h1>")
        self.who = W.HTML()
        self.who.add_class("appraise-user")
        self.tabs: dict[str, W.Button] = {}
        self.nav = W.HBox()
        self.nav.add_class("appraise-sections")
        self.body = W.VBox([W.HTML("<p role='status'>Loading the workbook…</p>")])
        self.body.add_class("appraise-body")
        self.sections: dict[str, object] = {}
        self.damage = DamageBanner(wb)  # damaged files: reads skip them, tutors are told
        # Each tab its own address (?tab=audit): Back and Forward, copied links.
        self.router = Router(self.status.guard(self._follow))
        self.wanted = ""
        self.widget = W.VBox(
            [stylesheet(), tutor_stylesheet(), self.title, self.who, self.nav,
             self.damage.widget, self.status.widget, self.body, self.router.widget]
        )  # fmt: skip
        self.widget.add_class("appraise-app")
        self.widget.add_class("appraise-tutor-app")

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> TutorApp | Unavailable:
        return open_from_environment(cls, environ)  # type: ignore[return-value]

    def show(self) -> None:
        from IPython.display import HTML, display

        display(HTML(ROUTER_SCRIPT))
        display(self.widget)

    def start(
        self, environ: Mapping[str, str] | None = None, wait: Callable[[], object] | None = None
    ) -> None:
        """Wait for the request, then let a tutor in, refuse a learner, or ask who it is."""
        self.status.guard(self._start)(environ, wait)

    def _start(self, environ: Mapping[str, str] | None, wait: Callable[[], object] | None) -> None:
        if wait is None:
            from voila.utils import wait_for_request

            wait = wait_for_request
        wait()
        env = os.environ if environ is None else environ
        self.wanted = self.router.start(env.get("QUERY_STRING", "")).get("tab", "")
        verified = hub_user(env)  # appraise serve --hub: the server checked the hub's OAuth
        if verified is not None:
            self.hub = True
            name = self.wb.admit_hub_user(verified)
            self.wb.record_sign_in(Identified(name, HUB), "tutor")  # audited for tutors
            self.enter(name)
            return
        hub_name = env.get("JUPYTERHUB_USER", "").strip()
        self.hub = bool(hub_name)
        if hub_name:
            self.wb.record_sign_in(Identified(hub_name, HUB), "tutor")  # audited for tutors
            self.enter(hub_name)
        else:
            form = TutorSignIn(self.wb, self.enter)
            self.body.children = [form.widget]

    def enter(self, user: str) -> None:
        """Open the dashboard for a tutor; anyone else gets the refusal and nothing else."""
        if not self.wb.is_tutor(user):
            self.user = ""
            self.body.children = [
                W.HTML(
                    f"<div role='alert' class='appraise-message appraise-refusal'>"
                    f"{esc(REFUSAL.format(who=user))}</div>"
                )
            ]
            return
        self.user = user
        self.who.value = (
            f"<p>Signed in as <b>{esc(user)}</b> <span class='appraise-hint'>(a tutor of this "
            "workbook: you can moderate, see real names and export)</span></p>"
        )
        buttons = []
        for name, (label, _) in SECTIONS.items():
            button = W.Button(description=label)
            button.add_class("appraise-nav")
            button.add_class(f"appraise-tab-{name}")
            button.on_click(self.status.guard(lambda _, n=name: self.open(n)))
            self.tabs[name] = button
            buttons.append(button)
        self.nav.children = buttons
        self.open(self.wanted if self.wanted in SECTIONS else "queue", replace=True)

    def _follow(self, params: dict[str, str]) -> None:
        tab = params.get("tab", "")
        if self.user:
            self.open(tab if tab in SECTIONS else "queue")

    def open(self, name: str, replace: bool = False) -> None:
        """Show one section, building it on first use (and refreshing it afterwards)."""
        if not self.wb.is_tutor(self.user):
            self.status.error("Only the workbook's tutors can use this dashboard.")
            return
        self.status.clear()
        self.damage.refresh()
        section = self.sections.get(name)
        if section is None:
            section = SECTIONS[name][1](self.wb, self.user)
            self.sections[name] = section
        elif hasattr(section, "refresh"):
            section.refresh()
        for key, button in self.tabs.items():
            if key == name:
                button.add_class("appraise-current")
            else:
                button.remove_class("appraise-current")
        self.body.children = [section.widget]  # type: ignore[attr-defined]
        self.router.push({"tab": "" if name == "queue" else name}, replace)

    def close(self) -> None:
        close_tree(self.widget)
