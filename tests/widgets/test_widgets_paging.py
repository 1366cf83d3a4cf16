"""A resource with a thousand corrections and comments opens with twenty of each, and pages."""

from __future__ import annotations

from pathlib import Path

from reviews import Workbook
from widgets.listing import Listing
from widgets.resource_page import ResourcePage
from widgets.show_more import STEP


def crowded(path: Path, n: int) -> tuple[Workbook, str]:
    wb = Workbook.create(path, title="Cardio", blind_until_reviewed=False)  # lists shown
    wb.flood_limits = False  # a script writing a whole class's contributions at once
    res = wb.add_resource("https://litfl.com/af", title="AF", added_by="ana").id
    docs = []
    for i in range(n):
        docs.append(
            wb.add_correction(
                res, author=f"l{i % 50}", claim=f"claim {i}", correction="right",
                evidence="https://doi.org/1",
            )
        )  # fmt: skip
        wb.add_comment(res, author=f"l{i % 50}", text=f"comment {i}")
    for i in range(45):
        wb.submit_review(res, reviewer=f"r{i}", scores={"overall": 1 + i % 5})
    return wb, res


def test_a_crowded_resource_shows_twenty_of_each_and_shows_more_on_request(
    tmp_path: Path,
) -> None:
    wb, res = crowded(tmp_path / "wb", 60)
    page = ResourcePage(wb, Listing(wb, "ana"), "ana", lambda: None)
    page.show(res)
    corrections = page.corrections
    assert len(corrections.list.children) == STEP
    assert "Corrections (60)" in corrections.heading.value
    assert corrections.more.button.description == "Show 20 more corrections (40 not shown)"
    corrections.more.button.click()
    assert len(corrections.list.children) == 2 * STEP
    assert len(page.discussion.list.children) == STEP
    assert "comment 59" in page.discussion.list.children[-1].children[0].value  # the latest
    page.discussion.more.button.click()
    assert len(page.discussion.list.children) == 2 * STEP
    assert page.reviews.widget.value.count("appraise-review'") == STEP
    page.reviews.more.button.click()
    assert page.reviews.widget.value.count("appraise-review'") == 40
    page.show(res)  # opened again: back to the first page
    assert len(corrections.list.children) == STEP
