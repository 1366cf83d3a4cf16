"""No tutor action succeeds for a learner through the API, and a refused action changes
nothing: not the records, not the audit log, not the settings."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from reviews import PermissionDenied, Workbook
from reviews.classroom.roles import Administrator
from reviews.export import FORMATS, export


@pytest.fixture
def setting(wb: Workbook, resource) -> dict[str, str]:
    review = wb.submit_review(resource.id, "learner-2", {"overall": 3})
    correction = wb.add_correction(resource.id, "learner-2", "A", "B", "PMID 1")
    comment = wb.add_comment(resource.id, "learner-3", "hello")
    wb.submit_review(resource.id, "tutor-1", {"overall": 4})
    wb.set_calibration(resource.id, actor="tutor-1")
    return {"review": review.id, "correction": correction.id, "comment": comment.id,
            "resource": resource.id}  # fmt: skip


ACTIONS: dict[str, Callable[[Workbook, dict[str, str], Any], object]] = {
    "hide": lambda wb, ids, who: wb.hide(ids["comment"], actor=who, reason="spam"),
    "restore": lambda wb, ids, who: wb.restore(ids["comment"], actor=who, reason="ok"),
    "verify": lambda wb, ids, who: wb.verify_correction(ids["correction"], actor=who),
    "reject": lambda wb, ids, who: wb.reject_correction(ids["correction"], actor=who),
    "set_calibration": lambda wb, ids, who: wb.set_calibration(
        ids["resource"], actor=who, scores={"overall": 1}
    ),
    "unset_calibration": lambda wb, ids, who: wb.unset_calibration(ids["resource"], actor=who),
    "participation with names": lambda wb, ids, who: wb.participation(who, identities=True),
    "weekly activity with names": lambda wb, ids, who: wb.weekly_activity(who, identities=True),
    "calibration with names": lambda wb, ids, who: wb.calibration(who, identities=True),
    "unmask": lambda wb, ids, who: wb.unmask(actor=who),
    "moderation queue": lambda wb, ids, who: wb.moderation_queue(actor=who),
    "audit table": lambda wb, ids, who: wb.audit_table(actor=who),
    "set the passphrase": lambda wb, ids, who: wb.set_tutor_passphrase("a long secret", who),
    **{
        f"{fmt} export with identities": (
            lambda wb, ids, who, fmt=fmt: export(wb, fmt, include_identities=True, actor=who)
        )
        for fmt, f in FORMATS.items()
        if f.allows_identities
    },
}


def snapshot(wb: Workbook) -> tuple[list, str]:
    records = sorted((where, kind, sorted(doc.items())) for where, kind, doc in wb.store.scan())
    return records, (wb.path / "workbook.yaml").read_text()


@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("who", ["learner-2", "cli:root", ""])
def test_a_learner_is_refused_and_nothing_changes(
    wb: Workbook, setting: dict[str, str], action: str, who: str
) -> None:
    before = snapshot(wb)
    with pytest.raises(PermissionDenied):
        ACTIONS[action](wb, setting, who)
    assert snapshot(wb) == before


@pytest.mark.parametrize("action", list(ACTIONS))
def test_the_same_actions_succeed_for_a_tutor(
    wb: Workbook, setting: dict[str, str], action: str
) -> None:
    if action == "restore":
        wb.hide(setting["comment"], actor="tutor-1", reason="spam")
    ACTIONS[action](wb, setting, "tutor-1")


def test_the_administrator_may_see_names_but_not_moderate(
    wb: Workbook, setting: dict[str, str]
) -> None:
    admin = Administrator("cli:root")
    assert len(wb.participation(admin, identities=True)) == 2
    with pytest.raises(PermissionDenied):
        wb.hide(setting["comment"], actor=admin, reason="spam")  # type: ignore[arg-type]
