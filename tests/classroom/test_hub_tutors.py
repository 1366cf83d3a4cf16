"""Hub-group tutors count as tutors in every process, on every backend, and only the hub says so.

The hub tells only the kernel a person is signed in to that they are in the workbook's
``hub_tutor_group``. Here a separate Python process stands for that kernel: it identifies the
user exactly as a dashboard does (:func:`widgets.sign_in.identify` on the environment the
hub-mode server gives a kernel); the test process stands for everyone else (another learner's
kernel, the summariser, the command line) and must give the same answer.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reviews import Workbook
from reviews.classroom.hub_tutors import JOINED, LEFT, REFRESH_S
from reviews.domain.errors import PermissionDenied
from reviews.domain.hub import GROUPS_HEADER, USER_HEADER, header_env
from reviews.domain.model import ModerationEvent, new_id
from reviews.domain.names import BadName
from tests.conftest import ROOT
from widgets.sign_in import identify

GROUP = "appraise-tutors"

KERNEL = """
import os
from reviews import Workbook
from widgets.sign_in import identify
wb = Workbook.open(os.environ["APPRAISE_WORKBOOK"])
who = identify(wb, os.environ)
print(who.name if who else "(nobody)")
"""


def kernel_of(path: Path, user: str, groups: list[str], hub_mode: bool = True) -> str:
    """Open a dashboard as ``user`` in a process of its own, as a hub-mode kernel would."""
    env = dict(os.environ, APPRAISE_WORKBOOK=str(path))
    env[header_env(USER_HEADER)] = user
    env[header_env(GROUPS_HEADER)] = json.dumps(groups)
    env.pop("APPRAISE_HUB", None)
    if hub_mode:
        env["APPRAISE_HUB"] = "1"
    done = subprocess.run(
        [sys.executable, "-c", KERNEL], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.fixture
def hub_wb(wb: Workbook, resource) -> Workbook:
    """A workbook on each backend whose hub group makes tutors, where tina has reviewed."""
    wb.update_settings(hub_tutor_group=GROUP)
    wb.submit_review(resource.id, "tina", {"overall": 5}, comment="Reference answer.")
    wb.submit_review(resource.id, "ana", {"overall": 2})
    return wb


def test_a_hub_group_tutor_signed_in_elsewhere_is_a_tutor_here_too(hub_wb: Workbook) -> None:
    other = Workbook.open(hub_wb.path)  # a learner's kernel, opened before tina arrives
    assert not other.is_tutor("tina") and other.pseudonym("tina").startswith("Reviewer ")

    assert kernel_of(hub_wb.path, "tina", [GROUP, "y2"]) == "tina"

    fresh = Workbook.open(hub_wb.path)  # a kernel or summariser started afterwards
    assert fresh.is_tutor("tina")
    assert fresh.pseudonyms()["tina"] == "Tutor tina"
    frame = fresh.reviews_frame()
    assert frame.set_index("reviewer")["is_tutor"].to_dict() == {"tina": True, "ana": False}
    learners = fresh.participation(actor="tutor-1", identities=True)["learner_name"]
    assert list(learners) == ["ana"]  # a tutor's contributions are not a learner's
    fresh.hide(fresh.reviews()[0].id, actor="tina", reason="Checked server-side here too")

    deadline = time.monotonic() + 10 * REFRESH_S  # the long-lived kernel catches up
    while not other.is_tutor("tina"):
        assert time.monotonic() < deadline, "the other kernel never learnt tina is a tutor"
        time.sleep(0.05)  # polling a cache that refreshes every REFRESH_S, with a deadline
    assert other.pseudonyms()["tina"] == "Tutor tina"
    (joined,) = [e for e in fresh.audit_log() if e.action == JOINED]
    assert (joined.actor, joined.via, joined.target_id) == ("tina", "hub", GROUP)


def test_leaving_the_hub_group_is_recorded_at_the_next_sign_in(hub_wb: Workbook) -> None:
    kernel_of(hub_wb.path, "tina", [GROUP])
    kernel_of(hub_wb.path, "tina", [GROUP])  # still in the group: nothing new recorded
    kernel_of(hub_wb.path, "tina", ["y2"])  # the hub no longer lists her in the group
    wb = Workbook.open(hub_wb.path)
    assert not wb.is_tutor("tina")
    with pytest.raises(PermissionDenied):
        wb.hide(wb.reviews()[0].id, actor="tina", reason="no longer a tutor")
    assert [e.action for e in wb.audit_log() if e.actor == "tina"] == [JOINED, LEFT]
    kernel_of(hub_wb.path, "tina", [GROUP])  # back in the group
    assert Workbook.open(hub_wb.path).is_tutor("tina")


def test_only_the_hub_mode_server_can_make_a_tutor(hub_wb: Workbook) -> None:
    # the same headers without APPRAISE_HUB (sent by a browser to plain `appraise serve`)
    assert kernel_of(hub_wb.path, "ben", [GROUP], hub_mode=False) == "(nobody)"
    assert not identify(hub_wb, {header_env(USER_HEADER): "ben", "APPRAISE_HUB": "0"})
    wb = Workbook.open(hub_wb.path)
    assert not wb.is_tutor("ben")
    assert not [e for e in wb.audit_log() if e.action == JOINED]


def test_hand_written_events_and_other_groups_make_nobody_a_tutor(hub_wb: Workbook) -> None:
    def forged(actor: str, via: str | None, target: str) -> None:
        event = ModerationEvent(id=new_id("evt"), action=JOINED, target_id=target, actor=actor,
                                via=via)  # fmt: skip
        with hub_wb.store.transaction(actor) as shard:
            shard.add("events", event.model_dump(mode="json"))

    forged("ben", "join code", GROUP)  # not vouched for by the hub
    forged("cat", "hub", "some-other-group")  # not this workbook's group
    wb = Workbook.open(hub_wb.path)
    assert not wb.is_tutor("ben") and not wb.is_tutor("cat")

    kernel_of(hub_wb.path, "tina", [GROUP])
    assert Workbook.open(hub_wb.path).is_tutor("tina")
    hub_wb.update_settings(hub_tutor_group="year-2-tutors")  # the group renamed in the hub
    assert not Workbook.open(hub_wb.path).is_tutor("tina")  # until she arrives in the new one
    hub_wb.update_settings(hub_tutor_group=None)
    assert not Workbook.open(hub_wb.path).is_tutor("tina")


def test_a_learner_cannot_take_a_recorded_hub_tutors_name(hub_wb: Workbook) -> None:
    kernel_of(hub_wb.path, "tina", [GROUP])
    wb = Workbook.open(hub_wb.path)
    assert wb.tutor_named("TINA") == "tina"  # so the join-code form asks for the passphrase
    with pytest.raises(BadName, match="the tutor 'tina'"):
        wb.roster().check_name("tina")
