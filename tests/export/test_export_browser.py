"""The HTML report in a real headless Chromium: it renders from the file alone (no request
leaves the page), its figures load, hostile learner text runs nothing, and it prints to PDF;
with real names it prints on A4 portrait with every table inside the page and readable headers.
The screenshot in docs/screenshots/tutor-report.png is taken here
(under `make screenshots` only)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from reviews import Workbook
from reviews.export import export_to
from reviews.io.demo import create_demo
from tests.support.screenshots import screenshot

pytestmark = pytest.mark.browser
HOSTILE = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Workbook:
    root = tmp_path_factory.mktemp("report")
    wb = create_demo(root / "wb")
    hostile = wb.add_resource("https://example.org/xss", title=HOSTILE, added_by="learner-66")
    wb.submit_review(hostile.id, "learner-66", {"overall": 1}, comment=HOSTILE)
    fix = wb.add_correction(hostile.id, "learner-67", claim=HOSTILE, correction="Rate first",
                            evidence="https://doi.org/10.1161/CIR.0000000000001193",
                            locator="03:15", severity="patient-safety")  # fmt: skip
    tutor = wb.config.tutors[0]
    wb.verify_correction(fix.id, actor=tutor, note="Checked against the 2023 guideline")
    wb.assign(3, actor=tutor, seed=1)
    return wb


@pytest.fixture(scope="module")
def report(demo: Workbook) -> Path:
    return export_to(demo, "html", demo.path.parent / "report.html")


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


# The printable width of A4 portrait with the report's 12 mm side margins: 186 mm at 96 CSS
# px per inch. Laid out at that width under print media, nothing may stick out.
PRINTABLE_PX = round(186 / 25.4 * 96)


def test_the_report_with_names_prints_on_a4_portrait_and_its_tables_fit(
    browser: Browser, demo: Workbook
) -> None:
    tutor = demo.config.tutors[0]
    path = export_to(demo, "html", demo.path.parent / "named.html", include_identities=True,
                     actor=tutor)  # fmt: skip
    page = browser.new_page(viewport={"width": PRINTABLE_PX, "height": 1000})
    page.goto(path.as_uri())
    page.emulate_media(media="print")
    page.wait_for_load_state("load")
    headers = page.locator("#participation th").all_inner_texts()
    assert "Assignments done" in headers and "Name" in headers
    assert not [h for h in page.locator("th").all_inner_texts() if "_" in h]  # no snake_case
    widest = page.eval_on_selector_all("table", "ts => Math.max(...ts.map(t => t.scrollWidth))")
    assert widest <= PRINTABLE_PX
    assert page.evaluate("document.documentElement.scrollWidth") <= PRINTABLE_PX
    screenshot(page.locator("#participation"), "tutor-report-print")
    pdf = page.pdf(prefer_css_page_size=True)
    assert pdf.startswith(b"%PDF")
    boxes = re.findall(rb"/MediaBox \[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert boxes and all(round(float(w)) == 595 and round(float(h)) == 842 for w, h in boxes)
    page.close()
