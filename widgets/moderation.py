"""The moderation queue: what waits for a tutor, grouped by kind, a page at a time.

:meth:`Workbook.moderation_queue` orders the items (patient-safety corrections and
confidentiality flags first). Here they are grouped by kind (corrections, flagged reviews,
comments: the group of the most urgent item opens first) and shown 20 at a time, each a card
with its category, resource, author and text, all escaped; texts longer than 300 characters
are cut with a "Show all" toggle. A line above the cards says how many items are left.

Acting on a card (hide; verify or reject a correction) replaces that card, where it stands,
with a one-line note: the page is not rebuilt, so the tutor keeps their place and goes on with
the next card. "Next page" then re-reads the queue and continues after the items still
waiting. Below the queue, hidden items can be restored. Every button calls the workbook's own
``hide``/``restore``/``verify_correction``/``reject_correction`` with the current user, which
refuse anyone but a tutor: the widgets never decide who may act.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as W
import pandas as pd

from reviews.workbook import Workbook
from widgets.fields import STACKED, close_tree, labelled
from widgets.format import SEVERITY_LABELS, esc
from widgets.status import Status

PAGE_SIZE = 20
MAX_HIDDEN = 20
SHORT = 300  # characters of a long text shown before "Show all"
GROUPS = {"correction": "Corrections", "review": "Flagged reviews", "comment": "Comments"}
CATEGORY_LABELS = {
    "patient-safety": "Patient safety correction",
    "confidentiality": "Confidentiality flag",
    "new correction": "New correction",
    "disputed correction": "Disputed correction",
    "flagged review": "Flagged review",
    "comment": "Comment",
}


def cut(text: str, limit: int = SHORT) -> str:
    """``text`` cut at a word boundary near ``limit`` characters, with an ellipsis."""
    if len(text) <= limit:
        return text
    head = text[:limit]
    return (head.rsplit(" ", 1)[0] if " " in head[limit // 2 :] else head) + "…"


def left_text(queue: pd.DataFrame) -> str:
    """ "7 items left: 2 corrections, 1 flagged review, 4 comments (1 patient-safety first)"."""
    if queue.empty:
        return "Nothing left: the queue is empty."
    counts = queue["kind"].value_counts()
    parts = []
    for kind, label in GROUPS.items():
        n = int(counts.get(kind, 0))
        if n:
            name = label.lower() if n != 1 else label.lower().removesuffix("s")
            parts.append(f"{n} {name}")
    urgent = queue["category"].value_counts()
    first = [f"{int(urgent[c])} {c}" for c in ("patient-safety", "confidentiality") if c in urgent]
    tail = f" ({', '.join(first)} first)" if first else ""
    total = len(queue)
    return f"{total} item{'s' if total != 1 else ''} left: {', '.join(parts)}{tail}."


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
        self.group = "correction"
        self.offset = 0
        self.shown: list[str] = []
        self.acted: set[str] = set()
        self._quiet = False
        self.refresh_button = W.Button(description="Refresh")
        self.refresh_button.add_class("appraise-refresh")
        self.refresh_button.on_click(self.status.guard(lambda _: self.refresh()))
        self.left = W.HTML()
        self.left.add_class("appraise-queue-left")
        self.groups = W.ToggleButtons(options=[(v, k) for k, v in GROUPS.items()])
        self.groups.add_class("appraise-queue-groups")
        self.groups.observe(self.status.guard(self._on_group), names="value")
        self.cards = W.VBox()
        self.cards.add_class("appraise-queue")
        self.previous = W.Button(description="‹ Previous page")
        self.previous.add_class("appraise-previous")
        self.previous.on_click(self.status.guard(lambda _: self.go(-1)))
        self.next = W.Button(description="Next page ›")
        self.next.add_class("appraise-next")
        self.next.on_click(self.status.guard(lambda _: self.go(1)))
        self.position = W.Label()
        self.position.add_class("appraise-page")
        self.pager = W.HBox([self.previous, self.position, self.next])
        self.pager.add_class("appraise-pager")
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
                self.left,
                self.groups,
                self.status.widget,
                self.cards,
                self.pager,
                self.hidden,
            ]
        )
        self.widget.add_class("appraise-moderation")
        self.status.guard(self.refresh)(first=True)

    # -- reading the queue ------------------------------------------------------------------

    def refresh(self, first: bool = False) -> None:
        """Re-read the queue and show the current page of the current group."""
        queue = self.wb.moderation_queue(self.user, identities=True)
        if first and len(queue):
            self.group = str(queue.iloc[0]["kind"])  # the most urgent item's group opens
        self._counts(queue)
        self._render(queue)
        self._fill_hidden()

    def _counts(self, queue: pd.DataFrame) -> None:
        counts = queue["kind"].value_counts()
        self._quiet = True
        try:
            self.groups.options = [
                (f"{label} ({int(counts.get(kind, 0))})", kind) for kind, label in GROUPS.items()
            ]
            self.groups.value = self.group
        finally:
            self._quiet = False
        self.left.value = f"<p role='status'><b>{esc(left_text(queue))}</b></p>"

    def _render(self, queue: pd.DataFrame) -> None:
        for child in self.cards.children:
            close_tree(child)
        rows = queue[queue["kind"] == self.group]
        if self.offset >= len(rows):
            self.offset = max(0, (len(rows) - 1) // PAGE_SIZE * PAGE_SIZE)
        page = rows.iloc[self.offset : self.offset + PAGE_SIZE]
        self.shown = [str(t) for t in page["target_id"]]
        self.acted = set()
        votes = self._vote_reasons()
        records = [{str(k): v for k, v in r.items()} for r in page.to_dict("records")]
        cards: list[W.Widget] = [self._card(r, votes) for r in records]
        if not cards:
            what = GROUPS[self.group].lower()
            cards = [W.HTML(f"<p class='appraise-empty'>No {esc(what)} wait for you.</p>")]
        self.cards.children = cards
        end = self.offset + len(page)
        self.position.value = f"{self.offset + 1}–{end} of {len(rows)}" if len(page) else ""
        self.previous.disabled = self.offset == 0
        self.next.disabled = end >= len(rows)
        self.pager.layout.display = None if len(rows) > PAGE_SIZE else "none"

    def go(self, step: int) -> None:
        """The next (``step=1``) or previous page: the next one starts after the items of this
        page that still wait (those acted on have left the queue)."""
        if step > 0:
            self.offset += len(self.shown) - len(self.acted)
        else:
            self.offset = max(0, self.offset - PAGE_SIZE)
        self.status.clear()
        self.refresh()

    def _on_group(self, change: dict[str, Any]) -> None:
        if self._quiet or change["new"] is None:
            return
        self.group = str(change["new"])
        self.offset = 0
        self.status.clear()
        self.refresh()

    def _vote_reasons(self) -> dict[str, list[str]]:
        """Per correction, the classmates' reasons for agreeing or disputing (pseudonymous)."""
        if self.group != "correction":
            return {}
        names = self.wb.pseudonyms()
        out: dict[str, list[str]] = {}
        for vote in self.wb.votes():
            if vote.reason:
                how = "agrees" if vote.agree else "disputes"
                who = names.get(vote.voter, "A classmate")
                out.setdefault(vote.correction_id, []).append(f"{who} {how}: {vote.reason}")
        return out

    # -- one card ---------------------------------------------------------------------------

    def _card(self, r: dict[str, Any], votes: dict[str, list[str]]) -> W.VBox:
        meta = f"{esc(r['kind'])} by {esc(r['author'])} ({esc(r['author_name'])})"
        extra = ""
        if r["kind"] == "correction":
            extra = f" · class: {int(r['agree'])} agree, {int(r['dispute'])} dispute"
        if r["flags"]:
            extra += f" · flags: {esc(r['flags'])}"
        target = str(r["target_id"])
        if r["kind"] == "correction":  # a tutor judges a correction by its evidence
            c = self.wb.correction(target)
            fields = [("Where", c.locator or "–"), ("Severity",
                      SEVERITY_LABELS.get(c.severity, c.severity)), ("Says", c.claim),
                      ("Should say", c.correction), ("Evidence", c.evidence)]  # fmt: skip
            reasons = votes.get(target, [])

            def body(short: bool) -> str:
                shown = "".join(
                    f"<p><b>{k}:</b> {esc(cut(v) if short else v)}</p>" for k, v in fields
                )
                if reasons:
                    items = reasons[:3] if short else reasons
                    shown += "<ul class='appraise-vote-reasons'>" + "".join(
                        f"<li>{esc(cut(x, 200) if short else x)}</li>" for x in items
                    ) + "</ul>"  # fmt: skip
                return shown

            long = any(len(v) > SHORT for _, v in fields) or len(reasons) > 3
        else:
            text = str(r["text"])

            def body(short: bool) -> str:
                shown = cut(text) if short else text
                return f"<blockquote class='appraise-quote'>{esc(shown)}</blockquote>"

            long = len(text) > SHORT
        url = self.wb.resource(str(r["resource_id"])).url
        link = ""
        if url.startswith(("https://", "http://")):
            link = (
                f" <a href='{esc(url)}' target='_blank' rel='noopener noreferrer'>"
                "open the resource</a>"
            )
        head = (
            f"<div class='appraise-card-head'><span class='appraise-badge appraise-cat-"
            f"{int(r['priority'])}'>{esc(CATEGORY_LABELS.get(r['category'], r['category']))}"
            f"</span> <strong>{esc(r['resource_title'])}</strong>{link}</div>"
            f"<p class='appraise-meta'>{meta}{extra}</p>"
        )
        text_box = W.HTML(head + body(short=long))
        parts: list[W.Widget] = [text_box]
        if long:
            toggle = W.ToggleButton(description="Show all", value=False)
            toggle.add_class("appraise-show-all")

            def flip(change: dict[str, Any]) -> None:
                text_box.value = head + body(short=not change["new"])
                toggle.description = "Show less" if change["new"] else "Show all"

            toggle.observe(flip, names="value")
            parts.append(toggle)
        reason = labelled(
            W.Text(description="Reason or note", placeholder="Learners and tutors see it",
                   style=STACKED, layout=W.Layout(width="100%")),
            "appraise-reason",
        )  # fmt: skip
        card = W.VBox()
        status = Status()
        label = f"{CATEGORY_LABELS.get(r['category'], r['kind'])} on “{r['resource_title']}”"
        buttons = [self._button("Hide", "appraise-hide", "warning", status, card, label, target,
                                lambda: self.wb.hide(target, actor=self.user,
                                                     reason=reason.value), "Hidden")]  # fmt: skip
        if r["kind"] == "correction":
            buttons.insert(0, self._button(
                "Verify", "appraise-verify", "success", status, card, label, target,
                lambda: self.wb.verify_correction(target, actor=self.user, note=reason.value),
                "Verified"))  # fmt: skip
            buttons.insert(1, self._button(
                "Reject", "appraise-reject", "", status, card, label, target,
                lambda: self.wb.reject_correction(target, actor=self.user, note=reason.value),
                "Rejected"))  # fmt: skip
        bar = W.HBox(buttons)
        bar.add_class("appraise-toolbar")
        card.children = [*parts, reason, bar, status.widget]
        card.add_class("appraise-card")
        card.add_class(f"appraise-item-{r['kind']}")
        return card

    def _button(
        self, text: str, css: str, style: str, status: Status, card: W.VBox, label: str,
        target: str, act: Callable[[], object], done: str,
    ) -> W.Button:  # fmt: skip
        button = W.Button(description=text, button_style=style)
        button.add_class(css)

        def click(_: W.Button) -> None:
            act()
            if target in self.shown:
                self.acted.add(target)
            self._settle(card, f"{done}: {label}. The audit log has the details.")
            self.status.success(f"{done}. The audit log has the details.")
            if self.on_change is not None:
                self.on_change()

        button.on_click(status.guard(click))
        return button

    def _settle(self, card: W.VBox, note: str) -> None:
        """Replace an acted-on card by a note where it stands, and update what is left."""
        for child in card.children:
            close_tree(child)
        card.children = [W.HTML(f"<p class='appraise-done-note'>✓ {esc(note)}</p>")]
        card.add_class("appraise-card-done")
        self._counts(self.wb.moderation_queue(self.user, identities=True))
        self._fill_hidden()

    # -- hidden items -----------------------------------------------------------------------

    def _fill_hidden(self) -> None:
        for child in self.hidden.children:
            close_tree(child)
        self.hidden.children = self._hidden_cards()

    def _hidden_cards(self) -> list[W.Widget]:
        hidden = self.wb.moderation().hidden
        if not hidden:
            return []
        audit = self.wb.audit_table(self.user)
        latest = audit[(audit["action"] == "hide") & audit["target_id"].isin(hidden)]
        latest = latest.drop_duplicates("target_id")
        cards: list[W.Widget] = [W.HTML(f"<h3>Hidden items ({len(latest)})</h3>")]
        for row in latest.head(MAX_HIDDEN).itertuples():
            text = W.HTML(
                f"<p><strong>{esc(row.kind)}</strong> on {esc(row.resource_title)}, hidden by "
                f"{esc(row.actor)}: “{esc(cut(str(row.reason)))}”</p>"
            )
            reason = labelled(
                W.Text(description="Why restore it", style=STACKED,
                       layout=W.Layout(width="100%")),
                "appraise-reason",
            )  # fmt: skip
            status = Status()
            target = str(row.target_id)
            card = W.VBox()
            button = self._button(
                "Restore", "appraise-restore", "", status, card, f"{row.kind}", target,
                lambda t=target, field=reason: self.wb.restore(  # type: ignore[misc]
                    t, actor=self.user, reason=field.value),
                "Restored")  # fmt: skip
            card.children = [text, reason, button, status.widget]
            card.add_class("appraise-card")
            cards.append(card)
        if len(latest) > MAX_HIDDEN:
            cards.append(W.HTML(f"<p>and {len(latest) - MAX_HIDDEN} more (see the audit log).</p>"))
        return cards
