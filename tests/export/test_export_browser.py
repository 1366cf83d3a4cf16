"""The HTML report in a real headless Chromium: it renders from the file alone (no request
leaves the page), its figures load, hostile learner text runs nothing, and it prints to PDF.
The screenshot in docs/screenshots/tutor-report.png is taken here
(under `make screenshots` only)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser

from reviews.export import export_to
from reviews.io.demo import create_demo
from tests.support.screenshots import screenshot

pytestmark = pytest.mark.browser
HOSTILE = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("report")
    wb = create_demo(root / "wb")
    hostile = wb.add_resource("https://example.org/xss", title=HOSTILE, added_by="learner-66")
    wb.submit_review(hostile.id, "learner-66", {"overall": 1}, comment=HOSTILE)
    fix = wb.add_correction(hostile.id, "learner-67", claim=HOSTILE, correction="Rate first",
                            evidence="https://doi.org/10.1161/CIR.0000000000001193",
                            locator="03:15", severity="patient-safety")  # fmt: skip
    tutor = wb.config.tutors[0]
    wb.verify_correction(fix.id, actor=tutor, note="Checked against the 2023 guideline")
    return export_to(wb, "html", root / "report.html")


def test_the_report_renders_from_the_file_alone(browser: Browser, report: Path) -> None:
    page = browser.new_page(viewport={"width": 1100, "height": 1400})
    requests: list[str] = []
    dialogs: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(report.as_uri())
    page.wait_for_load_state("load")
    fetched = [u for u in requests if not u.startswith(("file:", "data:"))]
    assert fetched == []
    assert dialogs == []
    widths = page.eval_on_selector_all("figure img", "imgs => imgs.map(i => i.naturalWidth)")
    assert len(widths) == 3 and all(w > 100 for w in widths)
    assert page.locator("img:not(figure img)").count() == 0  # the hostile <img> is text
    assert page.get_by_text(HOSTILE).first.is_visible()
    assert page.locator("#corrections").get_by_text("Rate first").is_visible()
    screenshot(page, "tutor-report")
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
    page.close()
