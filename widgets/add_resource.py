"""Add a resource to the catalogue: its link and title (kind and topics optional).

A link already in the catalogue in any spelling (a youtu.be share link, a mobile Wikipedia
page) is recognised through the normalised URL, and the learner is taken to the existing
entry instead of splitting its reviews across duplicates.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import ipywidgets as W

from reviews.domain.errors import InvalidURL
from reviews.domain.model import LIMITS
from reviews.domain.urls import KINDS
from reviews.workbook import Workbook
from widgets.fields import STACKED, TextField, labelled
from widgets.identifier_warning import IdentifierWarning
from widgets.status import Status


def split_topics(text: str) -> list[str]:
    """``"ECG; arrhythmia, AF"`` -> ``["ECG", "arrhythmia", "AF"]``."""
    return [t.strip() for t in re.split(r"[;,]", text) if t.strip()]


class AddResource:
    """The form; ``on_done(resource_id, already_there)`` opens the new or existing entry."""

    def __init__(
        self,
        wb: Workbook,
        user: str,
        on_done: Callable[[str, bool], None],
        on_cancel: Callable[[], None],
        status: Status | None = None,
    ) -> None:
        self.wb = wb
        self.user = user
        self.on_done = on_done
        self.status = status or Status()
        self.url = TextField(
            "Link",
            "appraise-url",
            LIMITS["url"],
            placeholder="https://… from the address bar or Share",
            required=True,
        )
        self.title = TextField(
            "Title", "appraise-title", LIMITS["title"], placeholder="As the site shows it",
            required=True,
        )  # fmt: skip
        self.kind = labelled(
            W.Dropdown(
                description="Kind (optional)",
                options=[("Guess from the link", ""), *[(k.capitalize(), k) for k in KINDS]],
                style=STACKED,
            ),
            "appraise-new-kind",
        )
        self.topics = TextField(
            "Topics",
            "appraise-topics",
            LIMITS["text"],
            placeholder="Commas between, e.g. ECG, heart failure",
        )
        self.warning = IdentifierWarning(self.status)
        self.submit = W.Button(description="Add to the catalogue", button_style="primary")
        self.submit.add_class("appraise-submit-resource")
        self.submit.on_click(self.status.guard(self._on_submit))
        self.cancel = W.Button(description="Cancel")
        self.cancel.add_class("appraise-nav")
        self.cancel.add_class("appraise-cancel")
        self.cancel.on_click(self.status.guard(lambda _b: on_cancel()))
        buttons = W.HBox([self.submit, self.cancel])
        buttons.add_class("appraise-toolbar")
        self.widget = W.VBox(
            [
                W.HTML(
                    "<h2>Add a resource</h2><p>Anything the class learns from: a video, an "
                    "article, a podcast episode, a thread. If it is already in the catalogue "
                    "you will be taken to it.</p>"
                ),
                self.url.widget,
                self.title.widget,
                self.kind,
                self.topics.widget,
                self.warning.widget,
                buttons,
                self.status.widget,
            ]
        )
        self.widget.add_class("appraise-add-form")

    def reset(self) -> None:
        for field in (self.url, self.title, self.topics):
            field.value = ""
            field.error.clear()
        self.kind.value = ""
        self.warning.hide()
        self.status.clear()

    def _on_submit(self, _: W.Button) -> None:
        self.status.clear()
        if not self.url.check():
            return
        try:
            existing = self.wb.find_resource(self.url.value)
        except InvalidURL as exc:
            self.url.error.show(str(exc))
            return
        if existing is not None:
            self.reset()
            self.on_done(existing.id, True)
            return
        if not all([self.title.check(), self.topics.check()]):
            return
        self.warning.check({"Title": self.title.value, "Topics": self.topics.value}, self._save)

    def _save(self) -> None:
        self.submit.disabled = True
        try:
            resource = self.wb.add_resource(
                self.url.value,
                title=self.title.value,
                added_by=self.user,
                kind=self.kind.value or None,
                topics=split_topics(self.topics.value),
            )
        finally:
            self.submit.disabled = False
        self.reset()
        self.on_done(resource.id, resource.added_by != self.user)
