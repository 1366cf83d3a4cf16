"""One resource's page: the link and preview, what the class thinks, my review, corrections,
the reviews and the discussion.

The page is built once per signed-in learner and re-pointed at a resource by :meth:`show`.
After I save something, the shared :class:`Listing` is refreshed once and the parts that
depend on it are redrawn; the catalogue picks up the change when I go back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as W

from reviews.domain.model import Correction, Review
from reviews.workbook import Workbook
from widgets.correction_form import CorrectionForm
from widgets.corrections import CorrectionList
from widgets.discussion import DiscussionThread
from widgets.format import badge, esc
from widgets.listing import Listing
from widgets.preview import Preview
from widgets.review_form import ReviewForm
from widgets.review_list import ReviewList
from widgets.status import Status
from widgets.summary_card import SummaryCard


class ResourcePage:
    """Everything about one resource; ``on_back()`` returns to the catalogue."""

    def __init__(
        self,
        wb: Workbook,
        listing: Listing,
        user: str,
        on_back: Callable[[], None],
    ) -> None:
        self.wb = wb
        self.listing = listing
        self.user = user
        self.resource_id = ""
        self.status = Status()
        guard = self.status.guard
        self.back = W.Button(description="‹ All resources")
        self.back.add_class("appraise-back")
        self.back.add_class("appraise-nav")
        self.back.on_click(guard(lambda _b: on_back()))
        self.header = W.HTML()
        self.header.add_class("appraise-resource-header")
        self.preview = Preview()
        self.card = SummaryCard(wb, listing)
        # Blind until you rate: the way to see the class's view without reviewing (recorded).
        self.reveal = W.Button(description="Show me without reviewing")
        self.reveal.add_class("appraise-reveal")
        self.reveal.on_click(guard(self._on_reveal))
        self._hidden: bool | None = None
        self.review_form = ReviewForm(wb, user, self._review_saved)
        self.correction_form = CorrectionForm(wb, user, self._correction_saved)
        self.corrections = CorrectionList(wb, user, self._changed)
        self.reviews = ReviewList(wb, listing, user)
        self.discussion = DiscussionThread(wb, user)
        self.review_toggle = W.ToggleButton(description="Review this resource")
        self.review_toggle.add_class("appraise-review-toggle")
        self.correction_toggle = W.ToggleButton(description="Suggest a correction")
        self.correction_toggle.add_class("appraise-correction-toggle")
        self.review_toggle.observe(guard(self._toggle_review), names="value")
        self.correction_toggle.observe(guard(self._toggle_correction), names="value")
        actions = W.HBox([self.review_toggle, self.correction_toggle])
        actions.add_class("appraise-toolbar")
        actions.add_class("appraise-actions")
        # A form closes once it is saved; its success message stays here, where it was.
        self.notice = Status()
        self.notice.widget.add_class("appraise-notice")
        self.share = W.HTML()
        self.widget = W.VBox(
            [
                self.back,
                self.status.widget,
                self.header,
                self.preview.widget,
                self.card.widget,
                self.reveal,
                actions,
                self.notice.widget,
                self.review_form.widget,
                self.correction_form.widget,
                self.corrections.widget,
                self.reviews.widget,
                self.reviews.more.button,
                self.discussion.widget,
                self.share,
            ]
        )
        self.widget.add_class("appraise-resource-page")

    def show(self, resource_id: str) -> None:
        """Point the page at ``resource_id`` with both forms closed."""
        resource = self.wb.resource(resource_id)
        self.resource_id = resource_id
        for more in (self.corrections.more, self.reviews.more, self.discussion.more):
            more.reset()  # long lists open at their first items
        self.status.clear()
        self.notice.clear()
        names = self.wb.pseudonyms()
        topics = ", ".join(resource.topics)
        added = (
            "a tutor"
            if self.wb.is_tutor(resource.added_by)
            else names.get(resource.added_by, "a classmate")
        )
        self.header.value = (
            f"<h2>{esc(resource.title)}</h2><p>{badge(resource.kind, 'kind')} "
            f"<span>{esc(resource.platform)}</span>"
            + (f" · <span>{esc(topics)}</span>" if topics else "")
            + f" · <span class='appraise-hint'>added by {esc(added)}</span></p>"
            + (
                f"<p class='appraise-hint'>{esc(resource.description)}</p>"
                if resource.description
                else ""
            )
        )
        self.preview.show(resource.url, resource.title)
        self.review_form.load(resource_id)
        self.correction_form.load(resource_id, resource.kind)
        self.review_toggle.value = False
        self.correction_toggle.value = False
        self._toggle_review({"new": False})
        self._toggle_correction({"new": False})
        self._hidden = None
        self._redraw()
        self.discussion.show(resource_id)
        self.share.value = (
            f"<p class='appraise-hint'><a href='?resource={esc(resource_id)}'>Link to this "
            "page</a> (to share with classmates or come back later)</p>"
        )

    def _redraw(self) -> None:
        self.card.show(self.resource_id)
        self.reviews.show(self.resource_id)
        hidden = bool((self.listing.row(self.resource_id) or {}).get("scores_hidden"))
        self.reveal.layout.display = None if hidden else "none"
        if hidden != self._hidden:  # the corrections follow when my review unblinds them
            self._hidden = hidden
            self.corrections.show(self.resource_id, hidden=hidden)
        self.review_toggle.description = (
            "Edit my review" if self.review_form.editing else "Review this resource"
        )

    # -- callbacks --------------------------------------------------------------------------

    def _toggle_review(self, change: dict[str, Any]) -> None:
        self.review_form.widget.layout.display = None if change["new"] else "none"
        if change["new"]:
            self.notice.clear()

    def _toggle_correction(self, change: dict[str, Any]) -> None:
        self.correction_form.widget.layout.display = None if change["new"] else "none"
        if change["new"]:
            self.notice.clear()

    def _close(self, toggle: W.ToggleButton, status: Status) -> None:
        """Close a form after a save, moving its success message to the page's notice."""
        message = status.message
        status.clear()
        toggle.value = False
        self.notice.success(message)

    def _on_reveal(self, _: W.Button) -> None:
        self.wb.reveal(self.resource_id, self.user)
        self._changed()
        self.status.info(
            "Here is what the class thinks. Your review of this resource will not count "
            "towards your calibration, since you saw the class's view first."
        )

    def _changed(self) -> None:
        self.listing.refresh()
        self._redraw()

    def _review_saved(self, _: Review) -> None:
        self._close(self.review_toggle, self.review_form.status)
        self._changed()

    def _correction_saved(self, _: Correction) -> None:
        self._close(self.correction_toggle, self.correction_form.status)
        self._changed()
        self.corrections.show(self.resource_id, hidden=bool(self._hidden))
