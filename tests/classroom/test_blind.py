"""Blind until you rate: the setting, the recorded reveal, tutors, calibration, the page."""

from __future__ import annotations

from pathlib import Path

import yaml

from reviews import Workbook
from tests.support.classroom import make_classroom
from widgets.listing import Listing
from widgets.resource_page import ResourcePage


def test_new_workbooks_start_blind_and_old_ones_without_the_key_do_not(tmp_path: Path) -> None:
    wb = Workbook.create(tmp_path / "new", title="New class")
    assert wb.config.blind_until_reviewed
    assert yaml.safe_load((tmp_path / "new" / "workbook.yaml").read_text())["blind_until_reviewed"]
    old = tmp_path / "old"
    Workbook.create(old, title="Old class")
    config = yaml.safe_load((old / "workbook.yaml").read_text())
    del config["blind_until_reviewed"]
    (old / "workbook.yaml").write_text(yaml.safe_dump(config))
    assert not Workbook.open(old).config.blind_until_reviewed
    config["hide_reviews_until_submitted"] = True  # the setting's first name still works
    (old / "workbook.yaml").write_text(yaml.safe_dump(config))
    assert Workbook.open(old).config.blind_until_reviewed


def test_a_learner_sees_after_reviewing_or_revealing_and_a_tutor_always(tmp_path: Path) -> None:
    room = make_classroom(tmp_path / "wb", blind_until_reviewed=True)
    wb = room.wb
    assert wb.sees_class_view(room.video.id, "ana")  # reviewed it
    assert not wb.sees_class_view(room.video.id, "cat")
    assert wb.sees_class_view(room.video.id, "dr-lee")  # a tutor
    wb.reveal(room.video.id, "cat")
    assert wb.sees_class_view(room.video.id, "cat")
    assert wb.revealed("cat") == {room.video.id}
    assert [e.action for e in wb.learner_events()] == ["reveal"]
    assert "reveal" not in {e.action for e in wb.audit_log()}  # not a tutor action


def test_a_revealed_resource_leaves_the_learners_calibration(tmp_path: Path) -> None:
    room = make_classroom(tmp_path / "wb", blind_until_reviewed=True)
    wb = room.wb
    wb.set_calibration(room.wiki.id, "dr-lee", scores={"overall": 4})
    wb.submit_review(room.wiki.id, "ana", {"overall": 4})
    wb.reveal(room.wiki.id, "cat")
    wb.submit_review(room.wiki.id, "cat", {"overall": 4})
    table = wb.calibration(actor="dr-lee", identities=True)
    assert set(table["learner_name"]) == {"ana"}


def test_the_page_hides_score_reviews_and_corrections_until_asked(tmp_path: Path) -> None:
    room = make_classroom(tmp_path / "wb", blind_until_reviewed=True)
    wb = room.wb
    listing = Listing(wb, "cat")
    page = ResourcePage(wb, listing, "cat", lambda: None)
    page.show(room.video.id)
    assert "Submit your own review to see" in page.card.widget.value
    assert "Old guidance" not in page.reviews.widget.value
    assert "Hidden until you submit" in page.corrections.heading.value
    assert page.corrections.cards == []
    assert page.reveal.layout.display is None
    page.reveal.click()
    assert "Based on 2 reviews" in page.card.widget.value
    assert "Old guidance" in page.reviews.widget.value
    assert len(page.corrections.cards) == 1
    assert page.reveal.layout.display == "none"
    assert "will not count towards your calibration" in page.status.widget.value
    tutor = ResourcePage(wb, Listing(wb, "dr-lee"), "dr-lee", lambda: None)
    tutor.show(room.video.id)
    assert "Based on 2 reviews" in tutor.card.widget.value
    assert tutor.reveal.layout.display == "none"


def test_my_review_unblinds_the_page(tmp_path: Path) -> None:
    room = make_classroom(tmp_path / "wb", blind_until_reviewed=True)
    listing = Listing(room.wb, "dee")
    page = ResourcePage(room.wb, listing, "dee", lambda: None)
    page.show(room.video.id)
    assert page.corrections.cards == []
    page.review_form.widget.layout.display = None
    room.wb.submit_review(room.video.id, "dee", {"overall": 3})
    page._review_saved(room.wb.reviews(resource_id=room.video.id)[-1])
    assert "Based on 3 reviews" in page.card.widget.value
    assert len(page.corrections.cards) == 1


def test_the_summaries_page_shows_a_blind_learner_only_what_they_reviewed(tmp_path: Path) -> None:
    from widgets.summaries_view import SummariesView

    room = make_classroom(tmp_path / "wb", blind_until_reviewed=True)
    learner = SummariesView(room.wb, "cat")  # reviewed only the hostile page
    assert "AF in 10 minutes" not in learner.ranking.value
    assert "2 reviewed resource(s) are not shown" in learner.ranking.value
    tutor = SummariesView(room.wb, "dr-lee")
    assert "AF in 10 minutes" in tutor.ranking.value and tutor.withheld == 0
