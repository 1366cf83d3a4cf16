"""A read-only view of the workbook's catalogue with each resource's current summary.

Every string that came from a learner (titles, creators, URLs) is escaped before it reaches
HTML: ``widgets.HTML`` renders raw markup, and an ``<img onerror=…>`` in it would run.
"""

from __future__ import annotations

import math
from html import escape
from typing import Any

import ipywidgets as W

from reviews import Workbook

STYLE = """
<style>
.appraise-catalogue { font-family: system-ui, sans-serif; max-width: 100%; }
.appraise-catalogue h1 { font-size: 1.4rem; margin: 0.2rem 0; }
.appraise-catalogue .hint { color: #555; margin: 0 0 0.6rem 0; }
.appraise-catalogue ul { list-style: none; padding: 0; margin: 0; }
.appraise-catalogue li { border-bottom: 1px solid #ddd; padding: 0.5rem 0.2rem;
  overflow-wrap: anywhere; }
.appraise-catalogue .kind { display: inline-block; font-size: 0.75rem; padding: 0 0.4rem;
  border-radius: 0.6rem; background: #e8eef7; color: #1d3c6e; margin-right: 0.4rem; }
.appraise-catalogue a { color: #0b57d0; text-decoration: underline; }
.appraise-catalogue .meta { color: #555; font-size: 0.85rem; }
.appraise-catalogue .verdict { font-weight: 600; }
</style>
"""


def _score(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "no score yet"
    return f"score {value:.1f}"


def catalogue_html(wb: Workbook) -> str:
    """The catalogue as an escaped HTML list, best scored first, unreviewed last."""
    rubric = wb.rubric()
    frame = wb.summary().sort_values(["n_reviews", "score"], ascending=False, na_position="last")
    rows = []
    for r in frame.itertuples(index=False):
        rows.append(
            "<li class='appraise-resource'>"
            f"<span class='kind'>{escape(str(r.kind))}</span>"
            f"<a href='{escape(str(r.url), quote=True)}' target='_blank' rel='noopener noreferrer'>"
            f"{escape(str(r.title))}</a>"
            f"<div class='meta'>{escape(str(r.platform))} · {r.n_reviews} review(s) · "
            f"{_score(r.score)} · <span class='verdict'>{escape(str(r.verdict_label))}</span>"
            "</div></li>"
        )
    title = escape(wb.config.title)
    hint = (
        f"{len(frame)} resources, rated on the {escape(rubric.name)} rubric "
        f"({rubric.score_range[0]:g}–{rubric.score_range[1]:g}). Links open in a new tab."
    )
    return (
        f"{STYLE}<div class='appraise-catalogue'><h1>{title}</h1><p class='hint'>{hint}</p>"
        f"<ul>{''.join(rows)}</ul></div>"
    )


def catalogue_view(wb: Workbook) -> W.HTML:
    view = W.HTML(catalogue_html(wb))
    view.add_class("appraise-catalogue-view")
    return view


def catalogue_page(path: str | None = None) -> W.HTML:
    """The page for the workbook in ``path`` or ``APPRAISE_WORKBOOK``, or a readable error."""
    import os

    from reviews.errors import AppraiseError

    location = path or os.environ.get("APPRAISE_WORKBOOK")
    if not location:
        return W.HTML("<p role='alert'>No workbook is set: start the dashboards with "
                      "<code>appraise serve --workbook DIR</code>.</p>")  # fmt: skip
    try:
        return catalogue_view(Workbook.open(location))
    except AppraiseError as exc:
        return W.HTML(f"<p role='alert'>The workbook cannot be shown: {escape(str(exc))}</p>")
