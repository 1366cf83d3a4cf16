"""`appraise serve` in a real headless Chromium: the catalogue renders, hostile text stays text."""

from __future__ import annotations

import pytest

from reviews import Workbook
from reviews.demo import create_demo
from tests.conftest import ROOT
from tests.serving import Server, served

pytestmark = pytest.mark.browser
HOSTILE = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    path = tmp_path_factory.mktemp("served") / "wb"
    wb: Workbook = create_demo(path)
    res = wb.add_resource(url="https://example.org/xss", title=HOSTILE, added_by="learner-66")
    for who in ("learner-66", "learner-67"):
        wb.submit_review(res.id, reviewer=who, scores={"overall": 1}, comment="<script>x</script>")
    with served(path) as running:
        yield running


@pytest.mark.parametrize(("width", "height", "name"), [(1366, 768, "desktop"), (390, 844, "phone")])
def test_the_catalogue_renders_without_sideways_scrolling(
    browser, server: Server, width: int, height: int, name: str
) -> None:
    page = browser.new_page(viewport={"width": width, "height": height})
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(server.url)
    page.wait_for_selector(".appraise-resource", timeout=60_000)
    assert page.locator(".appraise-resource").count() == 60
    assert page.get_by_text("Cardiology block (demo)").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=str(ROOT / "docs" / "screenshots" / f"catalogue-{name}.png"))
    assert dialogs == []
    page.close()


def test_a_hostile_title_renders_as_text_and_nothing_runs(browser, server: Server) -> None:
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(server.url)
    page.wait_for_selector(".appraise-resource", timeout=60_000)
    assert page.get_by_text(HOSTILE, exact=True).count() == 1
    assert page.locator(".appraise-catalogue img").count() == 0
    assert dialogs == []
    page.close()


def test_serve_culls_the_kernels_of_closed_tabs(browser, server: Server) -> None:
    page = browser.new_page()
    page.goto(server.url)
    page.wait_for_selector(".appraise-resource", timeout=60_000)
    page.close()
    line = server.wait_for_log("Culling kernels")
    assert "idle durations > 900 seconds at 60 second intervals" in line
