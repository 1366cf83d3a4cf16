"""Turning workbook values into text and HTML for the page: escaped, and never ``NaN``.

``widgets.HTML`` renders raw markup, so every string a learner (or a rubric file) wrote goes
through :func:`esc` before it is placed in HTML; plain text belongs in ``widgets.Label`` or a
button's description, which the browser never parses as HTML.
"""

from __future__ import annotations

import math
import re
from html import escape
from typing import Any

from reviews.domain.model import CONFIDENCE

FLAG_LABELS = {
    "misinformation": "Misinformation (false or misleading)",
    "outdated": "Outdated guidance",
    "undeclared_promotion": "Undeclared promotion or conflict of interest",
    "confidentiality": "Breaches patient confidentiality",
    "unprofessional": "Unprofessional content",
    "broken_link": "Broken link",
}
BLOOM_LABELS = {
    "remember": "Remember: recall facts",
    "understand": "Understand: explain ideas",
    "apply": "Apply: use it on a case",
    "analyse": "Analyse: compare, find causes",
    "evaluate": "Evaluate: judge, weigh evidence",
    "create": "Create: plan, design something new",
}
SEVERITY_LABELS = {
    "minor": "Minor",
    "major": "Major",
    "patient-safety": "Patient safety",
}
STATUS_LABELS = {
    "proposed": "Proposed",
    "endorsed": "Endorsed by the class",
    "disputed": "Disputed by the class",
    "verified": "Verified by a tutor",
    "rejected": "Rejected by a tutor",
}
CONFIDENCE_LABELS = {value: f"{value} – {label}" for value, label in CONFIDENCE.items()}


def esc(value: object) -> str:
    """``value`` as text that is safe inside HTML elements and quoted attributes."""
    return escape("" if value is None else str(value), quote=True)


def number(value: Any) -> float | None:
    """A finite float, or None for None, NaN, pandas' NA and anything not a number."""
    try:
        out = float(value)
    except (TypeError, ValueError):
        return None
    return out if math.isfinite(out) else None


def fmt(value: Any, digits: int = 1, missing: str = "–") -> str:
    """A number for people: ``3.4``; ``missing`` (never "nan") when there is none."""
    x = number(value)
    if x is None:
        return missing
    text = f"{x:.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def count(n: int, one: str, many: str | None = None) -> str:
    """``1 review``, ``3 reviews``."""
    return f"{n} {one if n == 1 else (many or one + 's')}"


def slug(value: object) -> str:
    """A CSS-class-safe version of an id (verdicts, severities, statuses)."""
    return re.sub(r"[^a-z0-9-]+", "-", str(value).lower()).strip("-") or "none"


def status_label(status: object) -> str:
    text = str(status)
    return STATUS_LABELS.get(text, text.replace("_", " ").replace("-", " ").capitalize())


def badge(text: object, kind: str) -> str:
    """A small coloured label; ``kind`` picks the colour (a CSS class, slugged)."""
    return f"<span class='appraise-badge appraise-badge-{slug(kind)}'>{esc(text)}</span>"


_EVIDENCE = re.compile(
    r"(?P<url>https?://[^\s<>\"']+[^\s<>\"'.,;:)\]])"
    r"|(?P<doi>\b10\.\d{4,9}/[^\s<>\"']+[^\s<>\"'.,;:)\]])"
    r"|(?:PMID:?\s*(?P<pmid>\d{1,9}))",
    re.I,
)


def linkify(text: str) -> str:
    """``text`` escaped, with URLs, DOIs and PMIDs as links that open in a new tab. Only
    http(s) addresses become links, so ``javascript:`` stays plain text."""
    out, last = [], 0
    for match in _EVIDENCE.finditer(text):
        out.append(esc(text[last : match.start()]))
        if match.group("url"):
            href = match.group("url")
        elif match.group("doi"):
            href = "https://doi.org/" + match.group("doi")
        else:
            href = f"https://pubmed.ncbi.nlm.nih.gov/{match.group('pmid')}/"
        out.append(
            f"<a href='{esc(href)}' target='_blank' rel='noopener noreferrer'>"
            f"{esc(match.group(0))}</a>"
        )
        last = match.end()
    out.append(esc(text[last:]))
    return "".join(out)


def when(moment: Any) -> str:
    """``22 Nov 2026`` for a datetime (UTC)."""
    try:
        return f"{moment:%d %b %Y}"
    except (TypeError, ValueError):
        return ""
