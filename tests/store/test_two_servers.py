"""Two `appraise serve` processes (standing for two machines) on one PostgreSQL database.

Each server has its own copy of the workbook directory, as two machines would: only the
database is shared. A learner posts a correction through the learner dashboard of one; the
tutor dashboard of the other shows it once loaded; the tutor hides a comment there, and the
learner's page on the first server, reloaded, no longer shows it; a review written on the
first machine reaches the second server's catalogue (its summariser watches the database's
data version, since none of its files changed). Real servers, real Chromium, real PostgreSQL.
"""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.support.classroom import make_classroom
from tests.support.serving import served

pytestmark = pytest.mark.browser
TIMEOUT_MS = 60_000
PASSPHRASE = "mitral valve rounds at nine"
RUDE = "Whoever reviewed this 2 stars is clueless."
CLAIM = "Amiodarone is first-line rate control for everyone."


def new_page(browser: Browser) -> Page:
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    return context.new_page()


def test_a_correction_and_a_hide_travel_between_two_servers(
    browser: Browser, postgres_url: str, tmp_path: Path
) -> None:
    machine_a, machine_b = tmp_path / "a" / "wb", tmp_path / "b" / "wb"
    room = make_classroom(machine_a, database=postgres_url)
    room.wb.set_tutor_passphrase(PASSPHRASE, actor="dr-lee")
    room.wb.add_comment(room.video.id, "cat", RUDE)
    shutil.copytree(machine_a, machine_b)  # workbook.yaml and rubrics; records are in the DB

    with served(machine_a) as learner_server, served(machine_b, dashboard="tutor") as tutor_server:
        learner = new_page(browser)
        learner.goto(f"{learner_server.url}?resource={room.video.id}")
        learner.wait_for_selector(".appraise-sign-in")
        learner.get_by_label("Your name").fill("ana")
        learner.get_by_label("Join code").fill(room.wb.config.join_code)
        learner.get_by_role("button", name="Sign in").click()
        learner.wait_for_selector(".appraise-resource-page .appraise-corrections")
        expect(learner.locator(".appraise-comments")).to_contain_text(RUDE)

        learner.get_by_role("button", name="Suggest a correction").click()
        learner.get_by_label("Where is it?").fill("03:30")
        learner.get_by_label("What does it say?").fill(CLAIM)
        learner.get_by_label("What is correct?").fill("Beta-blocker or rate-limiting CCB first.")
        learner.get_by_label("Evidence", exact=True).fill("NICE NG196 section 1.7")
        learner.get_by_label("Major: would mislead").check()
        learner.get_by_role("button", name="Submit correction").click()
        expect(learner.locator(".appraise-notice .appraise-success")).to_be_visible()

        # The other machine's tutor dashboard, loaded now, has the new correction queued.
        tutor = new_page(browser)
        tutor.goto(tutor_server.url)
        tutor.wait_for_selector(".appraise-sign-in-form")
        tutor.get_by_label("Your name").fill("dr-lee")
        tutor.get_by_label("Tutor passphrase").fill(PASSPHRASE)
        tutor.get_by_role("button", name="Sign in").click()
        tutor.wait_for_selector(".appraise-moderation .appraise-card")
        expect(tutor.locator(".appraise-card", has_text=CLAIM)).to_be_visible()

        tutor.get_by_role("button", name=re.compile(r"^Comments")).click()  # the queue's group
        card = tutor.locator(".appraise-card", has_text=RUDE)
        card.get_by_label("Reason or note").fill("Unprofessional about a classmate")
        card.get_by_role("button", name="Hide").click()
        expect(tutor.locator(".appraise-queue-status")).to_contain_text("Hidden")

        # Back on the first machine: the hide applies after a reload.
        learner.reload()
        learner.wait_for_selector(".appraise-resource-page .appraise-corrections")
        expect(learner.locator(".appraise-corrections")).to_contain_text(CLAIM)
        expect(learner.locator(".appraise-resource-page")).not_to_contain_text(RUDE)

        # The second machine's learner catalogue counts a review written on the first.
        other = new_page(browser)
        other.goto(tutor_server.base)
        other.wait_for_selector(".appraise-sign-in")
        other.get_by_label("Your name").fill("ben")
        other.get_by_label("Join code").fill(room.wb.config.join_code)
        other.get_by_role("button", name="Sign in").click()
        count = lambda n: (  # noqa: E731  (the count itself, not "needs 3 reviews")
            other.locator(".appraise-resource")
            .filter(has_text=room.video.title)
            .get_by_text(f"{n} reviews", exact=True)
        )
        expect(count(2)).to_be_visible()
        room.wb.submit_review(room.video.id, "cat", {"overall": 5})  # on machine A
        deadline = time.monotonic() + TIMEOUT_MS / 1000
        while True:  # a page load waits 5 s for the rebuild; a loaded machine may need more
            other.reload()
            expect(other.locator(".appraise-resource").first).to_be_visible()
            if count(3).count() or time.monotonic() > deadline:
                break
        expect(count(3)).to_be_visible()
        other.context.close()
        tutor.context.close()
        learner.context.close()
