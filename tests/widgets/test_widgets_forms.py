"""The forms without a browser: review, correction, add resource, sign in, identifier warning."""

from __future__ import annotations

from pathlib import Path

import pytest

from reviews.domain.model import Correction, Review
from tests.support.classroom import Classroom, make_classroom
from widgets.add_resource import AddResource, split_topics
from widgets.correction_form import CorrectionForm
from widgets.review_form import NOT_APPLICABLE, ReviewForm
from widgets.sign_in import SignIn, identity_from, remember_token, remembered_name


@pytest.fixture
def room(tmp_path: Path) -> Classroom:
    return make_classroom(tmp_path / "wb")


# -- review form -----------------------------------------------------------------------------


def review_form(room: Classroom, user: str, rubric: str | None = None) -> tuple[ReviewForm, list]:
    saved: list[Review] = []
    if rubric:
        room.wb.config = room.wb.config.model_copy(update={"default_rubric": rubric})
    form = ReviewForm(room.wb, user, saved.append)
    form.load(room.wiki.id)
    return form, saved


def test_every_item_shows_its_scale_labels_and_help(room: Classroom) -> None:
    form, _ = review_form(room, "ana", rubric="air")
    rubric = room.wb.rubric("air")
    assert [q.item.id for q in form.questions] == rubric.item_ids
    first = form.questions[0]
    labels = [label for label, _ in first.choice.options]
    assert labels[0].startswith(
        f"{first.item.scale.min} – {first.item.scale.labels[first.item.scale.min]}"
    )
    assert first.choice.description == first.item.prompt
    assert first.item.help.split()[0] in first.help.value


def test_a_missing_rating_is_said_beside_the_item_and_nothing_is_saved(room: Classroom) -> None:
    form, saved = review_form(room, "ana")
    form.submit.click()
    assert form.questions[0].error.message.startswith("Please choose one")
    assert form.status.kind == "error"
    assert saved == [] and room.wb.review_of(room.wiki.id, "ana") is None


def test_a_review_is_saved_confirmed_and_reopened_for_editing(room: Classroom) -> None:
    form, saved = review_form(room, "ana")
    form.questions[0].choice.value = 4
    form.confidence.value = 2
    form.flags["outdated"].value = True
    form.bloom["apply"].value = True
    form.comment.value = "Good overview; the anticoagulation part is dated."
    form.submit.click()
    assert len(saved) == 1 and not form.submit.disabled
    assert form.status.kind == "success" and "counts in the class's score" in form.status.message
    mine = room.wb.review_of(room.wiki.id, "ana")
    assert mine is not None and mine.scores == {"overall": 4} and mine.flags == ["outdated"]
    assert mine.bloom == ["apply"] and mine.confidence == 2

    again, _ = review_form(room, "ana")
    assert again.editing and again.submit.description == "Update my review"
    assert again.questions[0].choice.value == 4 and again.flags["outdated"].value
    assert again.comment.value.startswith("Good overview")
    again.questions[0].choice.value = 3
    again.submit.click()
    edited = room.wb.review_of(room.wiki.id, "ana")
    assert edited is not None and edited.scores == {"overall": 3} and len(edited.revisions) == 1
    assert "earlier version is kept" in again.status.message


def test_not_applicable_is_offered_only_where_the_rubric_allows_it(room: Classroom) -> None:
    form, _ = review_form(room, "ana", rubric="air")
    for q in form.questions:
        offered = NOT_APPLICABLE in [v for _, v in q.choice.options]
        assert offered == q.item.allow_na


def test_a_comment_that_may_identify_a_patient_is_held_until_confirmed(room: Classroom) -> None:
    form, saved = review_form(room, "ana")
    form.questions[0].choice.value = 2
    form.comment.value = "Shows Mr Smith's ECG, DOB 03/04/1961, on screen at 02:10."
    form.submit.click()
    assert saved == [] and form.warning.showing
    shown = form.warning.message.value
    assert "Mr Smith" in shown and "a person&#x27;s name" in shown and "date of birth" in shown
    assert "confidentiality" in shown
    form.warning.edit.click()
    assert not form.warning.showing and saved == [] and "Not saved yet" in form.status.message
    form.submit.click()
    form.warning.confirm.click()
    assert len(saved) == 1 and not form.warning.showing


def test_a_too_long_comment_is_refused_beside_the_field(room: Classroom) -> None:
    form, saved = review_form(room, "ana")
    form.questions[0].choice.value = 2
    form.comment.value = "x" * 5001
    form.submit.click()
    assert "too long: 5,001 characters" in form.comment.error.message and saved == []


# -- correction form -------------------------------------------------------------------------


def test_a_correction_needs_every_part_and_a_severity(room: Classroom) -> None:
    saved: list[Correction] = []
    form = CorrectionForm(room.wb, "ana", saved.append)
    form.load(room.video.id, "video")
    assert "Timestamp" in form.locator.input.placeholder
    form.submit.click()
    assert all(f.error.message for f in form.fields) and form.severity_error.message
    form.locator.value = "06:30"
    form.claim.value = "Warfarin INR target 4-5."
    form.correction.value = "The usual INR target in AF is 2-3."
    form.evidence.value = "https://doi.org/10.1093/eurheartj/ehae176"
    form.severity.value = "patient-safety"
    form.submit.click()
    assert len(saved) == 1 and saved[0].severity == "patient-safety"
    assert form.claim.value == "" and form.status.kind == "success"
    form.load(room.wiki.id, "wiki")
    assert "passage" in form.locator.input.placeholder


