"""A rostered learner in real headless Chromium against a real `appraise serve`: they sign in
with their personal code (no name, no join code), are remembered after a reload, and a wrong
code or a classmate's name gets them nowhere."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from reviews import Workbook
from reviews.classroom.roles import Administrator
from tests.support.serving import Server, served

pytestmark = pytest.mark.browser
TIMEOUT_MS = 60_000


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    path: Path = tmp_path_factory.mktemp("roster") / "wb"
    wb = Workbook.create(path, title="Cardiology block", tutors=["dr-lee"])
    wb.add_resource("https://example.org/af", title="AF basics", added_by="dr-lee")
    issued = wb.roster_import("name\nDana Scully\nFox Mulder\n", actor=Administrator("cli:t"))
    with served(path) as running:
        running.codes = {i.learner.name: i.code for i in issued}  # type: ignore[attr-defined]
        yield running


def test_a_rostered_learner_signs_in_with_their_code_and_is_remembered(
    browser: Browser, server: Server
) -> None:
    codes: dict[str, str] = server.codes  # type: ignore[attr-defined]
    context = browser.new_context(viewport={"width": 390, "height": 844})
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = context.new_page()
        page.goto(server.url)
        form = page.locator(".appraise-sign-in-form")
        expect(form).to_contain_text("personal code")
        expect(page.get_by_label("Join code")).to_have_count(0)
        page.get_by_label("Personal code").fill("AAAAA-AAAAA")
        page.get_by_role("button", name="Sign in").click()
        expect(form).to_contain_text("That personal code is not right")

        # The tutors' name field takes no learner's name, whatever else is typed.
        page.get_by_role("button", name="I am a tutor").click()
        page.get_by_label("Your name").fill("Fox Mulder")
        page.get_by_role("button", name="Sign in").click()
        expect(form).to_contain_text("Only the workbook's tutors sign in with a name")
        page.get_by_role("button", name="I am a learner").click()

        page.get_by_label("Personal code").fill(codes["Dana Scully"].lower())
        page.get_by_role("button", name="Sign in").click()
        expect(page.locator(".appraise-catalogue")).to_be_visible()
        expect(page.locator(".appraise-user")).to_contain_text("Signed in as Dana Scully")

        page.reload()
        page.wait_for_selector(".appraise-sign-in, .appraise-catalogue")
        expect(page.locator(".appraise-catalogue")).to_be_visible()
        expect(page.locator(".appraise-user")).to_contain_text("Signed in as Dana Scully")
        (cookie,) = [c for c in context.cookies() if c["name"].startswith("appraise-")]
        assert cookie["sameSite"] == "Strict" and cookie["value"].startswith("v2.")
        assert codes["Dana Scully"].replace("-", "") not in cookie["value"]
    finally:
        context.close()
