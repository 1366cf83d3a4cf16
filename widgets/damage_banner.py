"""The tutors' banner naming damaged workbook files: what the class no longer sees, and why.

Reads skip a damaged file or record (see :mod:`reviews.store.validate`) so that the class keeps
working; the tutors must still learn of it, or a learner's reviews vanish unnoticed. The banner
lists the first few problems with their paths and points to ``appraise check`` and the tutor
guide's repair steps. Paths and quoted records come from files anyone could edit: escaped.
"""

from __future__ import annotations

import ipywidgets as W

from reviews.workbook import Workbook
from widgets.format import esc

SHOWN = 5  # problems listed in the banner; `appraise check` lists them all


def damage_html(wb: Workbook) -> str:
    """The banner's HTML, or an empty string when nothing is damaged."""
    found = wb.damage()
    if not found:
        return ""
    items = "".join(f"<li><code>{esc(str(p))}</code></li>" for p in found[:SHOWN])
    more = f"<li>… and {len(found) - SHOWN} more</li>" if len(found) > SHOWN else ""
    return (
        "<div role='alert' class='appraise-message appraise-warning appraise-damage'>"
        f"<b>{len(found)} damaged file(s) or record(s) are being skipped</b>: learners do not "
        "see what they hold, and the rest of the class works as usual. Run "
        f"<code>appraise check --workbook {esc(str(wb.path))}</code> for the full list and "
        "repair each file as the tutor guide explains (section “Damaged files”); nothing is "
        f"repaired or deleted automatically.<ul>{items}{more}</ul></div>"
    )


class DamageBanner:
    """A banner refreshed on every section a tutor opens (cheap: verdicts are cached)."""

    def __init__(self, wb: Workbook) -> None:
        self.wb = wb
        self.widget = W.HTML("")
        self.widget.add_class("appraise-damage-banner")

    def refresh(self) -> None:
        self.widget.value = damage_html(self.wb)
