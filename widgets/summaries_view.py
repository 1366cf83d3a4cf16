"""The class's summaries, read-only, for learners and tutors (``notebooks/summaries.ipynb``).

Resources ranked by the quality model's score with its 95% interval, drawn as plain HTML bars
(no image to download, sharp on a phone, readable by a screen reader as text); the score
distribution, each resource's profile over the rubric's items, the agreement per item and the
reviews per week. Filters by topic and kind. Nothing here names a learner: the summaries are
pseudonymous by construction.
"""

from __future__ import annotations

import math

import ipywidgets as W
import pandas as pd

from reviews.workbook import Workbook
from widgets.fields import STACKED, labelled
from widgets.format import esc
from widgets.status import Status
from widgets.tables import frame_html

ALL = "All"
TOP = 30


def _pct(value: float, lo: float, hi: float) -> float:
    if value is None or not math.isfinite(value) or hi <= lo:
        return 0.0
    return max(0.0, min(100.0, (value - lo) / (hi - lo) * 100))


def bar(value: float, lo: float, hi: float, low: float | None = None,
        high: float | None = None) -> str:  # fmt: skip
    """A horizontal bar for ``value`` on ``lo..hi`` with an optional interval whisker."""
    whisker = ""
    if low is not None and high is not None and math.isfinite(low) and math.isfinite(high):
        left, right = _pct(low, lo, hi), _pct(high, lo, hi)
        whisker = (
            f"<span class='appraise-whisker' style='left:{left:.1f}%;"
            f"width:{max(right - left, 0.5):.1f}%'></span>"
        )
    return (
        f"<span class='appraise-bar'><span class='appraise-bar-fill' "
        f"style='width:{_pct(value, lo, hi):.1f}%'></span>{whisker}</span>"
    )


def fmt(value: object, digits: int = 1) -> str:
    if isinstance(value, float) and not math.isfinite(value):
        return "–"
    return f"{value:.{digits}f}" if isinstance(value, float) else esc(value)


