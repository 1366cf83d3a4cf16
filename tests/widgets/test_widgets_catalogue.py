"""The catalogue without a browser: search, filters, sorts, paging, and what a row shows."""

from __future__ import annotations

from pathlib import Path

import pytest

from reviews.io.importer import import_resources
from tests.support.classroom import HOSTILE_TITLE, Classroom, make_classroom
from widgets.catalogue import Catalogue
from widgets.listing import PAGE_SIZE, Listing, Query


@pytest.fixture
def room(tmp_path: Path) -> Classroom:
    return make_classroom(tmp_path / "wb")


def catalogue_for(room: Classroom, user: str) -> tuple[Catalogue, list[str]]:
    opened: list[str] = []
    return Catalogue(Listing(room.wb, user), opened.append, lambda: None), opened


def titles(cat: Catalogue) -> list[str]:
    return [title.description for title, _, box in cat.rows if box.layout.display != "none"]


def test_the_listing_knows_what_i_reviewed_flags_and_open_corrections(room: Classroom) -> None:
    listing = Listing(room.wb, "ana")
    video = listing.row(room.video.id)
    assert video is not None
    assert video["mine"] and not listing.row(room.wiki.id)["mine"]  # type: ignore[index]
    assert video["flag_counts"] == {"outdated": 1}
    assert video["n_corrections_open"] == 1
    assert listing.row("res_missing") is None


def test_search_matches_every_word_in_title_topics_or_platform(room: Classroom) -> None:
    cat, _ = catalogue_for(room, "ana")
    assert len(titles(cat)) == 4
    cat.search.value = "ecg LITFL"
    assert titles(cat) == ["LITFL: AF ECG library"]
    assert "1 of 4 resources match" in cat.summary.value
    cat.search.value = "youtube"
    assert titles(cat) == ["AF in 10 minutes"]
    cat.search.value = "nothing like this"
    assert titles(cat) == []
    assert "No resource matches" in cat.summary.value


def test_filters_by_kind_topic_verdict_and_what_i_have_not_reviewed(room: Classroom) -> None:
    cat, _ = catalogue_for(room, "ana")
    cat.kind.value = "wiki"
    assert titles(cat) == ["Atrial fibrillation"]
    cat.kind.value = ""
    cat.topic.value = "ecg"
    assert sorted(titles(cat)) == ["AF in 10 minutes", "LITFL: AF ECG library"]
    cat.topic.value = ""
    cat.verdict.value = "unrated"
    assert titles(cat) == ["Atrial fibrillation"]
    cat.verdict.value = ""
    cat.unreviewed.value = True
    assert "AF in 10 minutes" not in titles(cat) and len(titles(cat)) == 3
    assert cat.more.description == "More filters (1 on)"
    cat.clear.click()
    assert len(titles(cat)) == 4 and not cat.unreviewed.value


def test_sorts_by_score_reviews_newest_and_disputes(room: Classroom) -> None:
    wb = room.wb
    correction = wb.corrections(resource_id=room.video.id)[0]
    wb.vote(correction.id, "cat", agree=False, reason="NICE allows digoxin for sedentary people")
    cat, _ = catalogue_for(room, "ana")
    cat.sort.value = "score"
    assert titles(cat)[0] == "LITFL: AF ECG library"  # 5 stars
    assert titles(cat)[-1] == "Atrial fibrillation"  # no score: last
    cat.sort.value = "reviews"
    assert titles(cat)[0] == "AF in 10 minutes"
    cat.sort.value = "newest"
    assert titles(cat)[0] == HOSTILE_TITLE
    cat.sort.value = "disputed"
    assert titles(cat)[0] == "AF in 10 minutes"


def test_best_score_first_puts_resources_with_a_verdict_before_provisional_ones(
    room: Classroom,
) -> None:
    wb = room.wb
    for i, stars in enumerate([4, 4, 3, 4]):  # enough reviews for a verdict, a middling score
        wb.submit_review(room.wiki.id, f"learner-{i}", {"overall": stars})
    cat, _ = catalogue_for(room, "ana")
    wiki = cat.listing.row(room.wiki.id)
    blog = cat.listing.row(room.blog.id)
    assert wiki is not None and blog is not None
    assert wiki["verdict"] != "provisional" and blog["verdict"] == "provisional"
    assert blog["score"] > wiki["score"]  # one 5-star review scores higher...
    order = titles(cat)
    assert order.index("Atrial fibrillation") < order.index("LITFL: AF ECG library")  # ...not first


def test_a_title_opens_its_resource(room: Classroom) -> None:
    cat, opened = catalogue_for(room, "ana")
    cat.search.value = "wikipedia"
    cat.rows[0][0].click()
    assert opened == [room.wiki.id]


def test_a_hostile_title_is_a_plain_button_label_and_never_markup(room: Classroom) -> None:
    cat, _ = catalogue_for(room, "ana")
    cat.search.value = "img"
    title, meta, _ = cat.rows[0]
    assert title.description == HOSTILE_TITLE  # a button's text is never parsed as HTML
    assert "<img" not in meta.value


def test_pages_of_twenty_with_previous_and_next(tmp_path: Path, room: Classroom) -> None:
    csv = tmp_path / "more.csv"
    rows = [f"https://example.org/page-{i},Page {i:02d},article,ecg" for i in range(41)]
    csv.write_text("url,title,kind,topics\n" + "\n".join(rows) + "\n")
    import_resources(room.wb, csv, added_by="dr-lee")
    cat, _ = catalogue_for(room, "ana")
    assert cat.position.value == "Page 1 of 3"
    assert cat.previous.disabled and not cat.next.disabled
    first = titles(cat)
    assert len(first) == PAGE_SIZE
    cat.next.click()
    cat.next.click()
    assert cat.position.value == "Page 3 of 3" and cat.next.disabled
    assert len(titles(cat)) == 45 - 2 * PAGE_SIZE
    cat.search.value = "page"  # a new query starts again on page 1
    assert cat.position.value == "Page 1 of 3"


def test_scores_stay_hidden_until_i_have_reviewed_when_the_tutor_says_so(tmp_path: Path) -> None:
    room = make_classroom(tmp_path / "wb", blind_until_reviewed=True)
    listing = Listing(room.wb, "cat")  # cat reviewed only the hostile page
    video = listing.row(room.video.id)
    assert video is not None and video["scores_hidden"]
    cat = Catalogue(listing, lambda _: None, lambda: None)
    cat.search.value = "AF in 10"
    meta = cat.rows[0][1].value
    assert "Score hidden until you submit your review" in meta
    assert "Provisional" not in meta and "3 out of 5" not in meta
    assert [r["id"] for r in listing.page(Query(verdict="provisional")).rows] == [room.hostile.id]


def test_a_summary_without_the_richer_columns_still_gives_a_full_listing(
    room: Classroom, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The columns of the first summary only: flags and open corrections are counted here."""
    basic = [
        "id", "url", "title", "kind", "platform", "topics", "rubric", "n_reviews", "score",
        "score_percent", "score_min", "score_max", "verdict", "verdict_label",
    ]  # fmt: skip
    full = room.wb.summary()
    monkeypatch.setattr(room.wb, "summary", lambda rubric=None: full[basic].copy())
    listing = Listing(room.wb, "ana")
    video = listing.row(room.video.id)
    assert video is not None
    assert video["flag_counts"] == {"outdated": 1} and video["n_corrections_open"] == 1
    cat = Catalogue(listing, lambda _: None, lambda: None)
    cat.search.value = "AF in 10"
    assert "Flagged: outdated guidance" in cat.rows[0][1].value
    assert "nan" not in cat.rows[0][1].value.lower()
