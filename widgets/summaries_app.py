"""The summaries page (``notebooks/summaries.ipynb``): the class's summaries for anyone in it.

Learners are recognised as on the learner dashboard (JupyterHub's user, or the remembered
sign-in cookie), else asked for their name and the join code; a tutor's name also needs the
tutor passphrase. The page shows no learner's name, only resources and their scores.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping

import ipywidgets as W

from reviews.workbook import Workbook
from widgets.app import Unavailable, open_from_environment
from widgets.format import esc
from widgets.sign_in import SignIn, identity_from
from widgets.status import Status
from widgets.summaries_view import SummariesView
from widgets.theme import stylesheet
from widgets.tutor_theme import tutor_stylesheet


class SummariesApp:
    """Sign in (if needed), then :class:`SummariesView`."""

    def __init__(self, wb: Workbook) -> None:
        self.wb = wb
        self.user = ""
        self.view: SummariesView | None = None
        self.status = Status()
        self.who = W.HTML()
        self.body = W.VBox([W.HTML("<p role='status'>Loading the workbook…</p>")])
        self.body.add_class("appraise-body")
        self.widget = W.VBox(
            [stylesheet(), tutor_stylesheet(), W.HTML(f"<h1>{esc(wb.config.title)}</h1>"),
             self.who, self.status.widget, self.body]
        )  # fmt: skip
        self.widget.add_class("appraise-app")
        self.widget.add_class("appraise-summaries-app")

    @classmethod
    def from_environment(
        cls, environ: Mapping[str, str] | None = None
    ) -> SummariesApp | Unavailable:
        return open_from_environment(cls, environ)  # type: ignore[return-value]

    def show(self) -> None:
        from IPython.display import display

        display(self.widget)

    def start(
        self, environ: Mapping[str, str] | None = None, wait: Callable[[], object] | None = None
    ) -> None:
        self.status.guard(self._start)(environ, wait)

    def _start(self, environ: Mapping[str, str] | None, wait: Callable[[], object] | None) -> None:
        if wait is None:
            from widgets.request import wait_for_request  # not voila.utils: 43 MB lighter

            wait = wait_for_request
        wait()
        user = identity_from(self.wb, os.environ if environ is None else environ)
        if user:
            self.enter(user)
        else:
            form = SignIn(self.wb, lambda name, _remember: self.enter(name))
            form.remember.layout.display = "none"
            self.body.children = [form.widget]

    def enter(self, user: str) -> None:
        self.user = user
        self.who.value = f"<p>Signed in as <b>{esc(user)}</b></p>"
        self.view = SummariesView(self.wb, user)
        self.body.children = [self.view.widget]
