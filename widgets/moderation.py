"""The moderation queue: what waits for a tutor, most urgent first, with its actions.

Each item of :meth:`Workbook.moderation_queue` becomes a card: its category (patient-safety
corrections and confidentiality flags first), the resource, the author and the text, all
escaped, a reason or note field and the buttons that apply (hide anything; verify or reject a
correction). Below the queue, the hidden items can be restored. Every button calls the
workbook's own ``hide``/``restore``/``verify_correction``/``reject_correction`` with the current
user, which refuse anyone but a tutor: the widgets never decide who may act.
"""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as W
import pandas as pd

from reviews.workbook import Workbook
from widgets.fields import STACKED, close_tree, labelled
from widgets.format import SEVERITY_LABELS, esc
from widgets.status import Status

MAX_CARDS = 50
CATEGORY_LABELS = {
    "patient-safety": "Patient safety correction",
    "confidentiality": "Confidentiality flag",
    "new correction": "New correction",
    "disputed correction": "Disputed correction",
    "flagged review": "Flagged review",
    "comment": "Comment",
}


class ModerationQueue:
    """The queue and the hidden items of ``wb``, acted on as ``user``."""

    def __init__(
        self, wb: Workbook, user: str, on_change: Callable[[], None] | None = None
    ) -> None:
        self.wb = wb
        self.user = user
        self.on_change = on_change
        self.status = Status()
        self.status.widget.add_class("appraise-queue-status")
        self.refresh_button = W.Button(description="Refresh")
        self.refresh_button.add_class("appraise-refresh")
        self.refresh_button.on_click(self.status.guard(lambda _: self.refresh()))
        self.cards = W.VBox()
        self.cards.add_class("appraise-queue")
        self.hidden = W.VBox()
        self.hidden.add_class("appraise-hidden-items")
        self.widget = W.VBox(
            [
                W.HTML(
                    "<h2>Moderation queue</h2><p>Patient-safety corrections and "
                    "confidentiality flags first, then new and disputed corrections, flagged "
                    "reviews and comments. Hidden content leaves learners' views and the scores "
                    "but is never deleted; every action goes to the audit log.</p>"
                ),
                self.refresh_button,
                self.status.widget,
                self.cards,
                self.hidden,
            ]
        )
        self.widget.add_class("appraise-moderation")
        self.status.guard(self.refresh)()

    def refresh(self) -> None:
        queue = self.wb.moderation_queue(self.user, identities=True)
        for box in (self.cards, self.hidden):
            for child in box.children:
                close_tree(child)
        cards: list[W.Widget] = [self._card(row) for row in queue.head(MAX_CARDS).itertuples()]
        if queue.empty:
            cards = [W.HTML("<p class='appraise-empty'>Nothing waits for you.</p>")]
        elif len(queue) > MAX_CARDS:
            cards.append(W.HTML(f"<p>{len(queue) - MAX_CARDS} more after these.</p>"))
        self.cards.children = cards
        self.hidden.children = self._hidden_cards()

    def _card(self, row: object) -> W.VBox:
        r = pd.Series(row._asdict())  # type: ignore[attr-defined]
        meta = f"{esc(r['kind'])} by {esc(r['author'])} ({esc(r['author_name'])})"
        extra = ""
        if r["kind"] == "correction":
            extra = f" · class: {int(r['agree'])} agree, {int(r['dispute'])} dispute"
        if r["flags"]:
            extra += f" · flags: {esc(r['flags'])}"
        body = f"<blockquote class='appraise-quote'>{esc(r['text'])}</blockquote>"
        if r["kind"] == "correction":  # a tutor judges a correction by its evidence
            c = self.wb.correction(str(r["target_id"]))
            body = (
                f"<p><b>Where:</b> {esc(c.locator or '–')} · <b>Severity:</b> "
                f"{esc(SEVERITY_LABELS.get(c.severity, c.severity))}</p>"
                f"<p><b>Says:</b> {esc(c.claim)}</p><p><b>Should say:</b> "
                f"{esc(c.correction)}</p><p><b>Evidence:</b> {esc(c.evidence)}</p>"
            )
        url = self.wb.resource(str(r["resource_id"])).url
        link = ""
        if url.startswith(("https://", "http://")):
            link = (
                f" <a href='{esc(url)}' target='_blank' rel='noopener noreferrer'>"
                "open the resource</a>"
            )
        head = W.HTML(
            f"<div class='appraise-card-head'><span class='appraise-badge appraise-cat-"
            f"{int(r['priority'])}'>{esc(CATEGORY_LABELS.get(r['category'], r['category']))}"
            f"</span> <strong>{esc(r['resource_title'])}</strong>{link}</div>"
            f"<p class='appraise-meta'>{meta}{extra}</p>{body}"
        )
        reason = labelled(
            W.Text(
                description="Reason or note",
                placeholder="Learners and tutors see it",
                style=STACKED,
                layout=W.Layout(width="100%"),
            ),
            "appraise-reason",
        )
        status = Status()
        target = str(r["target_id"])
        buttons = [self._button("Hide", "appraise-hide", "warning", status,
                                lambda: self.wb.hide(target, actor=self.user,
                                                     reason=reason.value),
                                "Hidden")]  # fmt: skip
        if r["kind"] == "correction":
            buttons.insert(0, self._button(
                "Verify", "appraise-verify", "success", status,
                lambda: self.wb.verify_correction(target, actor=self.user, note=reason.value),
                "Verified"))  # fmt: skip
            buttons.insert(1, self._button(
                "Reject", "appraise-reject", "", status,
                lambda: self.wb.reject_correction(target, actor=self.user, note=reason.value),
                "Rejected"))  # fmt: skip
        bar = W.HBox(buttons)
        bar.add_class("appraise-toolbar")
        card = W.VBox([head, reason, bar, status.widget])
        card.add_class("appraise-card")
        card.add_class(f"appraise-item-{r['kind']}")
        return card

    def _button(
        self, label: str, css: str, style: str, status: Status, act: Callable[[], object],
        done: str,
    ) -> W.Button:  # fmt: skip
        button = W.Button(description=label, button_style=style)
        button.add_class(css)

        def click(_: W.Button) -> None:
            act()
            self.refresh()
            self.status.success(f"{done}. The audit log has the details.")
            if self.on_change is not None:
                self.on_change()

        button.on_click(status.guard(click))
        return button

    def _hidden_cards(self) -> list[W.Widget]:
        hidden = self.wb.moderation().hidden
        if not hidden:
            return []
        audit = self.wb.audit_table(self.user)
        latest = audit[(audit["action"] == "hide") & audit["target_id"].isin(hidden)]
        latest = latest.drop_duplicates("target_id")
        cards: list[W.Widget] = [W.HTML("<h3>Hidden items</h3>")]
        for row in latest.head(MAX_CARDS).itertuples():
            text = W.HTML(
                f"<p><strong>{esc(row.kind)}</strong> on {esc(row.resource_title)}, hidden by "
                f"{esc(row.actor)}: “{esc(row.reason)}”</p>"
            )
            reason = labelled(
                W.Text(description="Why restore it", style=STACKED,
                       layout=W.Layout(width="100%")),
                "appraise-reason",
            )  # fmt: skip
            status = Status()
            target = str(row.target_id)
            button = self._button(
                "Restore", "appraise-restore", "", status,
                lambda t=target, field=reason: self.wb.restore(  # type: ignore[misc]
                    t, actor=self.user, reason=field.value),
                "Restored")  # fmt: skip
            card = W.VBox([text, reason, button, status.widget])
            card.add_class("appraise-card")
            cards.append(card)
        return cards
