"""Figures for the HTML report, as PNG bytes (matplotlib, when it is installed).

Built on :class:`matplotlib.figure.Figure` directly, never pyplot: no global state, no GUI
backend, safe in a Voila kernel. Figures carry no learner-written text (resources are labelled
by their rank in the report's table), so nothing a learner typed can reach mathtext.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

MAX_RANKED = 30


@dataclass(frozen=True)
class Plot:
    """One figure: PNG bytes, the text alternative and a caption."""

    png: bytes
    alt: str
    caption: str


def available() -> bool:
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


def _png(fig: Any) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
    return buffer.getvalue()


def score_distribution(summary: pd.DataFrame, scale: tuple[float, float]) -> Plot | None:
    """Histogram of the resources' scores."""
    from matplotlib.figure import Figure

    scores = summary["score"].dropna().to_numpy(dtype=float)
    if scores.size == 0:
        return None
    fig = Figure(figsize=(6, 2.8))
    ax = fig.add_subplot()
    ax.hist(scores, bins=min(20, max(5, scores.size)), range=scale, color="#3b6ea5")
    ax.set_xlabel("score")
    ax.set_ylabel("resources")
    ax.set_xlim(*scale)
    return Plot(
        _png(fig),
        f"Histogram of the scores of {scores.size} reviewed resources",
        "How the reviewed resources' scores are spread over the rubric's scale.",
    )


def ranked_intervals(ranked: pd.DataFrame, low: str, high: str, what: str) -> Plot | None:
    """The top resources' scores with their intervals, labelled by rank."""
    from matplotlib.figure import Figure

    shown = ranked.dropna(subset=["score"]).head(MAX_RANKED)
    if shown.empty:
        return None
    y = np.arange(len(shown))[::-1]
    score = shown["score"].to_numpy(dtype=float)
    lo = shown[low].to_numpy(dtype=float)
    hi = shown[high].to_numpy(dtype=float)
    # An interval need not contain the point (a shrunk estimate outside the range of the
    # raw review scores): the bars then start at the point rather than go negative.
    below = np.clip(np.nan_to_num(score - lo), 0, None)
    above = np.clip(np.nan_to_num(hi - score), 0, None)
    provisional = (shown["verdict"] == "provisional").to_numpy()
    fig = Figure(figsize=(6, 0.8 + 0.22 * len(shown)))
    ax = fig.add_subplot()
    # (mask, dot colour, bar colour, face colour, legend label)
    groups = (
        (~provisional, "#3b6ea5", "#9bb7d4", "#3b6ea5", "with a verdict"),
        (provisional, "#8a8f96", "#c9ccd1", "white", "provisional"),
    )
    for mask, colour, bar, face, label in groups:
        if mask.any():
            ax.errorbar(
                score[mask],
                y[mask],
                xerr=[below[mask], above[mask]],
                fmt="o",
                capsize=2,
                label=label,
                color=colour,
                ecolor=bar,
                mfc=face,
            )
    ax.set_yticks(y, labels=[f"#{r}" for r in shown["rank"]])
    ax.set_xlabel(f"score ({what})")
    if provisional.any():
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize="small", frameon=False)
    return Plot(
        _png(fig),
        f"Scores of the {len(shown)} best-ranked resources with their {what}",
        f"Resources by rank (see the table below), with the {what}; provisional resources "
        "(fewer reviews than the rubric's minimum) are drawn hollow.",
    )


def reviews_over_time(times: pd.Series) -> Plot | None:
    """Reviews submitted per ISO week."""
    from matplotlib.figure import Figure

    if times.empty:
        return None
    weeks = times.dt.tz_convert("UTC").dt.tz_localize(None).dt.to_period("W-SUN")
    counts = weeks.value_counts().sort_index()
    fig = Figure(figsize=(6, 2.4))
    ax = fig.add_subplot()
    labels = [str(p.start_time.date()) for p in counts.index]
    ax.bar(range(len(counts)), counts.to_numpy(), color="#3b6ea5")
    step = max(1, len(labels) // 8)
    ax.set_xticks(range(0, len(labels), step), labels=labels[::step], rotation=30, ha="right")
    ax.set_ylabel("reviews")
    return Plot(
        _png(fig),
        f"Bar chart of reviews per week over {len(counts)} weeks",
        "Reviews submitted per week (weeks start on Monday).",
    )