class SummariesView:
    """Ranked resources and plots of ``wb``; ``user`` is only shown, never needed."""

    def __init__(self, wb: Workbook, user: str = "") -> None:
        self.wb = wb
        self.user = user
        self.status = Status()
        self.topic = labelled(
            W.Dropdown(description="Topic", style=STACKED, layout=W.Layout(width="100%")),
            "appraise-filter-topic",
        )
        self.kind = labelled(
            W.Dropdown(description="Kind", style=STACKED, layout=W.Layout(width="100%")),
            "appraise-filter-kind",
        )
        filters = W.HBox([self.topic, self.kind])
        filters.add_class("appraise-toolbar")
        self.ranking = W.HTML()
        self.ranking.add_class("appraise-ranking")
        self.plots = W.HTML()
        self.plots.add_class("appraise-plots")
        self.widget = W.VBox(
            [
                W.HTML(
                    "<h2>Class summaries</h2><p>Scores come from the class's reviews, weighted "
                    "by how consistent each reviewer is; the thin line is the 95% interval. "
                    "Provisional scores have too few reviews to trust yet.</p>"
                ),
                filters,
                self.status.widget,
                self.ranking,
                self.plots,
            ]
        )
        self.widget.add_class("appraise-summaries")
        self.status.guard(self.load)()
        self.topic.observe(self.status.guard(lambda _: self.render()), names="value")
        self.kind.observe(self.status.guard(lambda _: self.render()), names="value")

    def load(self) -> None:
        self.rubric = self.wb.rubric()
        self.summary = self.wb.summary()
        self.withheld = 0
        if self.user and self.wb.blind_for(self.user):
            # Blind until you rate (reviews/classroom/blind.py): only what this learner may see.
            mine = {r.resource_id for r in self.wb.reviews() if r.reviewer == self.user}
            seen = self.summary["id"].isin(mine | self.wb.revealed(self.user))
            self.withheld = int((~seen & (self.summary["n_reviews"] > 0)).sum())
            self.summary = self.summary[seen]
        topics = sorted({t.strip() for ts in self.summary["topics"] for t in ts.split(";")} - {""})
        # ipywidgets 8 leaves a dropdown blank when its options change: choose "All" again
        self.topic.options = [ALL, *topics]
        self.topic.value = ALL
        self.kind.options = [ALL, *sorted(set(self.summary["kind"]))]
        self.kind.value = ALL
        self.render()

    def filtered(self) -> pd.DataFrame:
        s = self.summary
        if self.topic.value not in (None, ALL):
            wanted = str(self.topic.value)
            s = s[s["topics"].map(lambda ts: wanted in [t.strip() for t in ts.split(";")])]
        if self.kind.value not in (None, ALL):
            s = s[s["kind"] == self.kind.value]
        return s

    def render(self) -> None:
        s = self.filtered()
        rated = s[s["n_reviews"] > 0].sort_values("score", ascending=False)
        lo, hi = self.rubric.score_range
        rows = []
        for rank, r in enumerate(rated.head(TOP).to_dict("records"), start=1):
            rows.append(
                f"<tr><td>{rank}</td><td>{esc(r['title'])}<br><small>{esc(r['kind'])} · "
                f"{esc(r['verdict_label'])}</small></td><td class='appraise-num'>"
                f"{fmt(r['score'])}<br><small>{fmt(r['score_low95'])}–{fmt(r['score_high95'])}"
                f"</small></td><td class='appraise-bar-cell'>"
                f"{bar(r['score'], lo, hi, r['score_low95'], r['score_high95'])}</td>"
                f"<td class='appraise-num'>{int(r['n_reviews'])}</td></tr>"
            )
        if rows:
            table = (
                f"<h3>Resources by crowd score ({lo:g}–{hi:g})</h3>"
                "<div class='appraise-table-wrap'><table class='appraise-ranked'><thead><tr>"
                "<th>#</th><th>Resource</th><th>Score (95%)</th><th></th><th>Reviews</th>"
                f"</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
            )
            if len(rated) > TOP:
                table += f"<p>The top {TOP} of {len(rated)} rated resources.</p>"
        else:
            table = "<p class='appraise-empty'>No reviewed resource matches these filters.</p>"
        unrated = len(s) - len(rated)
        if unrated:
            table += f"<p>{unrated} resource(s) have no review yet.</p>"
        if self.withheld:
            table += (
                f"<p class='appraise-hidden-note'>{self.withheld} reviewed resource(s) are not "
                "shown: you see a resource's score here once you have reviewed it (or chosen "
                "to see it) on the learner dashboard.</p>"
            )
        self.ranking.value = table
        self.plots.value = self._plots(s, lo, hi)

    def _plots(self, s: pd.DataFrame, lo: float, hi: float) -> str:
        parts = [self._distribution(s, lo, hi), self._profiles(s)]
        parts.append(self._agreement())
        parts.append(self._over_time(s))
        return "".join(parts)

    def _distribution(self, s: pd.DataFrame, lo: float, hi: float) -> str:
        scores = s.loc[s["n_reviews"] > 0, "score"].dropna()
        if scores.empty:
            return ""
        edges = [lo + (hi - lo) * i / 5 for i in range(6)]
        counts = pd.cut(scores, edges, include_lowest=True).value_counts(sort=False)
        top = max(int(counts.max()), 1)
        rows = "".join(
            f"<tr><td>{edges[i]:.1f}–{edges[i + 1]:.1f}</td><td class='appraise-bar-cell'>"
            f"{bar(float(n), 0, top)}</td><td class='appraise-num'>{int(n)}</td></tr>"
            for i, n in enumerate(counts)
        )
        return (
            "<h3>Score distribution</h3><div class='appraise-table-wrap'><table>"
            f"<thead><tr><th>Score</th><th></th><th>Resources</th></tr></thead>"
            f"<tbody>{rows}</tbody></table></div>"
        )

    def _profiles(self, s: pd.DataFrame) -> str:
        items = [i for i in self.rubric.items if f"item_{i.id}" in s.columns]
        rated = s[s["n_reviews"] > 0].sort_values("score", ascending=False).head(10)
        if not items or rated.empty or len(items) < 2:
            return ""
        head = "".join(f"<th>{esc(i.id)}</th>" for i in items)
        rows = []
        for r in rated.itertuples():
            cells = "".join(
                f"<td>{bar(getattr(r, f'item_{i.id}'), i.scale.min, i.scale.max)}"
                f"<small>{fmt(getattr(r, f'item_{i.id}'))}</small></td>"
                for i in items
            )
            rows.append(f"<tr><td>{esc(r.title)}</td>{cells}</tr>")
        return (
            "<h3>Profiles: mean per rubric item (top 10)</h3><div class='appraise-table-wrap'>"
            f"<table><thead><tr><th>Resource</th>{head}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table></div>"
        )

    def _agreement(self) -> str:
        a = self.wb.agreement()
        shown = a.rename(
            columns={"item": "Item", "alpha": "Krippendorff's alpha", "n_units": "Resources",
                     "n_values": "Ratings", "interpretation": "Agreement"}
        )  # fmt: skip
        return "<h3>Agreement between reviewers, per item</h3>" + frame_html(
            shown, "Not enough reviews to measure agreement yet."
        )

    def _over_time(self, s: pd.DataFrame) -> str:
        frame = self.wb.reviews_frame()
        frame = frame[frame["resource_id"].isin(s["id"])].drop_duplicates("review_id")
        if frame.empty:
            return ""
        weeks = frame["created_at"].dt.strftime("%G-W%V").value_counts().sort_index()
        top = max(int(weeks.max()), 1)
        rows = "".join(
            f"<tr><td>{esc(week)}</td><td class='appraise-bar-cell'>{bar(float(n), 0, top)}</td>"
            f"<td class='appraise-num'>{int(n)}</td></tr>"
            for week, n in weeks.items()
        )
        return (
            "<h3>Reviews per week</h3><div class='appraise-table-wrap'><table><thead><tr>"
            f"<th>Week</th><th></th><th>Reviews</th></tr></thead><tbody>{rows}</tbody>"
            "</table></div>"
        )
