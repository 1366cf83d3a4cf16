"""A huge paste into a text field gets the usual "too long" message in a real Chromium.

Without a limit in the page, a 12 MB comment is one widget message larger than the Jupyter
server's websocket limit (tornado's ``websocket_max_message_size``, 10 MiB by default): the
server drops the connection, the kernel never sees the text, and the learner gets no message.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect

from reviews import Workbook
from reviews.domain.model import LIMITS
from tests.support.serving import Server, served
from tests.widgets.test_learner_browser import Learner

pytestmark = pytest.mark.browser
TITLE = "Heart sounds explained"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    path = tmp_path_factory.mktemp("served") / "wb"
    wb = Workbook.create(path, title="Cardiology block", tutors=["tutor"])
    wb.add_resource("https://example.org/heart-sounds", title=TITLE, added_by="tutor")
    with served(path) as running:
        running.join_code = wb.config.join_code  # type: ignore[attr-defined]
        yield running


@pytest.mark.parametrize("megabytes", [1, 12])
def test_a_huge_comment_gets_the_too_long_message(
    browser: Browser, server: Server, megabytes: int
) -> None:
    learner = Learner(browser, server, "desktop")
    learner.open()
    learner.sign_in("Ada")
    learner.find(TITLE)
    page = learner.page
    box = page.locator(".appraise-comment-text textarea")
    box.click()
    page.keyboard.insert_text("a" * (megabytes * 1_000_000))  # as a paste would
    page.get_by_role("button", name="Post").click()
    limit = f"the limit is {LIMITS['comment']:,}"
    expect(page.locator(".appraise-discussion")).to_contain_text(limit, timeout=30_000)
    expect(page.locator(".appraise-discussion")).to_contain_text("Please shorten it")
    learner.close()
