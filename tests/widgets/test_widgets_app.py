"""The app and the resource page without a browser: sign-in, routing, corrections and votes,
discussion, the summary card, previews, errors in callbacks."""

from __future__ import annotations

from pathlib import Path

import ipywidgets as W
import pytest

from reviews.domain.errors import PermissionDenied
from tests.support.classroom import HOSTILE_COMMENT, Classroom, make_classroom
from widgets.app import LearnerApp, Unavailable
from widgets.corrections import CorrectionList
from widgets.discussion import DiscussionThread
from widgets.format import fmt
from widgets.listing import Listing
from widgets.preview import embed_url, preview_html
from widgets.resource_page import ResourcePage
from widgets.review_form import ReviewForm
from widgets.sign_in import cookie_name, remember_token
from widgets.status import Status
from widgets.summary_card import SummaryCard


@pytest.fixture
def room(tmp_path: Path) -> Classroom:
    return make_classroom(tmp_path / "wb")


def started(room: Classroom, **env: str) -> LearnerApp:
    app = LearnerApp(room.wb)
    waited: list[bool] = []
    app.start(environ=env, wait=lambda: waited.append(True))
    assert waited == [True]
    return app


# -- the app ---------------------------------------------------------------------------------


def test_without_a_workbook_the_page_says_what_to_do(tmp_path: Path) -> None:
    missing = LearnerApp.from_environment({})
    assert isinstance(missing, Unavailable) and "appraise serve" in missing.message
    broken = LearnerApp.from_environment({"APPRAISE_WORKBOOK": str(tmp_path / "nope")})
    assert isinstance(broken, Unavailable) and "appraise init" in broken.message


def test_a_bug_while_starting_is_a_message_not_a_blank_page(
    room: Classroom, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: object) -> None:
        raise KeyError("summary exploded")

    monkeypatch.setattr("reviews.workbook.Workbook.catalogue_snapshot", broken)
    app = LearnerApp.from_environment({"APPRAISE_WORKBOOK": str(room.wb.path)})
    assert isinstance(app, Unavailable) and "tell your tutor" in app.message


def test_a_standalone_learner_signs_in_and_is_remembered(room: Classroom) -> None:
    app = started(room)
    form = app.sign_in
    assert form is not None and app.body.children == (form.widget,)
    assert app.catalogue is None  # nothing of the workbook is a widget before sign-in
    form.name.value, form.code.value = "Dana", room.wb.config.join_code
    form.submit.click()
    assert app.user == "Dana" and app.catalogue is not None and app.sign_in is None
    assert app.body.children == (app.catalogue.widget,)
    assert f"data-cookie='{cookie_name(room.wb)}'" in app.remember.value
    assert remember_token(room.wb, "Dana") in app.remember.value
    assert "Signed in as <b>Dana</b>" in app.who.value

    returning = started(
        room, HTTP_COOKIE=f"{cookie_name(room.wb)}={remember_token(room.wb, 'Dana')}"
    )
    assert returning.user == "Dana" and returning.remember.value == ""

    returning.sign_out.click()
    assert "data-max-age='0'" in returning.remember.value and returning.user == ""
    assert returning.sign_in is not None
    assert returning.body.children == (returning.sign_in.widget,)


def test_under_jupyterhub_the_hub_user_is_used_and_cannot_sign_out(room: Classroom) -> None:
    app = started(room, JUPYTERHUB_USER="ben")
    assert app.user == "ben" and app.sign_out.layout.display == "none"
    assert "classmates see you as Reviewer" in app.who.value
    tutor = started(room, JUPYTERHUB_USER="dr-lee")
    assert "shown as a tutor" in tutor.who.value


def test_a_link_to_a_resource_opens_its_page(room: Classroom) -> None:
    app = started(room, JUPYTERHUB_USER="ana", QUERY_STRING=f"resource={room.video.id}")
    assert app.page is not None and app.body.children == (app.page.widget,)
    assert "AF in 10 minutes" in app.page.header.value
    unknown = started(room, JUPYTERHUB_USER="ana", QUERY_STRING="resource=res_nope")
    assert unknown.catalogue is not None and unknown.body.children == (unknown.catalogue.widget,)


def test_adding_a_duplicate_opens_the_existing_entry_with_a_note(room: Classroom) -> None:
    app = started(room, JUPYTERHUB_USER="ana")
    assert app.catalogue is not None
    app.catalogue.add.click()
    assert app.adder is not None and app.body.children == (app.adder.widget,)
    app.adder.url.value = "https://en.wikipedia.org/wiki/Atrial_fibrillation"
    app.adder.submit.click()
    assert app.page is not None and app.page.resource_id == room.wiki.id
    assert "already in the catalogue" in app.status.message
    app.page.back.click()
    assert app.body.children == (app.catalogue.widget,)


# -- the resource page -----------------------------------------------------------------------


