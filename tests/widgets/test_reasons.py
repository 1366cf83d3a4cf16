"""Reasons that reach people: a hide reason for the author, a note for the class, and the
reasons given with votes under the correction, in the tutors' queue and in the export."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from reviews.export import export
from tests.support.classroom import Classroom, make_classroom
from widgets.corrections import CorrectionList
from widgets.discussion import DiscussionThread
from widgets.listing import Listing
from widgets.review_list import ReviewList

REASON = "Names a patient <b>Mr X</b>; please rephrase."


@pytest.fixture
def room(tmp_path: Path) -> Classroom:
    return make_classroom(tmp_path / "wb")


def test_the_author_reads_the_reason_and_the_class_that_something_was_hidden(
    room: Classroom,
) -> None:
    wb = room.wb
    comment = wb.add_comment(room.video.id, author="ben", text="Mr X on the ward said so.")
    wb.add_comment(room.video.id, author="ana", text="Thanks, useful.")
    wb.hide(comment.id, actor="dr-lee", reason=REASON)
    mine = DiscussionThread(wb, "ben")
    mine.show(room.video.id)
    html = " ".join(getattr(w, "value", "") for w in mine.list.children)
    assert "Your comment was hidden by a tutor: Names a patient &lt;b&gt;Mr X&lt;/b&gt;" in html
    assert "Mr X on the ward" not in html and "<b>Mr X" not in html
    theirs = DiscussionThread(wb, "ana")
    theirs.show(room.video.id)
    html = " ".join(getattr(w, "value", "") for w in theirs.list.children)
    assert "A comment was hidden by a tutor." in html and "Names a patient" not in html
    assert "Discussion (1)" in theirs.heading.value


def test_hidden_reviews_and_corrections_leave_a_note_in_their_place(room: Classroom) -> None:
    wb = room.wb
    review = next(r for r in wb.reviews(resource_id=room.video.id) if r.reviewer == "ben")
    wb.hide(review.id, actor="dr-lee", reason="Off topic.")
    correction = wb.corrections(resource_id=room.video.id)[0]
    wb.hide(correction.id, actor="dr-lee", reason="Duplicate of the NICE one.")
    listing = Listing(wb, "ben")
    reviews = ReviewList(wb, listing, "ben")
    reviews.show(room.video.id)
    assert "Your review was hidden by a tutor: Off topic." in reviews.widget.value
    corrections = CorrectionList(wb, "ana", lambda: None)
    corrections.show(room.video.id)
    assert corrections.cards == []
    assert "A correction was hidden by a tutor." in corrections.hidden_notes.value
    assert "Duplicate" not in corrections.hidden_notes.value


def test_vote_reasons_are_shown_by_pseudonym_everywhere(room: Classroom) -> None:
    wb = room.wb
    correction = wb.corrections(resource_id=room.video.id)[0]
    wb.vote(correction.id, voter="ana", agree=False, reason="NG196 allows <i>digoxin</i>.")
    wb.vote(correction.id, voter="cat", agree=True, reason="")
    ana = wb.pseudonyms()["ana"]
    cards = CorrectionList(wb, "cat", lambda: None)
    cards.show(room.video.id)
    text = cards.cards[0].text.value
    assert f"{ana} disputed: <span class='appraise-text'>“NG196 allows &lt;i&gt;" in text
    assert "ana " not in text
    queue = wb.moderation_queue(actor="dr-lee", identities=True)
    row = queue[queue["target_id"] == correction.id].iloc[0]
    assert row["vote_reasons"] == f'{ana} disputed: "NG196 allows <i>digoxin</i>."'
    table = export(wb, "csv", table="corrections", include_identities=True, actor="dr-lee")
    rows = list(csv.DictReader(io.StringIO(table.decode("utf-8-sig"))))
    assert rows[0]["vote_reasons"] == f'{ana} disputed: "NG196 allows <i>digoxin</i>."'
