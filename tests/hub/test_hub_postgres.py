"""The whole of issue 10 at once: a workbook on PostgreSQL served as a JupyterHub service.

A throwaway PostgreSQL (tests/support/postgres.py, the session's server), a workbook created on
one of its databases with the password-free URL, a real ``jupyterhub`` with
``configurable-http-proxy`` and the test authenticator (tests/support/hub.py), and
``appraise serve --hub`` as the shared hub service; two learners and a tutor who is a tutor
only because the hub puts her in ``appraise-tutors``, each in their own headless Chromium
context. Learner ``ana`` proposes a correction through the dashboard; ``ben`` sees it under
her pseudonym, never her name; ``tina`` hides it on the tutor dashboard; after a reload ben no
longer sees it, and the database holds what happened. It fails, never skips, when PostgreSQL,
jupyterhub or configurable-http-proxy is missing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from reviews import Workbook
from tests.hub.test_hub import GROUP, PASSWORDS, open_dashboard, signed_in
from tests.support.classroom import make_classroom
from tests.support.hub import Hub, running_hub
from tests.support.postgres import Postgres

pytestmark = pytest.mark.browser
CLAIM = "Warfarin needs no INR checks after the first month."


@dataclass
class Setup:
    hub: Hub
    path: Path
    video: str
    database: str


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory, postgres: Postgres) -> Iterator[Setup]:
    folder = tmp_path_factory.mktemp("hub-pg")
    path = folder / "wb"
    url = postgres.fresh_database()  # trust on the socket: no password to keep anywhere
    room = make_classroom(path, hub_tutor_group=GROUP, database=url)
    assert room.wb.config.storage == "postgresql"
    database = url.split("/")[3].split("?")[0]
    with running_hub(folder, path, PASSWORDS, {GROUP: ["tina"]}) as hub:
        yield Setup(hub, path, room.video.id, database)


def test_on_postgresql_a_correction_is_pseudonymous_and_a_hub_group_tutor_hides_it(
    browser: Browser, setup: Setup, postgres: Postgres
) -> None:
    resource = f"{setup.hub.service}?resource={setup.video}"
    ana = signed_in(browser, setup.hub, "ana")
    open_dashboard(ana, resource)
    ana.get_by_role("button", name="Suggest a correction").click()
    ana.get_by_label("Where is it?").fill("03:40")
    ana.get_by_label("What does it say?").fill(CLAIM)
    ana.get_by_label("What is correct?").fill("INR is checked at least every 12 weeks.")
    ana.get_by_label("Evidence", exact=True).fill("NICE CKS anticoagulation, 2023")
    ana.get_by_label("Major: would mislead").check()
    ana.get_by_role("button", name="Submit correction").click()
    expect(ana.locator(".appraise-notice .appraise-success")).to_contain_text("submitted")
    shard = postgres.psql(
        f"SELECT shard FROM documents WHERE kind = 'corrections' AND doc->>'claim' = '{CLAIM}'",
        database=setup.database,
    )
    assert shard == "ana"  # in PostgreSQL, in her shard

    ben = signed_in(browser, setup.hub, "ben")
    open_dashboard(ben, resource)
    card = ben.locator(".appraise-correction", has_text=CLAIM)
    pseudonym = Workbook.open(setup.path).pseudonym("ana")
    assert re.fullmatch(r"Reviewer \d+", pseudonym)
    expect(card).to_contain_text(pseudonym)
    assert not re.search(r"\bana\b", ben.inner_text("body"), re.IGNORECASE)

    tutor = signed_in(browser, setup.hub, "tina")
    open_dashboard(tutor, f"{setup.hub.service}tutor")
    expect(tutor.locator(".appraise-user")).to_contain_text("Signed in as tina (a tutor")
    tutor.get_by_role("button", name=re.compile(r"^Corrections")).click()
    queued = tutor.locator(".appraise-card", has_text=CLAIM)
    queued.get_by_label("Reason or note").fill("Unsafe: INR monitoring continues")
    queued.get_by_role("button", name="Hide").click()
    expect(tutor.locator(".appraise-queue-status")).to_contain_text("Hidden")

    ben.reload()
    ben.wait_for_selector(".appraise-resource-page")
    expect(ben.locator(".appraise-resource-page")).not_to_contain_text(CLAIM)

    wb = Workbook.open(setup.path)  # another process's view: tina is a tutor here too
    assert wb.is_tutor("tina") and wb.pseudonyms()["tina"] == "Tutor tina"
    log = [(e.action, e.actor, e.via) for e in wb.audit_log() if e.actor == "tina"]
    assert ("hub-tutor", "tina", "hub") in log and ("hide", "tina", "hub") in log
    assert "password" not in (setup.path / "workbook.yaml").read_text()
    for page in (ana, ben, tutor):
        page.context.close()
