"""The corrections proposed for one resource, with their status, votes and my vote.

A correction's status comes from the workbook's corrections summary when it has one (crowd
endorsement from the agreement of votes); a tutor's verification or rejection is shown apart
from the crowd's votes, never mixed into them. Anyone but the author can endorse or dispute,
with a reason, and change their mind; the workbook refuses a vote on one's own correction, and
the buttons are not offered for it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import ipywidgets as W

from reviews.domain.model import LIMITS, Correction, Vote
from reviews.domain.visibility import Decision, State
from reviews.workbook import Workbook
from widgets.fields import STACKED, close_tree, labelled
from widgets.format import (
    SEVERITY_LABELS,
    badge,
    count,
    esc,
    linkify,
    number,
    status_label,
    when,
)
from widgets.hidden import hidden_html
from widgets.identifier_warning import IdentifierWarning
from widgets.show_more import ShowMore
from widgets.status import Status


def support(
    wb: Workbook, resource_id: str, corrections: list[Correction], state: State
) -> dict[str, dict[str, Any]]:
    """Per correction, best supported first (as ranked in the catalogue snapshot, so the page
    needs neither pandas nor the model): ``status`` (the tutor's decision), ``agreement`` (the
    class's weighted share agreeing) and ``agreement_lb`` (its lower bound). Corrections newer
    than the snapshot come last, with their status only."""
    rows: dict[str, dict[str, Any]] = {c.id: {"status": state.status(c.id)} for c in corrections}
    if not corrections:
        return rows
    ranked: dict[str, dict[str, Any]] = {}
    for rec in wb.catalogue_snapshot().support(resource_id):
        if rec.get("id") in rows:
            row = rows[rec["id"]]
            if isinstance(rec.get("status"), str):
                row["status"] = rec["status"]
            row["agreement"] = number(rec.get("agreement"))
            row["agreement_lb"] = number(rec.get("agreement_lb"))
            ranked[rec["id"]] = row
    return {**ranked, **rows}


def how_computed(low: float | None, share: float | None) -> str:
    """The statistics behind "3 of 4 classmates agree", in a disclosure, for the curious."""
    if low is None:
        return ""
    weighted = (
        f" Weighing each vote that way, {share * 100:.0f}% of the votes agree." if share else ""
    )
    return (
        "<details class='appraise-how'><summary>How is this computed?</summary><p>"
        "Each vote counts by the voter's track record as a reviewer (at most one vote each, "
        f"so a group voting together counts for little).{esc(weighted)} Allowing for chance "
        f"with this many votes, at least {low * 100:.0f}% of the class would agree: the lower "
        "bound of the 95% Wilson score interval, which ranks corrections so that one vote "
        "of one does not beat 40 of 50.</p></details>"
    )


class CorrectionCard:
    """One correction: what it says, who proposed it, the votes, and my vote's controls."""

    def __init__(
        self,
        wb: Workbook,
        user: str,
        correction: Correction,
        on_voted: Callable[[], None],
    ) -> None:
        self.wb = wb
        self.user = user
        self.correction = correction
        self.on_voted = on_voted
        self.status = Status()
        self.text = W.HTML()
        self.reason = labelled(
            W.Text(
                description="Your reason (optional)",
                placeholder="Why? A source if you have one",
                style=STACKED,
                layout=W.Layout(width="100%"),
            ),
            "appraise-vote-reason",
        )
        self.endorse = W.Button(description="Endorse", button_style="success")
        self.endorse.add_class("appraise-endorse")
        self.dispute = W.Button(description="Dispute", button_style="danger")
        self.dispute.add_class("appraise-dispute")
        self.warning = IdentifierWarning(self.status)
        self.endorse.on_click(self.status.guard(lambda _b: self._vote(True)))
        self.dispute.on_click(self.status.guard(lambda _b: self._vote(False)))
        self.my_vote = W.HTML()
        own = correction.author == user
        controls: list[W.Widget] = [self.my_vote]
        if own:
            self.my_vote.value = (
                "<p class='appraise-hint'>You proposed this correction: classmates endorse "
                "or dispute it.</p>"
            )
        else:
            buttons = W.HBox([self.endorse, self.dispute])
            buttons.add_class("appraise-toolbar")
            controls += [self.reason, buttons, self.warning.widget]
        self.widget = W.VBox([self.text, *controls, self.status.widget])
        self.widget.add_class("appraise-correction")

    def show(
        self,
        votes: list[Vote],
        row: dict[str, Any],
        decision: Decision | None,
        names: dict[str, str],
    ) -> None:
        c = self.correction
        tally = Counter(v.agree for v in votes)
        mine = next((v for v in votes if v.voter == self.user), None)
        author = names.get(c.author, "a classmate")
        if c.author == self.user:
            author += " (you)"
        status = str(row.get("status", "proposed"))
        note = ""
        if decision is not None and decision.note:
            note = f"<p><b>Tutor's note:</b> {esc(decision.note)}</p>"
        votes_html = esc(f"{count(tally[True], 'endorsement')} · {count(tally[False], 'dispute')}")
        voted = tally[True] + tally[False]
        if voted:
            verb = "agrees" if tally[True] == 1 else "agree"
            words = f"{tally[True]} of {count(voted, 'classmate')} who voted {verb}"
            votes_html = f"<b>{esc(words)}</b> · {votes_html}"
        how = how_computed(row.get("agreement_lb"), row.get("agreement"))
        reasons = [
            f"<li>{esc(names.get(v.voter, 'a classmate'))}"
            f"{' (you)' if v.voter == self.user else ''} "
            f"{'endorsed' if v.agree else 'disputed'}: "
            f"<span class='appraise-text'>“{esc(v.reason)}”</span></li>"
            for v in sorted(votes, key=lambda v: v.updated_at)
            if v.reason
        ]
        said = (
            f"<ul class='appraise-vote-reasons appraise-plain-list'>{''.join(reasons)}</ul>"
            if reasons
            else ""
        )
        self.text.value = (
            "<div class='appraise-card'>"
            f"<p>{badge(SEVERITY_LABELS.get(c.severity, c.severity), 'severity-' + c.severity)} "
            f"{badge(status_label(status), 'status-' + status)} "
            f"<span class='appraise-hint'>by {esc(author)}, {esc(when(c.created_at))}</span></p>"
            f"<p><b>Where:</b> {esc(c.locator) or 'not given'}</p>"
            f"<p><b>It says:</b> <span class='appraise-text'>{esc(c.claim)}</span></p>"
            f"<p><b>Correct:</b> <span class='appraise-text'>{esc(c.correction)}</span></p>"
            f"<p><b>Evidence:</b> <span class='appraise-text'>{linkify(c.evidence)}</span></p>"
            f"{note}<p class='appraise-votes'>{votes_html}</p>{how}{said}</div>"
        )
        if c.author == self.user:
            return
        if mine is None:
            self.my_vote.value = ""
            self.endorse.description, self.dispute.description = "Endorse", "Dispute"
        else:
            said = "endorsed" if mine.agree else "disputed"
            reason = f" Your reason: “{esc(mine.reason)}”" if mine.reason else ""
            self.my_vote.value = (
                f"<p class='appraise-my-vote'><b>You {said} this.</b>{reason} "
                "You can change your vote below.</p>"
            )
            self.endorse.description = "Endorse" if not mine.agree else "Endorse (your vote)"
            self.dispute.description = "Dispute" if mine.agree else "Dispute (your vote)"
            if not self.reason.value:
                self.reason.value = mine.reason

    def _vote(self, agree: bool) -> None:
        self.status.clear()
        reason = self.reason.value.strip()
        if len(reason) > LIMITS["text"]:
            self.status.error(
                f"Your reason is too long: the limit is {LIMITS['text']:,} characters."
            )
            return

        def save() -> None:
            self.wb.vote(self.correction.id, voter=self.user, agree=agree, reason=reason)
            self.status.success("Your endorsement is saved." if agree else "Your dispute is saved.")
            self.on_voted()

        self.warning.check({"Your reason": reason}, save)


class CorrectionList:
    """The visible corrections of one resource, best supported first, ``STEP`` at a time."""

    def __init__(self, wb: Workbook, user: str, on_changed: Callable[[], None]) -> None:
        self.wb = wb
        self.user = user
        self.on_changed = on_changed
        self.resource_id = ""
        self.hidden = False
        self.cards: list[CorrectionCard] = []
        self.heading = W.HTML()
        self.list = W.VBox()
        self.hidden_notes = W.HTML()  # where hidden corrections were (widgets/hidden.py)
        self.more = ShowMore("corrections", lambda: self.show(self.resource_id, self.hidden),
                             Status().guard)  # fmt: skip
        self.widget = W.VBox([self.heading, self.list, self.more.button, self.hidden_notes])
        self.widget.add_class("appraise-corrections")

    def show(self, resource_id: str, hidden: bool = False) -> None:
        """(Re)build the list for ``resource_id`` from the workbook as it is now, the first
        ``more.limit`` of them; only their number while ``hidden`` (blind until I review:
        reviews/classroom/blind.py)."""
        if resource_id != self.resource_id:
            self.more.reset()
        self.resource_id = resource_id
        self.hidden = hidden
        everything = self.wb.corrections(resource_id=resource_id)
        if hidden:
            for gone in self.cards:
                close_tree(gone.widget)
            self.cards = []
            self.list.children = []
            self.hidden_notes.value = ""
            self.more.update(0)
            self.heading.value = (
                f"<h3>Corrections ({len(everything)})</h3><p>Hidden until you submit your "
                "own review, so that you judge the resource for yourself first.</p>"
            )
            return
        state = self.wb.moderation()
        rows = support(self.wb, resource_id, everything, state)
        by_id = {c.id: c for c in everything}
        corrections = [by_id[i] for i in rows][: self.more.limit]
        ids = {c.id for c in corrections}
        votes: dict[str, list[Vote]] = {}
        for vote in self.wb.votes():
            if vote.correction_id in ids:
                votes.setdefault(vote.correction_id, []).append(vote)
        names = self.wb.pseudonyms()
        known = {card.correction.id: card for card in self.cards}
        self.cards = [
            known.pop(c.id) if c.id in known else CorrectionCard(self.wb, self.user, c, self._voted)
            for c in corrections
        ]
        for gone in known.values():  # another resource's, or hidden by a tutor meanwhile
            close_tree(gone.widget)
        for card in self.cards:
            cid = card.correction.id
            card.show(votes.get(cid, []), rows[cid], state.decisions.get(cid), names)
        self.heading.value = f"<h3>Corrections ({len(everything)})</h3>" + (
            "" if corrections else "<p>No corrections yet. Spotted an error? Suggest one.</p>"
        )
        self.list.children = [card.widget for card in self.cards]
        self.hidden_notes.value = "".join(
            hidden_html("correction", c.author == self.user, state.reasons.get(c.id, ""))
            for c in self.wb.corrections(resource_id=resource_id, include_hidden=True)
            if c.id in state.hidden
        )
        self.more.update(len(everything))

    def _voted(self) -> None:
        self.show(self.resource_id, self.hidden)
        self.on_changed()

    def card(self, correction_id: str) -> CorrectionCard:
        return next(c for c in self.cards if c.correction.id == correction_id)
