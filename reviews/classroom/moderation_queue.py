"""What a tutor should look at first, and the audit log as a table.

The moderation queue lists live (not hidden) items needing a tutor's eye, most urgent first:

1. ``patient-safety``: corrections of severity patient-safety that no tutor has decided yet;
2. ``confidentiality``: reviews flagged for a breach of patient confidentiality;
3. ``new correction``: other undecided corrections nobody has disputed;
4. ``disputed correction``: undecided corrections with at least one dispute;
5. ``flagged review``: reviews carrying any other flag (misinformation, outdated, undeclared
   promotion, unprofessional, broken link);
6. ``comment``: discussion comments, newest first.

Within a category the oldest waits least long (first), except comments. ``since`` keeps only
items created after a moment (e.g. the tutor's last visit). Decided corrections and hidden
items have left the queue: the audit log (:func:`audit_table`) shows what was done with them.
Both tables are for tutors (and the administrator) only.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import pandas as pd

from reviews.classroom.roles import Actor, label_people, require_tutor_or_administrator

if TYPE_CHECKING:
    from reviews.classroom.source import ClassroomSource

CATEGORIES = (
    "patient-safety",
    "confidentiality",
    "new correction",
    "disputed correction",
    "flagged review",
    "comment",
)
QUEUE_COLUMNS = [
    "priority",
    "category",
    "kind",
    "target_id",
    "resource_id",
    "resource_title",
    "author",
    "text",
    "severity",
    "flags",
    "agree",
    "dispute",
    "vote_reasons",
    "created_at",
]
AUDIT_COLUMNS = ["at", "actor", "via", "action", "kind", "target_id", "resource_title", "reason"]


def vote_reasons(wb: ClassroomSource) -> dict[str, str]:
    """Per correction, the reasons given with its votes, one per line, by pseudonym:
    ``Reviewer 3 endorsed: "…"`` (the voters' real names never appear here)."""
    shown = wb.pseudonyms()
    lines: dict[str, list[str]] = {}
    for vote in sorted(wb.votes(), key=lambda v: (v.updated_at, v.id)):
        if vote.reason:
            who = shown.get(vote.voter, "(no pseudonym yet)")
            said = "endorsed" if vote.agree else "disputed"
            lines.setdefault(vote.correction_id, []).append(f'{who} {said}: "{vote.reason}"')
    return {cid: "\n".join(found) for cid, found in lines.items()}


def moderation_queue(
    wb: ClassroomSource,
    actor: Actor,
    identities: bool = False,
    since: datetime | None = None,
) -> pd.DataFrame:
    """The items waiting for a tutor, most urgent first (see the module docstring)."""
    require_tutor_or_administrator(wb, actor, "see the moderation queue")
    state = wb.moderation()
    titles = {r.id: r.title for r in wb.resources()}
    votes: dict[str, list[int]] = {}
    for vote in wb.votes():
        votes.setdefault(vote.correction_id, [0, 0])[0 if vote.agree else 1] += 1
    reasons = vote_reasons(wb)
    rows = []
    for c in wb.corrections():
        if state.status(c.id) != "proposed":
            continue
        agree, dispute = votes.get(c.id, (0, 0))
        if c.severity == "patient-safety":
            category = "patient-safety"
        else:
            category = "disputed correction" if dispute else "new correction"
        text = f"{c.claim} → {c.correction}"
        rows.append((category, "correction", c.id, c.resource_id, c.author, text, c.severity,
                     "", agree, dispute, reasons.get(c.id, ""), c.created_at))  # fmt: skip
    for r in wb.reviews():
        if not r.flags:
            continue
        category = "confidentiality" if "confidentiality" in r.flags else "flagged review"
        rows.append((category, "review", r.id, r.resource_id, r.reviewer, r.comment, "",
                     ", ".join(r.flags), 0, 0, "", r.created_at))  # fmt: skip
    corrections = {c.id: c.resource_id for c in wb.corrections()}
    for m in wb.comments():
        resource_id = corrections.get(m.target_id, m.target_id)
        rows.append(("comment", "comment", m.id, resource_id, m.author, m.text, "", "", 0, 0,
                     "", m.created_at))  # fmt: skip
    columns = [c for c in QUEUE_COLUMNS if c not in ("priority", "resource_title")]
    frame = pd.DataFrame(rows, columns=columns)
    frame["created_at"] = pd.to_datetime(frame["created_at"], utc=True)
    if since is not None:
        frame = frame[frame["created_at"] > pd.Timestamp(since)]
    frame.insert(0, "priority", frame["category"].map(CATEGORIES.index).astype(int))
    frame.insert(5, "resource_title", frame["resource_id"].map(titles).fillna(""))
    newest_first = (frame["category"] == "comment").to_numpy()
    order = frame["created_at"].astype("int64") * (1 - 2 * newest_first)
    frame = frame.assign(_order=order).sort_values(["priority", "_order"]).drop(columns="_order")
    return label_people(frame[QUEUE_COLUMNS], "author", wb, identities)


def audit_table(wb: ClassroomSource, actor: Actor) -> pd.DataFrame:
    """The append-only audit log, newest first: when, who (tutors by name, the command line
    by login), how they were identified (``via``), what, on what (with the resource's title)
    and why."""
    require_tutor_or_administrator(wb, actor, "read the audit log")
    titles = {r.id: r.title for r in wb.resources()}
    kinds: dict[str, tuple[str, str]] = {}
    for r in wb.reviews(include_hidden=True, include_deleted=True):
        kinds[r.id] = ("review", r.resource_id)
    for c in wb.corrections(include_hidden=True):
        kinds[c.id] = ("correction", c.resource_id)
    corrections = {c_id: res for c_id, (kind, res) in kinds.items() if kind == "correction"}
    for m in wb.comments(include_hidden=True):
        kinds[m.id] = ("comment", corrections.get(m.target_id, m.target_id))
    kinds[wb.config.id] = ("workbook", "")
    rows = []
    for e in reversed(wb.audit_log()):
        kind, resource_id = kinds.get(e.target_id, ("", ""))
        rows.append((e.created_at, e.actor, e.via or "", e.action, kind, e.target_id,
                     titles.get(resource_id, ""), e.reason))  # fmt: skip
    frame = pd.DataFrame(rows, columns=AUDIT_COLUMNS)
    frame["at"] = pd.to_datetime(frame["at"], utc=True)
    return frame
