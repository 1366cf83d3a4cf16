"""The tutor dashboard (``/tutor``) in a real headless Chromium, beside the learner dashboard
(``/``) of the same `appraise serve`.

A tutor (standalone: name and tutor passphrase) hides a learner's comment and verifies a
correction; the learner's page, reloaded, no longer shows the comment and shows the correction
as verified; the audit log lists both. The queue pages by 20, collapses long texts and keeps
the tutor's place after an action, on a desktop and on a phone. A tutor assigns reviews and a
learner sees them atop the catalogue. A learner at the tutor dashboard is refused. The
screenshots in docs/screenshots/tutor-*.png are taken here (under `make screenshots` only).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.support.classroom import Classroom, make_classroom
from tests.support.screenshots import screenshot
from tests.support.serving import Server, served

pytestmark = pytest.mark.browser
TIMEOUT_MS = 60_000
PASSPHRASE = "mitral valve rounds at nine"
RUDE = "Whoever reviewed this 2 stars is clueless."
LONG = "Has anyone checked the dose tables against the BNF? " * 60  # about 3,000 characters
CHATTER = 30  # comments in the queue before the rude one: two pages of comments


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
    for i in range(CHATTER):
        text = LONG if i % 10 == 0 else f"Comment {i:02d}: which guideline year is this from?"
        room.wb.add_comment(room.blog.id, f"learner-{i:02d}", text)
    room.wb.add_comment(room.video.id, "cat", RUDE)  # the newest comment: first in its group
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
    screenshot(tutor, "tutor-queue-desktop", full_page=True)
    tutor.get_by_role("button", name=re.compile(r"^Comments")).click()
    card = tutor.locator(".appraise-card", has_text=RUDE)
    card.get_by_label("Reason or note").fill("Unprofessional about a classmate")
    card.get_by_role("button", name="Hide").click()
    expect(tutor.locator(".appraise-queue-status")).to_contain_text("Hidden")
    expect(tutor.locator(".appraise-queue")).not_to_contain_text(RUDE)
    tutor.get_by_role("button", name=re.compile(r"^Corrections")).click()
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
    screenshot(tutor, "tutor-audit-desktop", full_page=True)

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
        screenshot(tutor, shot, full_page=True)
    tutor.get_by_role("button", name="Export").click()
    tutor.get_by_role("button", name="Prepare download").click()
    link = tutor.locator("a.appraise-download")
    expect(link).to_have_attribute("download", re.compile(r"^cardiology-block-summary-.*\.csv$"))
    with tutor.expect_download() as download:
        link.click()
    assert download.value.suggested_filename.endswith(".csv")
    screenshot(tutor, "tutor-export-desktop", full_page=True)
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
    screenshot(page, "tutor-queue-phone", full_page=True)
    for tab, ready in [
        ("Participation", ".appraise-participation-table table"),
        ("Summaries", ".appraise-ranking table"),
    ]:
        page.get_by_role("button", name=tab).click()
        page.wait_for_selector(ready)
        fits(page, 390)  # wide tables scroll inside their box, not the page
    screenshot(page, "tutor-summaries-phone", full_page=True)
    page.context.close()


@pytest.mark.parametrize("viewport", [(1366, 900), (390, 844)], ids=["desktop", "phone"])
def test_the_queue_pages_collapses_long_texts_and_keeps_the_place_after_an_action(
    browser: Browser, servers: Servers, viewport: tuple[int, int]
) -> None:
    width, height = viewport
    page = new_page(browser, width, height)
    tutor_sign_in(page, servers.tutor.url, "dr-lee", PASSPHRASE)
    page.get_by_role("button", name=re.compile(r"^Comments")).click()
    cards = page.locator(".appraise-queue .appraise-card")
    expect(cards).to_have_count(20)
    expect(page.locator(".appraise-moderation .appraise-page")).to_have_text(
        re.compile(r"^1–20 of \d+$")
    )
    left = page.locator(".appraise-queue-left")
    before = left.inner_text()
    long = cards.filter(has_text="dose tables").first
    assert len(long.locator(".appraise-quote").inner_text()) < 400  # cut, not 3,000 characters
    long.get_by_role("button", name="Show all").click()
    expect(long.locator(".appraise-quote")).to_contain_text(LONG.strip()[-200:])
    fits(page, width)

    # act on the sixth card: the page does not move, the card leaves a note, the count drops
    target = cards.nth(5)
    target.scroll_into_view_if_needed()
    text = target.locator(".appraise-quote").inner_text()
    scrolled = page.evaluate("window.scrollY")
    target.get_by_label("Reason or note").fill("Off topic for the block")
    target.get_by_role("button", name="Hide").click()
    expect(target).to_contain_text("Hidden: Comment")
    expect(left).not_to_have_text(before)
    assert abs(page.evaluate("window.scrollY") - scrolled) < 80
    expect(cards).to_have_count(20)
    expect(page.locator(".appraise-queue")).not_to_contain_text(text)
    page.get_by_role("button", name="Next page ›").click()
    expect(page.locator(".appraise-moderation .appraise-page")).to_have_text(
        re.compile(r"^20–\d+ of \d+$")
    )
    fits(page, width)
    page.context.close()


def test_a_tutor_assigns_reviews_and_the_learner_sees_them_in_the_catalogue(
    browser: Browser, servers: Servers
) -> None:
    tutor = new_page(browser, 1366, 900)
    tutor_sign_in(tutor, servers.tutor.url, "dr-lee", PASSPHRASE)
    tutor.get_by_role("button", name="Assignments").click()
    tutor.get_by_label("Resources per learner").fill("2")
    tutor.get_by_role("button", name="Assign", exact=True).click()
    expect(tutor.locator(".appraise-assign-status")).to_contain_text("Assigned")
    expect(tutor.locator(".appraise-assignment-table")).to_contain_text("0 of 2")
    screenshot(tutor, "tutor-assignments-desktop", full_page=True)
    tutor.context.close()

    wb = servers.room.wb
    mine = wb.assignment_progress("ana")
    assert len(mine) == 2
    learner = new_page(browser, 390, 844)
    learner.goto(servers.learner.url)
    learner.wait_for_selector(".appraise-sign-in, .appraise-catalogue")
    if learner.locator(".appraise-sign-in").count():
        learner.get_by_label("Your name").fill("ana")
        learner.get_by_label("Join code").fill(wb.config.join_code)
        learner.get_by_role("button", name="Sign in").click()
    box = learner.locator(".appraise-assignments")
    expect(box).to_contain_text("Your assignments (0 of 2 done)")
    fits(learner, 390)
    wb.submit_review(mine[0][0].resource_id, "ana", {"overall": 4})
    learner.reload()
    if learner.locator(".appraise-sign-in").count():  # not remembered on this device
        learner.get_by_label("Your name").fill("ana")
        learner.get_by_label("Join code").fill(wb.config.join_code)
        learner.get_by_role("button", name="Sign in").click()
    expect(box).to_contain_text("Your assignments (1 of 2 done)")
    screenshot(learner, "assignments-phone")
    box.locator(".appraise-assignment-open").first.click()
    expect(learner.locator(".appraise-resource-page")).to_be_visible()
    learner.context.close()
