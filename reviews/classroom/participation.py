"""Participation per learner: what each learner contributed and how it fared, over time.

For coursework credit and for spotting learners who need a nudge. Learners are shown by
pseudonym; real names only to tutors and the administrator (see
:mod:`reviews.classroom.roles`). Tutors are left out: this is about learners.

What counts:

- ``reviews``: live reviews (one per resource and rubric; edits do not add reviews); deleted
  reviews do not count, hidden ones are counted apart in ``reviews_hidden``;
- ``corrections`` (live) and how they fared: ``verified`` / ``rejected`` by a tutor or still
  ``open``, and the ``agrees_received`` / ``disputes_received`` votes of classmates;
  hidden corrections are counted apart;
- ``votes_cast`` (one per correction voted on, whatever its later changes) and ``comments``;
- ``assigned`` reviews (see :mod:`reviews.classroom.assignments`) and ``assigned_done``, those
  the learner has reviewed;
- ``first_activity`` / ``last_activity`` (UTC; edits count as activity) and ``active_weeks``.

:func:`weekly_activity` gives the same contributions per ISO week (``2026-W09``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import pandas as pd

from reviews.classroom.assignments import completion
from reviews.classroom.roles import Actor, authorise_identities, in_pseudonym_order, label_people

if TYPE_CHECKING:
    from reviews.classroom.source import ClassroomSource

COUNT_COLUMNS = [
    "reviews",
    "reviews_hidden",
    "corrections",
    "corrections_verified",
    "corrections_rejected",
    "corrections_open",
    "corrections_hidden",
    "agrees_received",
    "disputes_received",
    "votes_cast",
    "comments",
    "comments_hidden",
    "assigned",
    "assigned_done",
]
PARTICIPATION_COLUMNS = [
    "learner",
    *COUNT_COLUMNS,
    "first_activity",
    "last_activity",
    "active_weeks",
]
KINDS = ("reviews", "corrections", "votes", "comments")
WEEKLY_COLUMNS = ["learner", "week", *KINDS, "total"]


def contributions(wb: ClassroomSource) -> pd.DataFrame:
    """One row per contribution of a learner: ``who, kind, at, edited_at, hidden`` plus, for
    corrections, ``status`` and the votes received. Deleted reviews are left out."""
    state = wb.moderation()
    received: dict[str, list[int]] = {}
    for vote in wb.votes():
        received.setdefault(vote.correction_id, [0, 0])[0 if vote.agree else 1] += 1
    rows: list[tuple[object, ...]] = []
    for r in wb.reviews(include_hidden=True):
        rows.append((r.reviewer, "reviews", r.created_at, r.updated_at, r.id in state.hidden,
                     "", 0, 0))  # fmt: skip
    for c in wb.corrections(include_hidden=True):
        agree, dispute = received.get(c.id, (0, 0))
        rows.append((c.author, "corrections", c.created_at, c.created_at, c.id in state.hidden,
                     state.status(c.id), agree, dispute))  # fmt: skip
    for v in wb.votes():
        rows.append((v.voter, "votes", v.created_at, v.updated_at, False, "", 0, 0))
    for m in wb.comments(include_hidden=True):
        rows.append((m.author, "comments", m.created_at, m.created_at, m.id in state.hidden,
                     "", 0, 0))  # fmt: skip
    columns = ["who", "kind", "at", "edited_at", "hidden", "status", "agree", "dispute"]
    frame = pd.DataFrame(rows, columns=columns).astype(
        {"who": str, "kind": str, "hidden": bool, "status": str, "agree": int, "dispute": int}
    )
    frame["at"] = pd.to_datetime(frame["at"], utc=True)
    frame["edited_at"] = pd.to_datetime(frame["edited_at"], utc=True)
    tutor = {who: wb.is_tutor(who) for who in frame["who"].unique()}  # canonical names
    return frame[~frame["who"].map(tutor).astype(bool)].reset_index(drop=True)


def _iso_week(times: pd.Series) -> pd.Series:
    weeks = times.dt.isocalendar()
    return weeks["year"].astype(str) + "-W" + weeks["week"].astype(str).str.zfill(2)


def participation(
    wb: ClassroomSource,
    actor: Actor | None = None,
    identities: bool = False,
    roster: Iterable[str] = (),
) -> pd.DataFrame:
    """One row per learner (see the module docstring for the columns), in pseudonym order.

    ``identities=True`` adds ``learner_name`` with real names: tutors (and the administrator)
    only, else :class:`~reviews.domain.errors.PermissionDenied`. ``roster``: user names expected in
    the class; those who have contributed nothing still get a row of zeros (shown by their
    name only with ``identities``, since they have no pseudonym).
    """
    authorise_identities(wb, actor, identities)
    done = contributions(wb)
    live = done[~done["hidden"]]

    def count(frame: pd.DataFrame) -> pd.Series:
        return frame.groupby("who").size()

    corrections = live[live["kind"] == "corrections"]
    assigned = completion(wb.assignments(), wb.reviews(include_hidden=True))
    table = pd.DataFrame(
        {
            "reviews": count(live[live["kind"] == "reviews"]),
            "reviews_hidden": count(done[done["hidden"] & (done["kind"] == "reviews")]),
            "corrections": count(corrections),
            "corrections_verified": count(corrections[corrections["status"] == "verified"]),
            "corrections_rejected": count(corrections[corrections["status"] == "rejected"]),
            "corrections_open": count(corrections[corrections["status"] == "proposed"]),
            "corrections_hidden": count(done[done["hidden"] & (done["kind"] == "corrections")]),
            "agrees_received": corrections.groupby("who")["agree"].sum(),
            "disputes_received": corrections.groupby("who")["dispute"].sum(),
            "votes_cast": count(live[live["kind"] == "votes"]),
            "comments": count(live[live["kind"] == "comments"]),
            "comments_hidden": count(done[done["hidden"] & (done["kind"] == "comments")]),
            "assigned": pd.Series({k: v[0] for k, v in assigned.items()}, dtype=int),
            "assigned_done": pd.Series({k: v[1] for k, v in assigned.items()}, dtype=int),
        },
        columns=COUNT_COLUMNS,
    )
    roster = [*roster, *assigned]
    everyone = list(dict.fromkeys([*done["who"], *(n for n in roster if not wb.is_tutor(n))]))
    table = table.reindex(everyone).fillna(0).astype(int)
    table["first_activity"] = done.groupby("who")["at"].min()
    table["last_activity"] = done.groupby("who")[["at", "edited_at"]].max().max(axis=1)
    table["active_weeks"] = (
        done.assign(week=_iso_week(done["at"])).groupby("who")["week"].nunique()
        if len(done)
        else pd.Series(dtype=int)
    )
    table["active_weeks"] = table["active_weeks"].fillna(0).astype(int)
    table = table.rename_axis("learner").reset_index()
    table = in_pseudonym_order(table[PARTICIPATION_COLUMNS], "learner", wb)
    return label_people(table, "learner", wb, identities)


def weekly_activity(
    wb: ClassroomSource, actor: Actor | None = None, identities: bool = False
) -> pd.DataFrame:
    """Contributions per learner and ISO week (long format): ``learner, week, reviews,
    corrections, votes, comments, total``; hidden contributions included (they happened),
    weeks without activity left out."""
    authorise_identities(wb, actor, identities)
    done = contributions(wb)
    if done.empty:
        return pd.DataFrame(columns=WEEKLY_COLUMNS)
    done = done.assign(week=_iso_week(done["at"]))
    table = (
        done.groupby(["who", "week", "kind"])
        .size()
        .unstack("kind")
        .reindex(columns=list(KINDS))
        .fillna(0)
        .astype(int)
    )
    table["total"] = table.sum(axis=1)
    table = table.rename_axis(columns=None).reset_index().rename(columns={"who": "learner"})
    table = in_pseudonym_order(table[WEEKLY_COLUMNS], "learner", wb, then="week")
    return label_people(table, "learner", wb, identities)
