"""The class's reviews of one resource: who (by pseudonym), the score, how sure, the flags
and the comment. Hidden until I have reviewed when the workbook says so."""

from __future__ import annotations

import ipywidgets as W

from reviews.workbook import Workbook
from widgets.format import CONFIDENCE_LABELS, FLAG_LABELS, badge, esc, fmt, when
from widgets.hidden import hidden_html
from widgets.listing import Listing
from widgets.show_more import ShowMore
from widgets.status import Status


class ReviewList:
    """The live reviews of one resource under the workbook's rubric, newest first, ``STEP`` at
    a time (``more`` is the button, placed by the page below the list)."""

    def __init__(self, wb: Workbook, listing: Listing, user: str) -> None:
        self.wb = wb
        self.listing = listing
        self.user = user
        self.widget = W.HTML("")
        self.widget.add_class("appraise-reviews")
        self.resource_id = ""
        self.more = ShowMore("reviews", lambda: self.show(self.resource_id), Status().guard)

    def show(self, resource_id: str) -> None:
        if resource_id != self.resource_id:
            self.more.reset()
        self.resource_id = resource_id
        self.more.update(0)
        row = self.listing.row(resource_id) or {}
        rubric = self.listing.rubric
        reviews = [r for r in self.wb.reviews(resource_id=resource_id) if r.rubric == rubric.id]
        if row.get("scores_hidden"):
            self.widget.value = (
                f"<h3>Reviews ({len(reviews)})</h3><p>Hidden until you submit your own.</p>"
            )
            return
        names = self.wb.pseudonyms()
        hi = rubric.score_range[1]
        state = self.wb.moderation()
        gone = [
            hidden_html("review", r.reviewer == self.user, state.reasons.get(r.id, ""))
            for r in self.wb.reviews(resource_id=resource_id, include_hidden=True)
            if r.rubric == rubric.id and r.id in state.hidden
        ]
        items = []
        newest = sorted(reviews, key=lambda r: r.updated_at, reverse=True)
        self.more.update(len(newest))
        for r in newest[: self.more.limit]:
            who = names.get(r.reviewer, "a classmate") + (
                " (you)" if r.reviewer == self.user else ""
            )
            tutor = " " + badge("tutor", "tutor") if self.wb.is_tutor(r.reviewer) else ""
            score = rubric.review_score(r.scores)
            bits = [f"{fmt(score)} of {fmt(hi)}" if score is not None else "no score"]
            if r.confidence:
                bits.append("confidence " + CONFIDENCE_LABELS[r.confidence])
            flags = "".join(" " + badge("⚑ " + FLAG_LABELS.get(f, f), "flag") for f in r.flags)
            comment = f"<p class='appraise-text'>{esc(r.comment)}</p>" if r.comment else ""
            items.append(
                f"<li class='appraise-review'><p><b>{esc(who)}</b>{tutor} · "
                f"{esc(' · '.join(bits))} · {esc(when(r.updated_at))}{flags}</p>{comment}</li>"
            )
        items += [f"<li class='appraise-review'>{note}</li>" for note in gone]
        body = (
            f"<ul class='appraise-plain-list'>{''.join(items)}</ul>"
            if items
            else ("<p>No reviews yet.</p>")
        )
        self.widget.value = f"<h3>Reviews ({len(reviews)})</h3>{body}"