def test_reviewing_on_the_page_updates_the_summary_and_the_catalogue(room: Classroom) -> None:
    app = started(room, JUPYTERHUB_USER="cat")
    assert app.page is None and app.catalogue is not None  # built when first needed
    app.open(room.video.id)
    page = app.page
    assert page is not None
    assert "2 reviews" in page.card.widget.value
    page.review_toggle.value = True
    assert page.review_form.widget.layout.display is None
    page.review_form.questions[0].choice.value = 5
    page.review_form.submit.click()
    assert "3 reviews" in page.card.widget.value
    assert page.review_toggle.description == "Edit my review"
    page.back.click()
    app.catalogue.search.value = "AF in 10"
    assert "3 reviews" in app.catalogue.rows[0][1].value
    assert "You reviewed this" in app.catalogue.rows[0][1].value


def test_hostile_text_on_the_page_is_escaped(room: Classroom) -> None:
    listing = Listing(room.wb, "ana")
    page = ResourcePage(room.wb, listing, "ana", lambda: None)
    page.show(room.hostile.id)
    assert "<img" not in page.header.value and "&lt;img src=x" in page.header.value
    assert "<script>" not in page.reviews.widget.value
    assert "&lt;script&gt;alert(&#x27;comment&#x27;)&lt;/script&gt;" in page.reviews.widget.value
    assert "<img" not in page.preview.widget.value


def test_the_summary_card_never_shows_nan_and_uses_richer_summaries(
    room: Classroom, monkeypatch: pytest.MonkeyPatch
) -> None:
    listing = Listing(room.wb, "ana")
    card = SummaryCard(room.wb, listing)
    card.show(room.wiki.id)
    assert "nan" not in card.widget.value.lower() and "No reviews yet" in card.widget.value
    card.show(room.video.id)
    score = fmt(listing.row(room.video.id)["score"])  # type: ignore[index]
    assert f"{score} out of 5" in card.widget.value and "range from 2 to 4" in card.widget.value
    assert "Outdated guidance: 1 of 2 reviewers" in card.widget.value
    rich = dict(listing.row(room.video.id) or {})
    rich.update({
        "score_low80": 2.5, "score_high80": 3.6, "score_low95": 2.1, "score_high95": 3.9,
        "item_overall": 3.2, "flag_outdated_lb": 0.09,
    })  # fmt: skip
    plain = listing.row
    monkeypatch.setattr(listing, "row", lambda rid: rich if rid == room.video.id else plain(rid))
    card.show(room.video.id)
    html = card.widget.value
    assert "likely 2.5–3.6" in html and "almost certainly 2.1–3.9" in html
    assert "appraise-interval-band" in html and "at least 9%" in html
    rich["mean"], rich["score"] = 3.0, 3.4
    card.show(room.video.id)
    assert "Plain average of the reviews: 3." in card.widget.value
    assert "appraise-bar-fill" not in html  # one item: its bar would only repeat the score
    card.show(room.wiki.id)
    assert "nan" not in card.widget.value.lower()


def test_each_rubric_item_gets_a_bar_with_its_scale_label(tmp_path: Path) -> None:
    from reviews import Workbook

    wb = Workbook.create(tmp_path / "air", title="AIR block", rubric="air")
    res = wb.add_resource("https://litfl.com/af", title="AF", added_by="ana")
    scores = {"recency": 7, "accuracy": 6, "utility": 5, "ebm": 4, "referenced": 3}
    wb.submit_review(res.id, "ana", scores)
    wb.submit_review(res.id, "ben", {**scores, "accuracy": 4})
    card = SummaryCard(wb, Listing(wb, "ana"))
    card.show(res.id)
    html = card.widget.value
    assert html.count("appraise-bar-fill") == 5
    accuracy = wb.rubric().item("accuracy")
    assert f"{accuracy.prompt}" in html and f"5 of 7 · {accuracy.scale.labels[5]}" in html


def test_corrections_show_status_votes_and_let_others_change_their_vote(room: Classroom) -> None:
    changed: list[bool] = []
    ben = CorrectionList(room.wb, "ben", lambda: changed.append(True))
    ben.show(room.video.id)
    (own,) = ben.cards
    assert "You proposed this correction" in own.my_vote.value
    assert own.endorse not in own.widget.children[1:]  # no vote buttons on one's own
    assert "Proposed" in own.text.value and "PMID: 34447992</a>" in own.text.value

    ana = CorrectionList(room.wb, "ana", lambda: changed.append(True))
    ana.show(room.video.id)
    card = ana.cards[0]
    card.reason.value = "Matches NG196."
    card.endorse.click()
    assert "1 of 1 classmate who voted agrees" in card.text.value
    assert "How is this computed?" in card.text.value and "Wilson" in card.text.value
    assert (
        "You endorsed this" in card.my_vote.value
        and "1 endorsement · 0 disputes" in card.text.value
    )
    card.dispute.click()
    assert (
        "You disputed this" in card.my_vote.value
        and "0 endorsements · 1 dispute" in card.text.value
    )
    assert card.dispute.description == "Dispute (your vote)" and changed == [True, True]
    assert [v.agree for v in room.wb.votes()] == [False]  # changed, not doubled

    room.wb.verify_correction(card.correction.id, actor="dr-lee", note="Checked against NG196.")
    ana.show(room.video.id)
    assert "Verified by a tutor" in ana.cards[0].text.value
    assert "Checked against NG196." in ana.cards[0].text.value


