"""What the class thinks of one resource: score and interval, verdict, per-item bars,
agreement, red flags and corrections.

It shows what :meth:`Workbook.summary` gives (through the shared :class:`Listing`): when the
summary carries per-item scores (``item_<id>``) or intervals (``score_low80``...) they are
used; without them the bars show the plain mean of this resource's reviews and no interval is
drawn. A missing number is shown as words, never as ``NaN``. When the workbook keeps reviews
hidden until one has reviewed, only flags and corrections are shown before that: they are
safety information, not opinions to anchor on.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as W

from reviews.domain.rubric import Rubric
from reviews.workbook import Workbook
from widgets.catalogue import score_text
from widgets.format import FLAG_LABELS, badge, count, esc, fmt, number
from widgets.listing import Listing


def _percent(value: float, lo: float, hi: float) -> float:
    return max(0.0, min(100.0, (value - lo) / (hi - lo) * 100.0)) if hi > lo else 0.0


def item_means(wb: Workbook, rubric: Rubric, resource_id: str, row: dict[str, Any]) -> dict:
    """Per-item score: the summary's ``item_<id>`` where given, else the reviews' plain mean."""
    means: dict[str, float | None] = {
        item.id: number(row.get(f"item_{item.id}")) for item in rubric.items
    }
    if any(v is not None for v in means.values()):
        return means
    answered: dict[str, list[int]] = {item.id: [] for item in rubric.items}
    for review in wb.reviews(resource_id=resource_id):
        if review.rubric == rubric.id:
            for item_id, value in review.scores.items():
                if value is not None and item_id in answered:
                    answered[item_id].append(value)
    return {k: (sum(v) / len(v) if v else None) for k, v in answered.items()}


def bar_html(label: str, value: float | None, lo: float, hi: float, words: str = "") -> str:
    """One labelled horizontal bar (an empty track and "no ratings yet" without a value)."""
    width = 0.0 if value is None else _percent(value, lo, hi)
    shown = "no ratings yet" if value is None else f"{fmt(value)} of {fmt(hi)}"
    if words:
        shown += f" · {words}"
    return (
        f"<div class='appraise-bar'><div class='appraise-bar-label'>{esc(label)}</div>"
        f"<div class='appraise-bar-track' role='img' aria-label='{esc(label)}: {esc(shown)}'>"
        f"<div class='appraise-bar-fill' style='width:{width:.0f}%'></div></div>"
        f"<div class='appraise-bar-value'>{esc(shown)}</div></div>"
    )


#: How consistent the class's reviewers are with each other, in words (quality/stats.py).
CONSISTENCY = {
    "reliable": "Reviewers in this class usually agree with each other: the score is dependable.",
    "tentative": "Reviewers in this class agree only partly: take the score as a rough guide.",
    "low": "Reviewers in this class often disagree with each other: read the reviews too, "
    "not only the score.",
}


class SummaryCard:
    """The summary of one resource; call :meth:`show` with its id after every change."""

    def __init__(self, wb: Workbook, listing: Listing) -> None:
        self.wb = wb
        self.listing = listing
        self.widget = W.HTML("")
        self.widget.add_class("appraise-summary")

    def show(self, resource_id: str) -> None:
        row = self.listing.row(resource_id)
        self.widget.value = "" if row is None else self.html(resource_id, row)

    def html(self, resource_id: str, row: dict[str, Any]) -> str:
        parts = ["<h3>What the class thinks</h3>"]
        if row.get("scores_hidden"):
            parts.append(
                "<p class='appraise-hidden-note'>Submit your own review to see the class's "
                "score, verdict, reviews and corrections: your tutor set this so that you "
                "judge it for yourself first. In a hurry? “Show me without reviewing” shows "
                "them now; your review of it then does not count towards your calibration."
                "</p>"
            )
        else:
            parts += self._scores(resource_id, row)
        parts += self._flags_and_corrections(row)
        return "<div class='appraise-card'>" + "".join(parts) + "</div>"

    def _scores(self, resource_id: str, row: dict[str, Any]) -> list[str]:
        rubric = self.listing.rubric
        lo, hi = rubric.score_range
        n = int(row.get("n_reviews", 0) or 0)
        verdict = str(row.get("verdict", "unrated"))
        out = [
            "<p class='appraise-verdict'>"
            + badge(row.get("verdict_label", verdict), f"verdict-{verdict}")
            + "</p>"
        ]
        score = number(row.get("score"))
        if score is None:
            out.append("<p>No reviews yet: yours will be the first.</p>")
            return out
        out.append(
            f"<p class='appraise-hint'>Based on {esc(count(n, 'review'))} "
            f"({esc(rubric.name)} rubric)</p>"
        )
        out.append(f"<p class='appraise-big-score'>{esc(score_text(row, (lo, hi)))}</p>")
        out.append(self._interval(score, row, lo, hi))
        low95, high95 = number(row.get("score_low95")), number(row.get("score_high95"))
        if low95 is not None and high95 is not None:
            out.append(
                "<p class='appraise-hint'>Blue band: where the true score probably lies "
                f"(almost certainly {fmt(low95)}–{fmt(high95)}). More reviews narrow it.</p>"
            )
        reason = row.get("reason")
        plain = number(row.get("mean"))
        if isinstance(reason, str) and reason:  # why the score differs, in the model's numbers
            if plain is not None and abs(plain - score) >= 0.05:
                plain_text = f"Plain average of the reviews: {fmt(plain)}."
                out.append(f"<p class='appraise-hint'>{plain_text}</p>")
            out.append(f"<p class='appraise-hint appraise-reason'>{esc(reason)}</p>")
        elif plain is not None and abs(plain - score) >= 0.05:
            out.append(
                f"<p class='appraise-hint'>Plain average of the reviews: {fmt(plain)}. The score "
                "also weighs each reviewer's track record and, with few reviews, leans towards "
                "the class's usual rating.</p>"
            )
        means = item_means(self.wb, rubric, resource_id, row)
        if len(rubric.items) > 1 or rubric.scoring.method != "single_item":
            bars = []
            for item in rubric.items:
                value = means.get(item.id)
                words = "" if value is None else item.scale.labels.get(round(value), "")
                bars.append(bar_html(item.prompt, value, item.scale.min, item.scale.max, words))
            out.append("<div class='appraise-items'>" + "".join(bars) + "</div>")
        out.append(self._agreement(row, n))
        return out

    @staticmethod
    def _interval(score: float, row: dict[str, Any], lo: float, hi: float) -> str:
        low, high = number(row.get("score_low80")), number(row.get("score_high80"))
        label = f"Score {fmt(score)} on a scale from {fmt(lo)} to {fmt(hi)}"
        if low is None or high is None:
            return ""  # a lone mark on an empty track says less than the number above it
        left, right = _percent(low, lo, hi), _percent(high, lo, hi)
        band = (
            f"<div class='appraise-interval-band' style='left:{left:.0f}%;"
            f"width:{max(right - left, 1):.0f}%'></div>"
        )
        label += f", likely between {fmt(low)} and {fmt(high)}"
        return (
            f"<div class='appraise-interval' role='img' aria-label='{esc(label)}'>{band}"
            f"<div class='appraise-interval-mark' style='left:{_percent(score, lo, hi):.0f}%'>"
            "</div></div>"
        )

    def _agreement(self, row: dict[str, Any], n: int) -> str:
        smallest, largest = number(row.get("score_min")), number(row.get("score_max"))
        if n < 2 or smallest is None or largest is None:
            text = "Agreement: needs at least two reviews."
        elif smallest == largest:
            text = f"Agreement: every reviewer gave {fmt(smallest)}."
        else:
            text = f"Agreement: reviewers' scores range from {fmt(smallest)} to {fmt(largest)}."
        html = f"<p class='appraise-agreement'>{esc(text)}"
        alpha = self.listing.agreement()
        if not alpha:
            return html + "</p>"
        worst = min(alpha.values())
        html += f" <span class='appraise-hint'>{esc(CONSISTENCY.get(worst[1], ''))}</span></p>"
        shown = "; ".join(
            ("" if len(alpha) == 1 else f"{item} ")
            + f"α {fmt(a, 2)}"
            + (f" ({why})" if why else "")
            for item, (a, why) in alpha.items()
        )
        return html + (
            "<details class='appraise-how'><summary>How is this computed?</summary><p>"
            f"Krippendorff's alpha over every resource reviewed at least twice: {esc(shown)}. "
            "1 means reviewers always agree, 0 no more than chance; from 0.8 the ratings are "
            "reliable, from 0.667 good enough for tentative conclusions (Krippendorff 2004)."
            "</p></details>"
        )

    @staticmethod
    def _flags_and_corrections(row: dict[str, Any]) -> list[str]:
        out = []
        n = int(row.get("n_reviews", 0) or 0)
        flags: dict[str, int] = row.get("flag_counts") or {}
        if flags:
            items, bounds = [], []
            for flag, k in sorted(flags.items(), key=lambda kv: -kv[1]):
                label = FLAG_LABELS.get(flag, flag)
                text = f"{label}: {k} of {count(n, 'reviewer')}"
                items.append(f"<li>{esc(text)}</li>")
                lb = number(row.get(f"flag_{flag}_lb"))
                if lb is not None:
                    bounds.append(f"{label}: at least {lb * 100:.0f}%")
            out.append(f"<div class='appraise-flags'><b>⚑ Red flags</b><ul>{''.join(items)}</ul>")
            if bounds:
                out.append(
                    "<details class='appraise-how'><summary>How is this computed?</summary><p>"
                    "With few reviews one flag may be chance. Allowing for that, the share of "
                    f"reviewers who would raise each flag is {esc('; '.join(bounds))} (the "
                    "lower bound of the 95% Wilson score interval).</p></details>"
                )
            out.append("</div>")
        if row.get("safety"):
            out.append(
                "<p class='appraise-message appraise-error' role='note'>⚠ A patient-safety "
                "correction or a confidentiality flag stands on this resource: read the "
                "corrections below before you rely on it.</p>"
            )
        n_cor = int(row.get("n_corrections", 0) or 0)
        n_open = int(row.get("n_corrections_open", 0) or 0)
        if n_cor:
            out.append(
                f"<p>{esc(count(n_cor, 'correction'))} submitted, {n_open} still open "
                "(see below).</p>"
            )
        if row.get("needs_attention") is True and row.get("attention_reason"):
            out.append(
                f"<p>{badge('Needs attention: ' + str(row['attention_reason']), 'attention')}</p>"
            )
        return out
