"""The catalogue: every resource with its crowd score, searchable, filterable, in pages.

One row per resource: its title (a button that opens the resource's page), kind, platform,
score with its interval, verdict, number of reviews, open corrections and red flags. A fixed
pool of row widgets is reused from page to page, so paging through 2,000 resources sends a
few value changes, not new widgets; each page is one query on the catalogue snapshot.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as W

from widgets.assignments import YourAssignments
from widgets.fields import STACKED, labelled
from widgets.format import FLAG_LABELS, badge, count, esc, fmt, number
from widgets.listing import PAGE_SIZE, SORTS, Listing, Query
from widgets.status import Status


def score_text(row: dict[str, Any], scale: tuple[float, float]) -> str:
    """``3.9 out of 5 (likely 3.4–4.3)``; a plain sentence when there is no score to show."""
    if row.get("scores_hidden"):
        return "Score hidden until you submit your review"
    score = number(row.get("score"))
    if score is None:
        return "No score yet"
    text = f"{fmt(score)} out of {fmt(scale[1])}"
    low, high = number(row.get("score_low80")), number(row.get("score_high80"))
    if low is not None and high is not None:
        text += f" (likely {fmt(low)}–{fmt(high)})"
    return text


def row_html(row: dict[str, Any], scale: tuple[float, float]) -> str:
    """The line under a resource's title. Every value is escaped (titles are learners')."""
    parts = [badge(row.get("kind", ""), "kind"), f"<span>{esc(row.get('platform', ''))}</span>"]
    if not row.get("scores_hidden"):
        verdict = row.get("verdict", "unrated")
        parts.append(badge(row.get("verdict_label", verdict), f"verdict-{verdict}"))
    parts.append(f"<span class='appraise-score'>{esc(score_text(row, scale))}</span>")
    parts.append(f"<span>{esc(count(int(row.get('n_reviews', 0)), 'review'))}</span>")
    n_open = int(row.get("n_corrections_open", 0) or 0)
    if n_open:
        parts.append(f"<span>{esc(count(n_open, 'open correction'))}</span>")
    flags = row.get("flag_counts") or {}
    if flags:
        names = ", ".join(FLAG_LABELS.get(f, f).split(" (")[0].lower() for f in sorted(flags))
        parts.append(badge(f"⚑ Flagged: {names}", "flag"))
    if row.get("safety"):
        parts.append(badge("⚠ Patient safety", "safety"))
    if row.get("needs_attention") is True and row.get("attention_reason"):
        parts.append(badge(f"Needs attention: {row['attention_reason']}", "attention"))
    if row.get("mine"):
        parts.append(badge("✓ You reviewed this", "mine"))
    return "<div class='appraise-meta'>" + " ".join(parts) + "</div>"


class Catalogue:
    """Search, filters, sort and one page of resources; ``on_open(resource_id)`` opens one."""

    def __init__(
        self,
        listing: Listing,
        on_open: Callable[[str], None],
        on_add: Callable[[], None],
        status: Status | None = None,
        on_query: Callable[[], None] | None = None,
    ) -> None:
        self.listing = listing
        self.on_open = on_open
        self.on_query = on_query  # told after every change of search, filters, sort or page
        self.status = status or Status()
        guard = self.status.guard
        self.page = 0
        self.shown: list[str] = []
        self._quiet = False

        self.search = labelled(
            W.Text(
                description="Search",
                placeholder="Title, topic or platform, then Enter",
                continuous_update=False,
                style=STACKED,
            ),
            "appraise-search",
        )
        self.sort = labelled(
            W.Dropdown(
                description="Sort by", options=[(v, k) for k, v in SORTS.items()], style=STACKED
            ),
            "appraise-sort",
        )
        self.kind = labelled(W.Dropdown(description="Kind", style=STACKED), "appraise-kind")
        self.topic = labelled(W.Dropdown(description="Topic", style=STACKED), "appraise-topic")
        self.verdict = labelled(
            W.Dropdown(description="Verdict", style=STACKED), "appraise-verdict-filter"
        )
        self.unreviewed = W.Checkbox(description="Only those I have not reviewed", indent=False)
        self.unreviewed.add_class("appraise-unreviewed")
        self.more = W.ToggleButton(description="More filters", value=False)
        self.more.add_class("appraise-more-filters")
        self.filters = W.VBox([self.kind, self.topic, self.verdict, self.unreviewed])
        self.filters.add_class("appraise-filters")
        self.filters.layout.display = "none"
        self.clear = W.Button(description="Clear search and filters")
        self.clear.add_class("appraise-clear-filters")
        self.add = W.Button(description="+ Add a resource", button_style="primary")
        self.add.add_class("appraise-add")
        self.add.add_class("appraise-nav")

        self.summary = W.HTML()
        self.summary.add_class("appraise-count")
        self.rows: list[tuple[W.Button, W.HTML, W.VBox]] = []
        for i in range(PAGE_SIZE):
            title = W.Button(layout=W.Layout(width="100%"))
            title.add_class("appraise-open")
            title.add_class("appraise-nav")
            meta = W.HTML()
            box = W.VBox([title, meta])
            box.add_class("appraise-resource")
            title.on_click(guard(lambda _b, i=i: self.on_open(self.shown[i])))
            self.rows.append((title, meta, box))
        self.previous = W.Button(description="‹ Previous page")
        self.previous.add_class("appraise-previous")
        self.next = W.Button(description="Next page ›")
        self.next.add_class("appraise-next")
        self.position = W.Label()
        self.position.add_class("appraise-page")
        pager = W.HBox([self.previous, self.position, self.next])
        pager.add_class("appraise-pager")
        self.list = W.VBox([box for _, _, box in self.rows])
        self.list.add_class("appraise-list")

        top = W.HBox([self.search, self.sort])
        top.add_class("appraise-toolbar")
        buttons = W.HBox([self.more, self.clear, self.add])
        buttons.add_class("appraise-toolbar")
        self.assignments = YourAssignments(listing, on_open, self.status)  # assigned reviews
        self.widget = W.VBox(
            [self.assignments.widget, top, buttons, self.filters, self.summary, self.list,
             pager, self.status.widget]
        )  # fmt: skip
        self.widget.add_class("appraise-catalogue")

        for control in (self.search, self.sort, self.kind, self.topic, self.verdict):
            control.observe(guard(self._on_query), names="value")
        self.unreviewed.observe(guard(self._on_query), names="value")
        self.more.observe(guard(self._on_more), names="value")
        self.clear.on_click(guard(self._on_clear))
        self.add.on_click(guard(lambda _b: on_add()))
        self.previous.on_click(guard(lambda _b: self.go(self.page - 1)))
        self.next.on_click(guard(lambda _b: self.go(self.page + 1)))
        self.refresh()

    # -- state ------------------------------------------------------------------------------

    def query(self) -> Query:
        return Query(
            text=self.search.value,
            kind=self.kind.value or "",
            topic=self.topic.value or "",
            verdict=self.verdict.value or "",
            unreviewed_only=self.unreviewed.value,
            sort=self.sort.value,
        )

    def state(self) -> dict[str, str]:
        """The search, filters, sort and page as address parameters (see widgets/router.py)."""
        q = self.query()
        return {
            "q": q.text.strip(),
            "sort": "" if q.sort == "score" else q.sort,
            "kind": q.kind,
            "topic": q.topic,
            "verdict": q.verdict,
            "mine": "no" if q.unreviewed_only else "",
            "page": str(self.page + 1) if self.page else "",
        }

    def apply(self, params: dict[str, str]) -> None:
        """Show the catalogue as ``params`` describe it (unknown choices are ignored)."""
        self._quiet = True  # one render for the whole change
        try:
            self.search.value = params.get("q", "")
            sort = params.get("sort") or "score"
            self.sort.value = sort if sort in SORTS else "score"
            for dropdown, key in ((self.kind, "kind"), (self.topic, "topic"),
                                  (self.verdict, "verdict")):  # fmt: skip
                wanted = params.get(key, "")
                dropdown.value = wanted if wanted in {v for _, v in dropdown.options} else ""
            self.unreviewed.value = params.get("mine") == "no"
            if any(params.get(k) for k in ("kind", "topic", "verdict", "mine")):
                self.more.value = True
        finally:
            self._quiet = False
        page = params.get("page", "")
        self.page = int(page) - 1 if page.isdigit() and 0 < int(page) < 10_000 else 0
        self.render()

    def _told(self) -> None:
        if self.on_query is not None:
            self.on_query()

    def refresh(self) -> None:
        """Take up the listing's current table: new options, same choices where possible."""
        listing = self.listing
        self._quiet = True
        try:
            self._options(self.kind, "All kinds", [(k.capitalize(), k) for k in listing.kinds()])
            self._options(self.topic, "All topics", [(t, t) for t in listing.topics()])
            self._options(self.verdict, "All verdicts", listing.verdicts())
        finally:
            self._quiet = False
        self.assignments.refresh()
        self.render()

    @staticmethod
    def _options(dropdown: W.Dropdown, everything: str, options: list[tuple[str, str]]) -> None:
        keep = dropdown.value
        choices = [(everything, ""), *options]
        dropdown.options = choices
        dropdown.value = keep if keep in {v for _, v in choices} else ""

    def go(self, page: int) -> None:
        self.page = page
        self.render()
        self._told()

    def render(self) -> None:
        q = self.query()
        found = self.listing.page(q, self.page)
        self.page, pages, matching = found.page, found.pages, found.matching
        scale = self.listing.rubric.score_range
        records = found.rows
        self.shown = [r["id"] for r in records]
        for i, (title, meta, box) in enumerate(self.rows):
            if i < len(records):
                row = records[i]
                title.description = str(row["title"])
                title.tooltip = f"Open “{row['title']}”"
                meta.value = row_html(row, scale)
                box.layout.display = None
            else:
                box.layout.display = "none"
        total = self.listing.total
        filtered = q != Query(sort=q.sort)
        if not matching:
            text = "No resource matches. Try other words, or clear the search and filters."
        elif filtered:
            text = f"{matching} of {count(total, 'resource')} match"
        else:
            text = f"{count(total, 'resource')}, rated on the {self.listing.rubric.name} rubric"
        self.summary.value = f"<p role='status'>{esc(text)}</p>"
        self.position.value = f"Page {self.page + 1} of {pages}"
        self.previous.disabled = self.page == 0
        self.next.disabled = self.page >= pages - 1
        n_filters = sum(bool(x) for x in (q.kind, q.topic, q.verdict, q.unreviewed_only))
        self.more.description = f"More filters ({n_filters} on)" if n_filters else "More filters"
        self.clear.layout.display = None if filtered else "none"

    # -- callbacks --------------------------------------------------------------------------

    def _on_query(self, _: dict[str, Any]) -> None:
        if not self._quiet:
            self.page = 0
            self.render()
            self._told()

    def _on_more(self, change: dict[str, Any]) -> None:
        self.filters.layout.display = None if change["new"] else "none"

    def _on_clear(self, _: W.Button) -> None:
        self._quiet = True  # one render for the whole reset, not one per control
        try:
            self.search.value = ""
            for dropdown in (self.kind, self.topic, self.verdict):
                dropdown.value = ""
            self.unreviewed.value = False
        finally:
            self._quiet = False
        self.page = 0
        self.render()
        self._told()
