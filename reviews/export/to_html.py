"""HTML: a self-contained report a tutor can e-mail or print to PDF.

One file, no scripts, no external styles or images: the CSS is inline and the figures are
PNGs embedded as ``data:`` URIs (when matplotlib is installed; the report says so otherwise).
Sections: overview, resources ranked with verdicts and intervals, verified corrections,
agreement between reviewers (when the aggregation provides it), calibration, and
participation by name only when real names were asked for (tutors and the administrator).

Every string that comes from the workbook passes through :func:`esc` (HTML-escaped, quotes
included); links are only made for http(s) URLs. A title like ``<img src=x onerror=…>`` is
shown as text.
"""

from __future__ import annotations

import base64
import html
import math
from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

from reviews.domain.errors import AppraiseError
from reviews.export import plots
from reviews.export.base import ExportRequest, Format
from reviews.export.tables import corrections as corrections_table

STYLE = """
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
       color: #1d2733; max-width: 62rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { margin-top: 2.2rem; font-size: 1.25rem;
     border-bottom: 1px solid #d5dde6; padding-bottom: .2rem; }
.meta, .note, figcaption { color: #55606d; font-size: .9rem; }
table { border-collapse: collapse; width: 100%; font-size: .88rem; margin: .6rem 0; }
th, td { text-align: left; vertical-align: top; padding: .3rem .45rem;
         border-bottom: 1px solid #e4e9ef; }
th { background: #f2f5f8; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
dl.overview { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1.2rem; }
dl.overview dt { font-weight: 600; } dl.overview dd { margin: 0; }
figure { margin: 1rem 0; } figure img { max-width: 100%; }
.verdict { white-space: nowrap; } .safety { color: #a11d1d; font-weight: 600; }
td { overflow-wrap: break-word; } #corrections td { overflow-wrap: anywhere; }
th.num { text-align: right; } td.num, td.keep { text-align: right; white-space: nowrap; }
td.keep { text-align: left; }
.confidential { color: #a11d1d; font-weight: 600; }
@page { size: A4 portrait; margin: 14mm 12mm 16mm; }
@media print {
  body { font-size: 9.5pt; line-height: 1.35; margin: 0; max-width: none; padding: 0; }
  h1 { font-size: 16pt; } h2 { font-size: 12pt; margin-top: 1.2rem; break-after: avoid; }
  table { font-size: 8.5pt; width: 100%; table-layout: auto; }
  th, td { padding: .15rem .3rem; } thead { display: table-header-group; }
  tr, figure, dl { break-inside: avoid; } figure img { max-height: 95mm; }
  a { color: inherit; text-decoration: none; }
}
"""