def test_without_a_corrections_summary_the_list_still_shows_status_and_votes(
    room: Classroom, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(room.wb, "corrections_summary", None)
    correction = room.wb.corrections(resource_id=room.video.id)[0]
    room.wb.vote(correction.id, "cat", agree=False)
    ana = CorrectionList(room.wb, "ana", lambda: None)
    ana.show(room.video.id)
    text = ana.cards[0].text.value
    assert "Proposed" in text and "0 endorsements · 1 dispute" in text
    assert "0 of 1 classmate who voted agree" in text and "How is this computed" not in text


def test_voting_on_ones_own_correction_is_refused_by_the_workbook(room: Classroom) -> None:
    correction = room.wb.corrections(resource_id=room.video.id)[0]
    with pytest.raises(PermissionDenied):
        room.wb.vote(correction.id, "ben", agree=True)


def test_discussion_posts_replies_and_threads_replies_to_replies(room: Classroom) -> None:
    ana = DiscussionThread(room.wb, "ana")
    ana.show(room.video.id)
    ana.post.click()
    assert ana.text.error.message and room.wb.comments() == []
    ana.text.value = HOSTILE_COMMENT
    ana.post.click()
    ben = DiscussionThread(room.wb, "ben")
    ben.show(room.video.id)
    first = ben.list.children[0]
    assert "<script>" not in first.children[0].value and "&lt;script&gt;" in first.children[0].value
    first.children[1].click()  # Reply
    assert "Replying to Reviewer" in ben.replying.value
    ben.text.value = "Which part?"
    ben.post.click()
    assert first.comm is None  # the redrawn list closed the old rows
    ana.show(room.video.id)
    ana.list.children[1].children[1].click()  # reply to the reply
    ana.text.value = "The first half."
    ana.post.click()
    top = room.wb.comments()[0]
    assert [c.parent_id for c in room.wb.comments()] == [None, top.id, room.wb.comments()[1].id]
    assert ["appraise-comment-reply" in row._dom_classes for row in ana.list.children] == [
        False,
        True,
        True,
    ]


# -- previews --------------------------------------------------------------------------------


def test_youtube_and_wikipedia_are_embedded_and_everything_else_is_a_link() -> None:
    assert embed_url("https://youtube.com/watch?v=dQw4w9WgXcQ") == (
        "youtube",
        "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
    )
    assert embed_url("https://en.wikipedia.org/wiki/Atrial_fibrillation") == (
        "wikipedia",
        "https://en.m.wikipedia.org/wiki/Atrial_fibrillation",
    )
    assert embed_url("https://youtube.com/@NinjaNerdScience") is None
    assert embed_url("https://youtube.com/watch?v=x'onload='alert(1)") is None
    assert embed_url("https://en.wikipedia.org/wiki/A'onload='x") is None
    assert embed_url("https://litfl.com/af") is None
    html = preview_html("https://youtube.com/watch?v=dQw4w9WgXcQ", "<b>AF</b>")
    assert "sandbox=" in html and "&lt;b&gt;AF&lt;/b&gt;" in html and "<b>AF" not in html
    assert "href='#'" in preview_html("javascript:alert(1)", "x")


# -- errors in callbacks ---------------------------------------------------------------------


def test_an_error_in_a_callback_becomes_a_message_on_the_page() -> None:
    status = Status()

    def broken(_: object) -> None:
        raise RuntimeError("disk on fire")

    button = W.Button()
    button.on_click(status.guard(broken))
    button.click()
    assert status.kind == "error" and "Something went wrong on our side" in status.message
    assert "role='alert'" in status.widget.value

    refused = Status()
    refused.guard(lambda: (_ for _ in ()).throw(PermissionDenied("not <yours>")))()
    assert refused.message == "not <yours>" and "not &lt;yours&gt;" in refused.widget.value


def test_a_failing_save_keeps_what_was_typed_and_the_button_usable(
    room: Classroom, monkeypatch: pytest.MonkeyPatch
) -> None:
    saved: list[object] = []
    form = ReviewForm(room.wb, "ana", saved.append)
    form.load(room.wiki.id)
    form.questions[0].choice.value = 4
    form.comment.value = "Worth a look."

    def full_disk(*_: object, **__: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(room.wb, "submit_review", full_disk)
    form.submit.click()
    assert form.status.kind == "error" and "Nothing you typed is lost" in form.status.message
    assert not form.submit.disabled and form.submit.description == "Submit review"
    assert form.comment.value == "Worth a look." and form.questions[0].choice.value == 4
    assert saved == []
