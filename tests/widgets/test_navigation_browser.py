"""Addresses, blind until rated, and reasons, in a real Chromium against a real `appraise serve`.

A new learner searches with a typo, opens a resource whose class view is hidden until she
reviews it, goes Back to her search and Forward again, then chooses to see it without
reviewing. A classmate opens a copied link, signs in, lands on that resource and reads why a
tutor hid his comment. Both at a desktop's and a phone's viewport.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.support.classroom import make_classroom
from tests.support.serving import Server, served

pytestmark = pytest.mark.browser
VIEWPORTS = {"desktop": (1280, 800), "phone": (390, 844)}
TIMEOUT_MS = 60_000
REASON = "It names a patient <b>on the ward</b>; please rephrase."
VOTE = "Rate control <i>first</i> is the NICE advice."


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    path: Path = tmp_path_factory.mktemp("navigation") / "wb"
    room = make_classroom(path, blind_until_reviewed=True)
    wb = room.wb
    comment = wb.add_comment(room.video.id, author="ben", text="The man in bed 4 had this.")
    wb.hide(comment.id, actor="dr-lee", reason=REASON)
    wb.vote(wb.corrections(resource_id=room.video.id)[0].id, voter="ana", agree=True, reason=VOTE)
    with served(path) as running:
        running.join_code = wb.config.join_code  # type: ignore[attr-defined]
        running.video_id = room.video.id  # type: ignore[attr-defined]
        running.ana = wb.pseudonyms()["ana"]  # type: ignore[attr-defined]
        yield running


def new_page(browser: Browser, viewport: str) -> Page:
    width, height = VIEWPORTS[viewport]
    context = browser.new_context(viewport={"width": width, "height": height})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.on("dialog", lambda d: pytest.fail(f"a dialog opened: {d.message}"))
    return page


def sign_in(page: Page, server: Server, name: str) -> None:
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Join code").fill(server.join_code)  # type: ignore[attr-defined]
    page.get_by_label("Remember me on this device").uncheck()
    page.get_by_role("button", name="Sign in").click()


# Placeholders of one-line inputs wider than their box (a textarea wraps its own).
CUT_PLACEHOLDERS = """() => Array.from(
    document.querySelectorAll('.appraise-app input[placeholder]'))
  .filter(e => e.offsetParent !== null && e.placeholder)
  .filter(e => { const c = document.createElement('canvas').getContext('2d');
    const st = getComputedStyle(e); c.font = st.font;
    return c.measureText(e.placeholder).width >
      e.clientWidth - parseFloat(st.paddingLeft) - parseFloat(st.paddingRight); })
  .map(e => e.placeholder)"""


def fits(page: Page, viewport: str) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS[viewport][0]


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_back_forward_a_copied_link_blind_until_rated_and_reasons(
    browser: Browser, server: Server, viewport: str
) -> None:
    video = server.video_id  # type: ignore[attr-defined]
    page = new_page(browser, viewport)
    page.goto(server.url)
    sign_in(page, server, f"Dee {viewport}")
    search = page.get_by_label("Search")
    search.fill("atrial fibrilation")  # a typo, and the title only says "AF"
    search.press("Enter")
    expect(page).to_have_url(re.compile(r"\?q=atrial\+fibrilation$"))
    row = page.locator(".appraise-resource").filter(has_text="AF in 10 minutes")
    expect(row).to_contain_text("2 reviews")
    expect(row).to_contain_text("Score hidden until you submit your review")
    page.get_by_role("button", name="More filters").click()
    expect(page.get_by_label("Verdict")).to_be_visible()
    assert row.bounding_box()["y"] < VIEWPORTS[viewport][1] - 80  # type: ignore[index]
    page.get_by_role("button", name="More filters").click()

    # A resource has its own address; its class view waits for my review.
    row.get_by_role("button", name="AF in 10 minutes").click()
    expect(page).to_have_url(re.compile(rf"\?resource={video}$"))
    expect(page.locator(".appraise-summary")).to_contain_text("Submit your own review to see")
    expect(page.locator(".appraise-corrections")).to_contain_text("Hidden until you submit")
    expect(page.locator(".appraise-reviews")).not_to_contain_text("Old guidance")
    fits(page, viewport)

    # Back returns to the search as it was; Forward to the resource.
    page.go_back()
    expect(page.locator(".appraise-catalogue")).to_be_visible()
    expect(page.get_by_label("Search")).to_have_value("atrial fibrilation")
    expect(page).to_have_url(re.compile(r"\?q=atrial\+fibrilation$"))
    page.go_forward()
    expect(page.locator(".appraise-resource-header h2")).to_have_text("AF in 10 minutes")

    # Show me without reviewing: the class view, vote reasons by pseudonym, a hidden comment.
    page.get_by_role("button", name="Show me without reviewing").click()
    expect(page.locator(".appraise-summary")).to_contain_text("Based on 2 reviews")
    ana = server.ana  # type: ignore[attr-defined]
    reasons = page.locator(".appraise-corrections .appraise-vote-reasons")
    expect(reasons).to_have_text(f"{ana} endorsed: “{VOTE}”")
    discussion = page.locator(".appraise-discussion")
    expect(discussion).to_contain_text("A comment was hidden by a tutor.")
    expect(discussion).not_to_contain_text("bed 4")
    expect(discussion).not_to_contain_text("names a patient")
    fits(page, viewport)
    assert page.evaluate(CUT_PLACEHOLDERS) == []

    # The add form has its address too, and Back leaves it for the resource, not the app.
    page.get_by_role("button", name="‹ All resources").click()
    page.get_by_role("button", name="+ Add a resource").click()
    expect(page).to_have_url(re.compile(r"\?screen=add$"))
    expect(page.get_by_label("Link", exact=True)).to_be_visible()
    assert page.evaluate(CUT_PLACEHOLDERS) == []
    page.go_back()
    expect(page.locator(".appraise-catalogue")).to_be_visible()
    page.go_back()
    expect(page.locator(".appraise-resource-header h2")).to_have_text("AF in 10 minutes")

    # A copied link opens the same screen after sign-in; the author reads the tutor's reason.
    other = new_page(browser, viewport)
    other.goto(page.url)
    sign_in(other, server, "ben")
    expect(other.locator(".appraise-resource-header h2")).to_have_text("AF in 10 minutes")
    note = other.locator(".appraise-hidden-own")
    expect(note).to_have_text(f"Your comment was hidden by a tutor: {REASON}")
    assert other.locator(".appraise-app b").filter(has_text="on the ward").count() == 0
    assert other.locator(".appraise-app i").filter(has_text="first").count() == 0
    fits(other, viewport)
    other.context.close()
    page.context.close()