def esc(value: object) -> str:
    """Text for HTML: every <, >, &, " and ' escaped; missing values as an en dash."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return "–"
    return html.escape(str(value), quote=True)


def number(value: object, digits: int = 2) -> str:
    try:
        x = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return esc(value)
    if math.isnan(x):
        return "–"
    return f"{x:.{digits}f}" if not x.is_integer() or digits == 0 else f"{x:.0f}"


def link(url: object, label: object) -> str:
    """A link for http(s) URLs only (never ``javascript:``); otherwise the label as text."""
    if isinstance(url, str) and url.lower().startswith(("https://", "http://")):
        return f'<a href="{esc(url)}" rel="noopener noreferrer">{esc(label)}</a>'
    return esc(label)


#: Headers people read, for the columns the report shows as they are (else: words, capitalised).
HEADERS = {
    "learner": "Pseudonym",
    "learner_name": "Name",
    "n_units": "Resources compared",
    "n_values": "Ratings",
    "alpha": "Alpha",
    "items_compared": "Items compared",
}


def header(column: str) -> str:
    """``corrections_verified`` → ``Corrections verified``: no snake_case in a report."""
    return HEADERS.get(column) or column.replace("_", " ").strip().capitalize()


def table(
    headers: Sequence[str],
    rows: Iterable[Sequence[str]],
    numeric: Iterable[int] = (),
    keep: Iterable[int] = (),
) -> str:
    """An HTML table from cells that are already escaped HTML; ``numeric`` columns are right
    aligned, ``keep`` columns never wrap (dates, pseudonyms)."""
    right = set(numeric)
    whole = set(keep)
    head = "".join(
        f'<th class="num">{esc(h)}</th>' if i in right else f"<th>{esc(h)}</th>"
        for i, h in enumerate(headers)
    )
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="num">{cell}</td>'
            if i in right
            else (f'<td class="keep">{cell}</td>' if i in whole else f"<td>{cell}</td>")
            for i, cell in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def frame_table(frame: pd.DataFrame) -> str:
    """Any DataFrame as an escaped table (numbers to 2 decimals)."""
    numeric = [i for i, c in enumerate(frame.columns) if pd.api.types.is_numeric_dtype(frame[c])]
    rows = [
        [number(v) if i in numeric else esc(v) for i, v in enumerate(row)]
        for row in frame.itertuples(index=False, name=None)
    ]
    return table([header(str(c)) for c in frame.columns], rows, numeric)


def figure(plot: plots.Plot | None) -> str:
    if plot is None:
        return ""
    data = base64.b64encode(plot.png).decode("ascii")
    return (
        f'<figure><img src="data:image/png;base64,{data}" alt="{esc(plot.alt)}">'
        f"<figcaption>{esc(plot.caption)}</figcaption></figure>"
    )


def ranked(summary: pd.DataFrame) -> tuple[pd.DataFrame, str, str, str]:
    """Resources with a verdict by score, then provisional ones (too few reviews: a single
    enthusiastic review must not top the list), then unrated ones; with the interval columns
    to show: the aggregation's 95% interval when the summary has one, else the range of
    review scores."""
    group = summary["verdict"].map({"provisional": 1, "unrated": 2}).fillna(0)
    out = summary.assign(_group=group).sort_values(
        ["_group", "score", "n_reviews"], ascending=[True, False, False], na_position="last"
    )
    out = out.drop(columns="_group").reset_index(drop=True)
    out["rank"] = range(1, len(out) + 1)
    if {"score_low95", "score_high95"} <= set(out.columns):
        return out, "score_low95", "score_high95", "95% interval"
    return out, "score_min", "score_max", "range of review scores"


def overview(req: ExportRequest, summary: pd.DataFrame, corrections: pd.DataFrame) -> str:
    wb = req.wb
    reviews = wb.reviews()
    tutors = set(wb.tutor_names())
    learners = {r.reviewer for r in reviews} - tutors
    status = corrections["status"].value_counts() if len(corrections) else pd.Series(dtype=int)
    open_safety = corrections[
        (corrections["severity"] == "patient-safety") & (corrections["status"] == "proposed")
    ]
    items = [
        ("Resources", f"{len(summary)} ({int((summary['n_reviews'] > 0).sum())} reviewed)"),
        ("Reviews", f"{len(reviews)} by {len(learners)} learners"),
        (
            "Corrections",
            f"{len(corrections)}: {int(status.get('verified', 0))} verified, "
            f"{int(status.get('rejected', 0))} rejected, {int(status.get('proposed', 0))} open",
        ),
        ("Open patient-safety corrections", str(len(open_safety))),
        (
            "Verdicts",
            ", ".join(
                f"{str(k).replace('_', ' ')}: {v}"
                for k, v in summary["verdict"].value_counts().items()
            ),
        ),
    ]
    body = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in items)
    return f'<section id="overview"><h2>Overview</h2><dl class="overview">{body}</dl></section>'


def resources_section(ranked_: pd.DataFrame, low: str, high: str, what: str) -> str:
    rows = [
        [
            str(r["rank"]),
            link(r["url"], r["title"]),
            esc(r["kind"]),
            number(r["n_reviews"], 0),
            number(r["score"]),
            f"{number(r[low])} – {number(r[high])}" if not pd.isna(r["score"]) else "–",
            f'<span class="verdict">{esc(r["verdict_label"])}</span>',
        ]
        for r in ranked_.to_dict("records")
    ]
    headers = ["#", "Resource", "Kind", "Reviews", "Score", what.capitalize(), "Verdict"]
    return (
        '<section id="resources"><h2>Resources ranked by score</h2>'
        f"{table(headers, rows, numeric=[0, 3, 4])}</section>"
    )


def corrections_section(corrections: pd.DataFrame) -> str:
    verified = corrections[corrections["status"] == "verified"]
    if verified.empty:
        return (
            '<section id="corrections"><h2>Verified corrections</h2>'
            '<p class="note">No correction has been verified by a tutor yet.</p></section>'
        )
    rows = []
    for c in verified.to_dict("records"):
        severity = esc(c["severity"])
        if c["severity"] == "patient-safety":
            severity = f'<span class="safety">{severity}</span>'
        rows.append(
            [
                link(c["resource_url"], c["resource_title"]),
                esc(c["locator"] or "–"),
                esc(c["claim"]),
                esc(c["correction"]),
                esc(c["evidence"]),
                severity,
                esc(c["tutor_note"] or "–"),
                f"{c['agree']} agree, {c['dispute']} dispute",
            ]
        )
    headers = ["Resource", "Where", "The resource says", "Correct", "Evidence", "Severity",
               "Tutor's note", "Class votes"]  # fmt: skip
    return (
        f'<section id="corrections"><h2>Verified corrections</h2>{table(headers, rows)}</section>'
    )


def agreement_section(req: ExportRequest) -> str:
    """Agreement between reviewers, from the aggregation (``wb.agreement()``) when present."""
    agreement: Any = getattr(req.wb, "agreement", None)
    try:
        frame = agreement(rubric=req.rubric) if agreement is not None else None
    except AppraiseError as exc:
        body = f'<p class="note">{esc(exc)}</p>'
    else:
        if frame is None:
            note = "Agreement between reviewers is not computed by this version of Appraise."
            body = f'<p class="note">{esc(note)}</p>'
        elif isinstance(frame, pd.DataFrame) and not frame.empty:
            body = frame_table(frame.reset_index() if frame.index.name else frame)
        else:
            body = '<p class="note">Too few overlapping reviews to estimate agreement.</p>'
    return f'<section id="agreement"><h2>Agreement between reviewers</h2>{body}</section>'


def calibration_section(req: ExportRequest) -> str:
    wb = req.wb
    resources = wb.calibration_resources()
    if resources.empty:
        return ""
    per_learner = wb.calibration(req.actor, req.identities)
    mean = per_learner["agreement"].mean() if len(per_learner) else float("nan")
    listed = table(
        ["Calibration resource", "Reference by", "Learner reviews compared"],
        [
            [link(r["url"], r["title"]), esc(r["tutor"]), number(r["learner_reviews"], 0)]
            for r in resources.to_dict("records")
        ],
        numeric=[2],
    )
    note = (
        f"Mean agreement of learners with the tutors' reference reviews: {number(mean)} "
        "(1 = identical, 0 = opposite ends of every scale)."
    )
    detail = frame_table(per_learner) if req.identities else ""
    return (
        f'<section id="calibration"><h2>Calibration</h2>{listed}<p>{esc(note)}</p>'
        f"{detail}</section>"
    )


def participation_section(req: ExportRequest) -> str:
    """Per learner, condensed to fit a printed A4 page: corrections with how they fared,
    hidden contributions together, assignments as "2 of 5"; the CSV export has every column."""
    if not req.identities:
        return ""
    frame = req.wb.participation(req.actor, identities=True)
    rows = []
    for r in frame.to_dict("records"):
        fared = "0"
        if r["corrections"]:
            outcomes = [f"{r[f'corrections_{k}']} {k}" for k in ("verified", "rejected", "open")
                        if r[f"corrections_{k}"]]  # fmt: skip
            fared = f"{r['corrections']}: {', '.join(outcomes)}; votes {r['agrees_received']} "
            fared += f"agree, {r['disputes_received']} dispute"
        hidden = r["reviews_hidden"] + r["corrections_hidden"] + r["comments_hidden"]
        assigned = f"{r['assigned_done']} of {r['assigned']}" if r["assigned"] else "–"
        last = r["last_activity"]
        rows.append(
            [
                esc(r["learner_name"]),
                esc(r["learner"]),
                number(r["reviews"], 0),
                esc(fared),
                number(r["votes_cast"], 0),
                number(r["comments"], 0),
                number(hidden, 0),
                esc(assigned),
                number(r["active_weeks"], 0),
                esc(f"{last:%Y-%m-%d}" if not pd.isna(last) else "–"),
            ]
        )
    headers = ["Name", "Pseudonym", "Reviews", "Corrections and the class's votes", "Votes",
               "Comments", "Hidden", "Assignments done", "Weeks active",
               "Last active"]  # fmt: skip
    return (
        '<section id="participation"><h2>Participation <span class="confidential">(real '
        'names: confidential)</span></h2><p class="note">"Hidden": reviews, corrections and '
        'comments a tutor hid; "Votes": votes cast on classmates\' corrections. Every '
        "column is in "
        "the CSV and spreadsheet exports.</p>"
        f"{table(headers, rows, numeric=[2, 4, 5, 6, 8], keep=[1, 9])}</section>"
    )


def render(req: ExportRequest) -> bytes:
    wb = req.wb
    rubric = wb.rubric(req.rubric)
    req.step(0.05, "summarising")
    summary = wb.summary(rubric.id)
    corrections = corrections_table(req)
    ranked_, low, high, what = ranked(summary)
    req.step(0.3, "drawing the figures")
    if plots.available():
        times = wb.reviews_frame(rubric.id).drop_duplicates("review_id")["created_at"]
        figures = "".join(
            figure(p)
            for p in (
                plots.score_distribution(summary, rubric.score_range),
                plots.ranked_intervals(ranked_, low, high, what),
                plots.reviews_over_time(times),
            )
        )
    else:
        figures = '<p class="note">Figures need matplotlib, which is not installed.</p>'
    req.step(0.7, "writing the report")
    names = "with learners' real names (confidential)" if req.identities else "pseudonymous"
    meta = (
        f"Review summary exported {req.generated_at:%Y-%m-%d %H:%M} UTC · rubric "
        f"{rubric.name} · {names}"
    )
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(wb.config.title)}: review summary</title>",
        f"<style>{STYLE}</style></head><body>",
        f'<header><h1>{esc(wb.config.title)}</h1><p class="meta">{esc(meta)}</p></header>',
        overview(req, summary, corrections),
        f'<section id="figures"><h2>Figures</h2>{figures}</section>',
        resources_section(ranked_, low, high, what),
        corrections_section(corrections),
        agreement_section(req),
        calibration_section(req),
        participation_section(req),
        '<footer><p class="note">Made with Appraise. Scores are on the rubric\'s own scale; '
        "a verdict needs the rubric's minimum number of reviewers. Hidden content is left "
        "out.</p></footer>",
        "</body></html>",
    ]
    req.step(1.0, "report written")
    return "\n".join(p for p in parts if p).encode("utf-8")


FORMAT = Format(
    name="html",
    suffix=".html",
    media_type="text/html",
    description="a self-contained report to e-mail or print (figures embedded)",
    render=render,
)