# -- add a resource --------------------------------------------------------------------------


def adder(room: Classroom) -> tuple[AddResource, list[tuple[str, bool]]]:
    done: list[tuple[str, bool]] = []
    return AddResource(room.wb, "ana", lambda rid, old: done.append((rid, old)), lambda: None), done


def test_a_duplicate_link_takes_the_learner_to_the_existing_entry(room: Classroom) -> None:
    form, done = adder(room)
    form.url.value = "https://www.youtube.com/watch?v=dQw4w9WgXcQ&si=share"
    form.submit.click()
    assert done == [(room.video.id, True)] and len(room.wb.resources()) == 4


def test_a_new_resource_is_added_with_kind_and_topics(room: Classroom) -> None:
    form, done = adder(room)
    form.url.value = "https://www.heart.org/en/health-topics/atrial-fibrillation"
    form.submit.click()
    assert form.title.error.message and done == []
    form.title.value = "AHA: Atrial fibrillation"
    form.kind.value = "article"
    form.topics.value = "AF; stroke prevention, anticoagulation"
    form.submit.click()
    ((rid, old),) = done
    added = room.wb.resource(rid)
    assert not old and added.kind == "article" and added.added_by == "ana"
    assert added.topics == ["af", "anticoagulation", "stroke prevention"]


def test_a_bad_link_is_explained_beside_the_field(room: Classroom) -> None:
    form, done = adder(room)
    form.url.value = "javascript:alert(1)"
    form.title.value = "x"
    form.submit.click()
    assert form.url.error.message and done == []


def test_topics_split_on_commas_and_semicolons() -> None:
    assert split_topics(" ECG; AF ,, stroke ") == ["ECG", "AF", "stroke"]


# -- signing in ------------------------------------------------------------------------------


def sign_in(room: Classroom) -> tuple[SignIn, list[tuple[str, bool]]]:
    entered: list[tuple[str, bool]] = []
    return SignIn(room.wb, lambda name, keep: entered.append((name, keep))), entered


def test_sign_in_needs_a_name_and_the_join_code(room: Classroom) -> None:
    form, entered = sign_in(room)
    form.submit.click()
    assert form.name.error.message and form.code.error.message and entered == []
    form.name.value = "  Dana   Scully "
    form.code.value = "WRONG1"
    form.submit.click()
    assert "not right" in form.code.error.message and entered == []
    form.code.value = " " + room.wb.config.join_code.lower() + " "
    form.remember.value = False
    form.submit.click()
    assert entered == [("Dana Scully", False)]


def test_a_tutors_name_needs_the_tutor_passphrase_and_is_never_remembered(
    room: Classroom,
) -> None:
    room.wb.set_tutor_passphrase("correct horse battery", actor="dr-lee")
    form, entered = sign_in(room)
    form.code.value = room.wb.config.join_code
    form.name.value = "DR-LEE"
    assert form.passphrase.layout.display == "none"
    form.submit.click()
    assert "belongs to a tutor" in form.passphrase_error.message and entered == []
    assert form.passphrase.layout.display is None
    form.passphrase.value = "wrong horse"
    form.submit.click()
    assert "not the tutor passphrase" in form.passphrase_error.message and entered == []
    form.passphrase.value = "correct horse battery"
    form.submit.click()
    assert entered == [("dr-lee", False)]


def test_a_known_name_keeps_its_spelling(room: Classroom) -> None:
    form, entered = sign_in(room)
    form.code.value = room.wb.config.join_code
    form.name.value = "ANA"
    form.submit.click()
    assert entered == [("ana", True)]


def test_a_remembered_sign_in_is_genuine_only_for_this_workbook_and_join_code(
    room: Classroom, tmp_path: Path
) -> None:
    from widgets.sign_in import cookie_name

    wb = room.wb
    cookie = f"{cookie_name(wb)}={remember_token(wb, 'Dana Scully')}; other=1"
    assert remembered_name(wb, cookie) == "Dana Scully"
    assert identity_from(wb, {"HTTP_COOKIE": cookie}) == "Dana Scully"
    assert identity_from(wb, {"HTTP_COOKIE": cookie, "JUPYTERHUB_USER": "hub-user"}) == "hub-user"
    forged = cookie.replace(remember_token(wb, "Dana Scully").split(".")[1], "ZHItbGVl")
    assert remembered_name(wb, forged) is None
    assert remembered_name(wb, "garbage;;=") is None
    other = make_classroom(tmp_path / "other")
    assert remembered_name(other.wb, cookie.replace(cookie_name(wb), cookie_name(other.wb))) is None
    wb.config = wb.config.model_copy(update={"join_code": "NEWCODE"})
    assert remembered_name(wb, cookie) is None  # a new join code signs everyone out
    assert remember_token(wb, "dr-lee") is None  # tutors are never remembered
