"""The tutor dashboard (``/tutor``) in a real headless Chromium, beside the learner dashboard
(``/``) of the same `appraise serve`.

A tutor (standalone: name and tutor passphrase) hides a learner's comment and verifies a
correction; the learner's page, reloaded, no longer shows the comment and shows the correction
as verified; the audit log lists both. A learner at the tutor dashboard is refused. The
screenshots in docs/screenshots/tutor-*.png are taken here, for docs/tutor-guide.md.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.conftest import ROOT
from tests.support.classroom import Classroom, make_classroom
from tests.support.serving import Server, served

pytestmark = pytest.mark.browser
SHOTS = ROOT / "docs" / "screenshots"
TIMEOUT_MS = 60_000
PASSPHRASE = "mitral valve rounds at nine"
RUDE = "Whoever reviewed this 2 stars is clueless."


@dataclass
class Servers:
    room: Classroom
    tutor: Server
    learner: Server


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    path: Path = tmp_path_factory.mktemp("tutor") / "wb"
    room = make_classroom(path)
    room.wb.set_tutor_passphrase(PASSPHRASE, actor="dr-lee")
    room.wb.add_comment(room.video.id, "cat", RUDE)
    room.wb.vote(room.wb.corrections()[0].id, "ana", agree=True)
    room.wb.submit_review(room.blog.id, "ana", {"overall": 3})  # for calibration
    with served(path, dashboard="tutor") as tutor:
        yield Servers(room, tutor, dataclasses.replace(tutor, url=tutor.base))


def new_page(browser: Browser, width: int, height: int) -> Page:
    context = browser.new_context(viewport={"width": width, "height": height})
    context.set_default_timeout(TIMEOUT_MS)
    return context.new_page()


def tutor_sign_in(page: Page, url: str, name: str, passphrase: str) -> None:
    page.goto(url)
    page.wait_for_selector(".appraise-sign-in-form")
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Tutor passphrase").fill(passphrase)
    page.get_by_role("button", name="Sign in").click()


def learner_sees_video(page: Page, servers: Servers) -> None:
    page.goto(f"{servers.learner.url}?resource={servers.room.video.id}")
    page.wait_for_selector(".appraise-sign-in, .appraise-resource-page")
    if page.locator(".appraise-sign-in").count():
        page.get_by_label("Your name").fill("ana")
        page.get_by_label("Join code").fill(servers.room.wb.config.join_code)
        page.get_by_role("button", name="Sign in").click()
    page.wait_for_selector(".appraise-resource-page .appraise-corrections")


def fits(page: Page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_a_tutor_hides_a_comment_and_verifies_a_correction_the_learner_sees_it(
    browser: Browser, servers: Servers
) -> None:
    learner = new_page(browser, 390, 844)
    learner_sees_video(learner, servers)
    expect(learner.locator(".appraise-comments")).to_contain_text(RUDE)
    expect(learner.locator(".appraise-corrections")).not_to_contain_text("Verified by a tutor")

    tutor = new_page(browser, 1366, 900)
    tutor_sign_in(tutor, servers.tutor.url, "dr-lee", PASSPHRASE)
    tutor.wait_for_selector(".appraise-moderation .appraise-card")
    tutor.screenshot(path=str(SHOTS / "tutor-queue-desktop.png"), full_page=True)
    card = tutor.locator(".appraise-card", has_text=RUDE)
    card.get_by_label("Reason or note").fill("Unprofessional about a classmate")
    card.get_by_role("button", name="Hide").click()
    expect(tutor.locator(".appraise-queue-status")).to_contain_text("Hidden")
    expect(tutor.locator(".appraise-queue")).not_to_contain_text(RUDE)
    card = tutor.locator(".appraise-card", has_text="Digoxin first line")
    card.get_by_label("Reason or note").fill("Matches NICE NG196")
    card.get_by_role("button", name="Verify").click()
    expect(tutor.locator(".appraise-queue-status")).to_contain_text("Verified")
    expect(tutor.locator(".appraise-queue")).not_to_contain_text("Digoxin first line")

    tutor.get_by_role("button", name="Audit log").click()
    log = tutor.locator(".appraise-audit-table")
    expect(log).to_contain_text("hide")
    expect(log).to_contain_text("verify")
    expect(log).to_contain_text("Matches NICE NG196")
    tutor.screenshot(path=str(SHOTS / "tutor-audit-desktop.png"), full_page=True)

    learner.reload()
    learner.wait_for_selector(".appraise-resource-page .appraise-corrections")
    expect(learner.locator(".appraise-corrections")).to_contain_text("Verified by a tutor")
    expect(learner.locator(".appraise-resource-page")).not_to_contain_text(RUDE)

    tutor.get_by_role("button", name="Calibration").click()
    tutor.get_by_label("Note (optional)").fill("Week 1 calibration")
    tutor.get_by_role("button", name="Use my review as reference").click()
    expect(tutor.locator(".appraise-calibration-resources")).to_contain_text("LITFL")
    expect(tutor.locator(".appraise-calibration-learners")).to_contain_text("ana")
    for tab, shot, ready in [
        ("Participation", "tutor-participation-desktop", ".appraise-participation-table table"),
        ("Calibration", "tutor-calibration-desktop", ".appraise-calibration-learners table"),
        ("Summaries", "tutor-summaries-desktop", ".appraise-ranking table"),
    ]:
        tutor.get_by_role("button", name=tab).click()
        tutor.wait_for_selector(ready)
        tutor.screenshot(path=str(SHOTS / f"{shot}.png"), full_page=True)
    tutor.get_by_role("button", name="Export").click()
    tutor.get_by_role("button", name="Prepare download").click()
    link = tutor.locator("a.appraise-download")
    expect(link).to_have_attribute("download", re.compile(r"^cardiology-block-summary-.*\.csv$"))
    with tutor.expect_download() as download:
        link.click()
    assert download.value.suggested_filename.endswith(".csv")
    tutor.screenshot(path=str(SHOTS / "tutor-export-desktop.png"), full_page=True)
    tutor.context.close()
    learner.context.close()


def test_on_a_phone_the_queue_fits_and_a_learner_is_refused(
    browser: Browser, servers: Servers
) -> None:
    page = new_page(browser, 390, 844)
    tutor_sign_in(page, servers.tutor.url, "ana", PASSPHRASE)
    expect(page.locator(".appraise-sign-in-form")).to_contain_text("not one of them")
    expect(page.locator(".appraise-sections")).to_have_count(1)
    expect(page.locator(".appraise-nav")).to_have_count(0)
    page.get_by_label("Your name").fill("dr-lee")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_selector(".appraise-moderation")
    fits(page, 390)
    page.screenshot(path=str(SHOTS / "tutor-queue-phone.png"), full_page=True)
    for tab, ready in [
        ("Participation", ".appraise-participation-table table"),
        ("Summaries", ".appraise-ranking table"),
    ]:
        page.get_by_role("button", name=tab).click()
        page.wait_for_selector(ready)
        fits(page, 390)  # wide tables scroll inside their box, not the page
    page.screenshot(path=str(SHOTS / "tutor-summaries-phone.png"), full_page=True)
    page.context.close()
