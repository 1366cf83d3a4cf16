"""Who may see learners' real names: tutors, and the workbook's administrator.

Learners appear everywhere under pseudonyms. Real names are shown to tutors (named in
``workbook.yaml``) and to the **administrator**: whoever runs ``appraise`` on the machine with
file access to the workbook directory. That person can read every shard anyway, so asking
them for a tutor's name would protect nothing; instead their actions are recorded in the audit
log under their login (``cli:<login>``) and marked as administrator actions.

An :class:`Administrator` is a Python object, never a string: a learner can type any display
name (``cli:root`` included) in a dashboard, but cannot construct this object through one,
because the browser cannot run code in a Voila kernel.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeAlias

from reviews.domain.errors import PermissionDenied

if TYPE_CHECKING:
    import pandas as pd

    from reviews.classroom.source import ClassroomSource


@dataclass(frozen=True)
class Administrator:
    """The person running the command line with file access to the workbook."""

    login: str

    def __str__(self) -> str:
        return self.login


Actor: TypeAlias = "str | Administrator"

NO_PSEUDONYM = "(no pseudonym yet)"
ADMINISTRATOR_NOTE = "as administrator (file access to the workbook)"


def require_tutor_or_administrator(wb: ClassroomSource, actor: Actor | None, what: str) -> str:
    """The name to record in the audit log for ``actor``; refuse anyone else.

    ``what`` completes the refusal: "only a tutor can <what>".
    """
    if isinstance(actor, Administrator):
        return actor.login
    if actor is None or not wb.is_tutor(actor):
        who = "nobody" if actor is None else repr(actor)
        raise PermissionDenied(f"only a tutor of this workbook can {what} ({who} is not a tutor)")
    return actor


def via_of(actor: Actor) -> str | None:
    """``"administrator"`` for the command line; None to let the workbook say how a
    dashboard's user was identified."""
    return "administrator" if isinstance(actor, Administrator) else None


def audit_note(actor: Actor) -> str:
    """Words added to an audit-log reason so that administrator actions stand out."""
    return f" {ADMINISTRATOR_NOTE}" if isinstance(actor, Administrator) else ""


def authorise_identities(wb: ClassroomSource, actor: Actor | None, identities: bool) -> str | None:
    """Check that ``actor`` may see real names when ``identities`` is asked for; the name to
    record in the audit log (None when only pseudonyms are shown, which anyone may see)."""
    if not identities:
        return None
    return require_tutor_or_administrator(wb, actor, "see learners' names")


def label_people(
    frame: pd.DataFrame, column: str, wb: ClassroomSource, identities: bool = False
) -> pd.DataFrame:
    """``frame`` with the real names in ``column`` replaced by pseudonyms ("Reviewer 7"); with
    ``identities``, the real names kept beside them in ``<column>_name``.

    Call :func:`authorise_identities` first: this function only formats. A name with no
    pseudonym yet (someone on a roster who has not contributed, a record written by hand) is
    shown as "(no pseudonym yet)", never as itself.
    """
    shown = wb.pseudonyms()
    names = frame[column]
    out = frame.copy()
    out[column] = [shown.get(n, NO_PSEUDONYM) for n in names]
    if identities:
        out.insert(list(out.columns).index(column) + 1, f"{column}_name", names.to_numpy())
    return out.reset_index(drop=True)


def in_pseudonym_order(
    frame: pd.DataFrame, column: str, wb: ClassroomSource, then: str | None = None
) -> pd.DataFrame:
    """``frame`` sorted by the pseudonym number of the real names in ``column`` (then by
    ``then``), so that tables list learners in the same order with or without names."""
    numbers = {p.name: p.number for p in wb.people()}
    order = [numbers.get(n, len(numbers) + 1) for n in frame[column]]
    keys = ["_order", column] + ([then] if then else [])
    return frame.assign(_order=order).sort_values(keys).drop(columns="_order")
