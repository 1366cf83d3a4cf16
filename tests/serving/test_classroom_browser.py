"""A classroom's server in real Chromium: every dashboard from one `appraise serve`, closed
tabs give their kernels back, a crowded resource opens and pages, a review reaches the next
page load of a classmate, and the flood limit's message."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import Browser, Page, expect

from reviews.classroom.flood import LIMITS
from tests.support.classroom import Classroom, make_classroom
from tests.support.crowd import crowd
from tests.support.serving import Server, served

pytestmark = pytest.mark.browser
TIMEOUT_MS = 60_000
POOL = 2
CROWDED = 1_000


@dataclass
class Room:
    room: Classroom
    server: Server


@pytest.fixture(scope="module")
def room(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Room]:
    classroom = make_classroom(tmp_path_factory.mktemp("classroom") / "wb")
    crowd(classroom.wb, classroom.blog.id, CROWDED)
    with served(classroom.wb.path, expect=POOL) as server:
        yield Room(classroom, server)


def page_of(browser: Browser, width: int = 390, height: int = 844) -> Page:
    context = browser.new_context(viewport={"width": width, "height": height})
    context.set_default_timeout(TIMEOUT_MS)
    return context.new_page()


def sign_in(page: Page, room: Room, name: str, query: str = "") -> None:
    page.goto(room.server.url + query)
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Join code").fill(room.room.wb.config.join_code)
    page.get_by_label("Remember me on this device").uncheck()
    page.get_by_role("button", name="Sign in").click()


def wait_for_kernels(server: Server, wanted: int, timeout: float) -> int:
    deadline = time.monotonic() + timeout
    while (found := len(server.kernels())) != wanted and time.monotonic() < deadline:
        time.sleep(0.5)  # polling the process table, with a deadline
    return found


def test_one_server_serves_every_dashboard(browser: Browser, room: Room) -> None:
    page = page_of(browser)
    printed = "".join(room.server.log)
    for path in ("", "tutor", "summaries"):
        assert f"{room.server.base}{path}\n" in printed  # the start-up message lists all three
    page.goto(room.server.base)
    page.wait_for_selector(".appraise-app .appraise-sign-in-form")
    page.goto(room.server.base + "tutor")
    page.wait_for_selector(".appraise-tutor-app")
    expect(page.get_by_label("Tutor passphrase")).to_be_visible()
    page.goto(room.server.base + "summaries")
    page.wait_for_selector(".appraise-summaries-app")
    expect(page.locator(".appraise-summaries-app .appraise-sign-in-form")).to_be_visible()
    assert page.goto(room.server.base + "voila/tree").status == 404  # no directory listing
    page.context.close()


def test_closing_five_tabs_gives_their_kernels_back_within_a_minute(
    browser: Browser, room: Room
) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    context.set_default_timeout(TIMEOUT_MS)
    start = wait_for_kernels(room.server, POOL, 120)
    tabs = []
    for _ in range(5):
        tab = context.new_page()
        tab.goto(room.server.url)
        tab.wait_for_selector(".appraise-sign-in-form")
        tabs.append(tab)
    assert wait_for_kernels(room.server, POOL + 5, 120) == POOL + 5  # five in use, pool refilled
    for tab in tabs:
        tab.close(run_before_unload=True)
    assert wait_for_kernels(room.server, start, 60) == start
    context.close()
    assert not any("403 POST /voila/api/shutdown" in line for line in room.server.log)


def test_a_resource_with_a_thousand_corrections_and_comments_opens_and_pages(
    browser: Browser, room: Room
) -> None:
    page = page_of(browser)
    sign_in(page, room, "dora", f"?resource={room.room.blog.id}")
    corrections = page.locator(".appraise-corrections .appraise-correction")
    page.wait_for_selector(".appraise-corrections h3")
    expect(page.locator(".appraise-corrections h3")).to_have_text(f"Corrections ({CROWDED + 0})")
    expect(corrections).to_have_count(20)
    page.get_by_role("button", name="Show 20 more corrections (980 not shown)").click()
    expect(corrections).to_have_count(40)
    expect(page.locator(".appraise-comment")).to_have_count(20)
    page.get_by_role("button", name="Show 20 more earlier threads (980 not shown)").click()
    expect(page.locator(".appraise-comment")).to_have_count(40)
    page.context.close()


def test_a_review_reaches_the_next_page_load_of_a_classmate(browser: Browser, room: Room) -> None:
    wiki = room.room.wiki
    ana, ben = page_of(browser), page_of(browser)
    sign_in(ben, room, "ben")
    ben.wait_for_selector(".appraise-catalogue")
    sign_in(ana, room, "ana", f"?resource={wiki.id}")
    ana.wait_for_selector(".appraise-resource-page")
    ana.get_by_role("button", name="Review this resource").click()
    ana.get_by_label("5 – Excellent").check()
    ana.get_by_role("button", name="Submit review").click()
    expect(ana.locator(".appraise-notice .appraise-success")).to_contain_text("Saved")
    sign_in(ben, room, "ben", f"?resource={wiki.id}")  # the next page load
    ben.wait_for_selector(".appraise-summary")
    expect(ben.locator(".appraise-summary")).to_contain_text("Based on 1 review")
    ana.context.close()
    ben.context.close()


def test_posting_faster_than_the_flood_limit_says_so_and_keeps_every_comment(
    browser: Browser, room: Room
) -> None:
    page = page_of(browser)
    sign_in(page, room, "eve", f"?resource={room.room.video.id}")
    page.wait_for_selector(".appraise-discussion")
    limit = LIMITS["comments"].per_resource
    box = page.get_by_label("Add to the discussion")
    for i in range(limit):
        box.fill(f"Quick thought {i}")
        page.get_by_role("button", name="Post", exact=True).click()
        expect(
            page.locator(".appraise-comment").filter(has_text=f"Quick thought {i}")
        ).to_be_visible()
    box.fill("One thought too many")
    page.get_by_role("button", name="Post", exact=True).click()
    expect(page.locator(".appraise-discussion .appraise-status")).to_contain_text(
        "in the last minute, the most allowed; please wait"
    )
    expect(page.locator(".appraise-comment").filter(has_text="Quick thought")).to_have_count(limit)
    page.context.close()
