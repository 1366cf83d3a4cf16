"""The tutor and summaries dashboards without a browser: who gets in, moderation through the
widgets, the audit log, participation, calibration, exports and the summaries' filters."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import ipywidgets as W
import pytest

from tests.support.classroom import HOSTILE_COMMENT, HOSTILE_TITLE, Classroom, make_classroom
from widgets.app import Unavailable
from widgets.audit_log import AuditLog
from widgets.calibration_view import CalibrationView
from widgets.export_panel import ExportPanel
from widgets.moderation import ModerationQueue
from widgets.participation_view import ParticipationView
from widgets.summaries_app import SummariesApp
from widgets.summaries_view import ALL, SummariesView
from widgets.tutor_app import TutorApp

PASSPHRASE = "mitral valve rounds at nine"


@pytest.fixture
def room(tmp_path: Path) -> Classroom:
    room = make_classroom(tmp_path / "wb")
    room.wb.set_tutor_passphrase(PASSPHRASE, actor="dr-lee")
    room.wb.add_comment(room.wb.corrections()[0].id, "cat", "You are all idiots.")
    return room


def walk(widget: W.Widget) -> Iterator[W.Widget]:
    yield widget
    for child in getattr(widget, "children", ()):
        yield from walk(child)


def find(widget: W.Widget, css: str) -> list[W.Widget]:
    return [w for w in walk(widget) if css in getattr(w, "_dom_classes", ())]


def page_text(widget: W.Widget) -> str:
    return "\n".join(str(getattr(w, "value", "")) for w in walk(widget) if isinstance(w, W.HTML))


def started(room: Classroom, **env: str) -> TutorApp:
    app = TutorApp(room.wb)
    app.start(environ=env, wait=lambda: None)
    return app


def signed_in(room: Classroom) -> TutorApp:
    app = started(room)
    app.body.children[0]  # the sign-in form
    form = app.body.children[0]
    name, passphrase = find(form, "appraise-name")[0], find(form, "appraise-passphrase")[0]
    name.value, passphrase.value = "Dr-Lee", PASSPHRASE
    find(form, "appraise-sign-in")[0].click()
    return app


# -- who gets in ------------------------------------------------------------------------------


def test_without_a_workbook_the_page_says_what_to_do() -> None:
    assert isinstance(TutorApp.from_environment({}), Unavailable)
    assert isinstance(SummariesApp.from_environment({}), Unavailable)


def test_a_learner_under_jupyterhub_is_refused_politely_and_sees_nothing(room: Classroom) -> None:
    app = started(room, JUPYTERHUB_USER="ana")
    assert not app.tabs and not app.sections
    text = page_text(app.widget)
    assert "for the tutors of this workbook" in text and "learner dashboard" in text
    assert "ben" not in text and "Digoxin" not in text


def test_a_tutor_under_jupyterhub_opens_the_moderation_queue(room: Classroom) -> None:
    app = started(room, JUPYTERHUB_USER="dr-lee")
    assert set(app.tabs) >= {"queue", "audit", "participation", "calibration", "export"}
    assert isinstance(app.sections["queue"], ModerationQueue)
    text = page_text(app.widget)
    assert "Digoxin first line" in text and "NICE NG196 section 1.7" in text  # the evidence


def test_standalone_only_a_tutor_name_with_the_passphrase_gets_in(room: Classroom) -> None:
    app = started(room)
    form = app.body.children[0]
    name, passphrase = find(form, "appraise-name")[0], find(form, "appraise-passphrase")[0]
    submit = find(form, "appraise-sign-in")[0]
    name.value, passphrase.value = "ana", PASSPHRASE
    submit.click()
    assert "not one of them" in page_text(app.widget) and not app.tabs
    name.value, passphrase.value = "dr-lee", "wrong guess entirely"
    submit.click()
    assert "not the tutor passphrase" in page_text(app.widget) and not app.tabs
    passphrase.value = PASSPHRASE
    submit.click()
    assert app.user == "dr-lee" and app.tabs and passphrase.value == ""


def test_without_a_passphrase_the_sign_in_says_how_to_set_one(tmp_path: Path) -> None:
    room = make_classroom(tmp_path / "fresh")  # no passphrase set
    app = started(room)
    form = app.body.children[0]
    find(form, "appraise-name")[0].value = "dr-lee"
    find(form, "appraise-passphrase")[0].value = "anything at all"
    find(form, "appraise-sign-in")[0].click()
    text = page_text(app.widget)
    assert "No tutor passphrase is set yet" in text and "appraise passphrase --workbook" in text
    assert "not the tutor passphrase" not in text and not app.tabs


def test_every_section_opens_for_a_tutor(room: Classroom) -> None:
    app = signed_in(room)
    for name, button in app.tabs.items():
        button.click()
        assert app.body.children == (app.sections[name].widget,)  # type: ignore[attr-defined]
        assert "appraise-current" in button._dom_classes
        assert "went wrong" not in page_text(app.widget), name


# -- moderation ---------------------------------------------------------------------------------


def card_for(queue: ModerationQueue, text: str) -> W.VBox:
    return next(c for c in find(queue.cards, "appraise-card") if text in page_text(c))


def show(queue: ModerationQueue, group: str) -> None:
    """Open one group of the queue: correction, review or comment."""
    queue.groups.value = group
    assert queue.group == group


def test_a_tutor_hides_a_comment_and_verifies_a_correction_and_the_log_lists_both(
    room: Classroom,
) -> None:
    queue = ModerationQueue(room.wb, "dr-lee")
    correction = room.wb.corrections()[0]
    assert queue.group == "correction"  # the most urgent item's group opens first
    assert "3 items left: 1 correction, 1 flagged review, 1 comment." in page_text(queue.left)
    show(queue, "comment")
    card = card_for(queue, "idiots")
    find(card, "appraise-hide")[0].click()  # no reason yet
    assert "say why" in page_text(card)
    assert room.wb.comments(correction.id)
    find(card, "appraise-reason")[0].value = "Unprofessional"
    find(card, "appraise-hide")[0].click()
    assert room.wb.comments(correction.id) == []
    assert "idiots" not in page_text(queue.cards)
    assert "Hidden" in queue.status.message
    assert "Hidden: Comment" in page_text(queue.cards)  # the card's place keeps a note
    assert "2 items left" in page_text(queue.left)
    show(queue, "correction")
    card = card_for(queue, "Digoxin")
    find(card, "appraise-reason")[0].value = "Matches NICE NG196"
    find(card, "appraise-verify")[0].click()
    assert room.wb.moderation().status(correction.id) == "verified"
    log = page_text(AuditLog(room.wb, "dr-lee").widget)
    assert "hide" in log and "verify" in log and "Matches NICE NG196" in log
    # the hidden comment can be restored, with a reason
    restore = find(queue.hidden, "appraise-card")[0]
    find(restore, "appraise-reason")[0].value = "Apologised"
    find(restore, "appraise-restore")[0].click()
    assert [c.text for c in room.wb.comments(correction.id)] == ["You are all idiots."]


def test_patient_safety_comes_first_and_learner_text_is_escaped(room: Classroom) -> None:
    wb = room.wb
    wb.add_correction(room.wiki.id, author="cat", locator="intro", claim=HOSTILE_COMMENT,
                      correction="Anticoagulate by CHA2DS2-VASc.", evidence="NICE NG196",
                      severity="patient-safety")  # fmt: skip
    wb.submit_review(room.hostile.id, "ana", {"overall": 1}, flags=["confidentiality"])
    queue = ModerationQueue(wb, "dr-lee")
    cards = find(queue.cards, "appraise-card")
    assert "Patient safety correction" in page_text(cards[0])
    assert "(1 patient-safety, 1 confidentiality first)" in page_text(queue.left)
    show(queue, "review")
    assert "Confidentiality flag" in page_text(find(queue.cards, "appraise-card")[0])
    html = page_text(queue.widget)
    assert HOSTILE_TITLE not in html and "&lt;img src=x" in html
    show(queue, "correction")
    html = page_text(queue.widget)
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_no_tutor_action_succeeds_for_a_learner_through_the_widgets(room: Classroom) -> None:
    wb = room.wb
    correction = wb.corrections()[0]
    before = len(wb.audit_log())
    queue = ModerationQueue(wb, "dr-lee")
    queue.user = "ben"  # a learner holding a tutor's widgets still cannot act
    for css in ("appraise-hide", "appraise-verify", "appraise-reject"):
        card = card_for(queue, "Digoxin")
        find(card, "appraise-reason")[0].value = "because"
        find(card, css)[0].click()
        assert "tutor" in page_text(card).lower()
    assert len(wb.audit_log()) == before
    assert wb.moderation().status(correction.id) == "proposed"
    # built for a learner, the tutors' views show the refusal and no data
    for view in (ModerationQueue(wb, "ben"), AuditLog(wb, "ben"), ParticipationView(wb, "ben"),
                 CalibrationView(wb, "ben")):  # fmt: skip
        assert view.status.kind == "error", type(view)
        assert "ana" not in page_text(view.widget).replace("anal", "")
    calibration = CalibrationView(wb, "dr-lee")
    calibration.user = "ben"
    calibration.resource.value = room.video.id
    calibration.mark.click()
    assert calibration.status.kind == "error" and wb.calibration_resources().empty
    panel = ExportPanel(wb, "ben")
    panel.identities.value = True
    panel.prepare.click()
    assert panel.status.kind == "error" and panel.link.value == ""
    assert len(wb.audit_log()) == before


def test_the_queue_pages_by_20_keeps_its_place_and_collapses_long_texts(
    room: Classroom,
) -> None:
    wb = room.wb
    for i in range(45):
        wb.add_comment(room.video.id, f"learner-{i}", f"Comment number {i:02d}. " + "x" * 400)
    queue = ModerationQueue(wb, "dr-lee")
    show(queue, "comment")
    cards = find(queue.cards, "appraise-card")
    assert len(cards) == 20 and queue.position.value == "1–20 of 46"
    long = cards[0]
    assert "…" in page_text(long) and "x" * 400 not in page_text(long)
    find(long, "appraise-show-all")[0].value = True
    assert "x" * 400 in page_text(long)
    first_two = [page_text(c) for c in cards[:2]]
    find(cards[0], "appraise-reason")[0].value = "Off topic"
    find(cards[0], "appraise-hide")[0].click()
    after = find(queue.cards, "appraise-card")
    assert len(after) == 20 and after[0] is cards[0]  # same cards, same places
    assert "Hidden: Comment" in page_text(after[0]) and page_text(after[1]) == first_two[1]
    assert "Comments (45)" in queue.groups.options[2][0]
    queue.next.click()
    # the next page starts after the 19 comments still waiting on the first one
    assert queue.position.value == "20–39 of 45"
    assert "Comment number" in page_text(find(queue.cards, "appraise-card")[0])


# -- participation, calibration, export ----------------------------------------------------------


def test_participation_names_learners_for_tutors_and_downloads_as_csv(room: Classroom) -> None:
    view = ParticipationView(room.wb, "dr-lee")
    table = view.table.value
    assert "ben" in table and "Reviewer" in table
    assert view.download.value == ""
    view.prepare.click()
    assert "-participation-" in view.download.value and ".csv'" in view.download.value
    assert "data:text/csv;base64," in view.download.value
    assert room.wb.audit_log()[-1].action == "export"


def test_a_tutor_marks_a_calibration_resource_and_sees_learners_beside_the_model(
    room: Classroom,
) -> None:
    wb = room.wb
    wb.submit_review(room.blog.id, "ana", {"overall": 4})
    view = CalibrationView(wb, "dr-lee")
    view.resource.value = room.blog.id
    view.mark.click()
    assert view.status.kind == "success", view.status.message
    assert "LITFL: AF ECG library" in view.resources.value
    assert "ana" in view.learners.value and "Model reliability" in view.learners.value
    view.unmark.click()
    assert wb.calibration_resources().empty


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "jsonld"])
def test_the_export_panel_offers_a_download_and_hides_its_progress(
    room: Classroom, fmt: str
) -> None:
    panel = ExportPanel(room.wb, "dr-lee")
    seen: list[float] = []
    panel.progress.observe(lambda change: seen.append(change["new"]), names="value")
    panel.format.value = fmt
    panel.prepare.click()
    assert panel.status.kind == "success", panel.status.message
    assert "download=" in panel.link.value and "base64," in panel.link.value
    assert seen and panel.progress.layout.display == "none"
    assert panel.table.layout.display == (None if fmt == "csv" else "none")
    assert panel.identities.disabled == (fmt == "jsonld")


def test_an_export_with_real_names_is_logged(room: Classroom) -> None:
    panel = ExportPanel(room.wb, "dr-lee")
    panel.format.value = "json"
    panel.identities.value = True
    panel.prepare.click()
    assert panel.status.kind == "success"
    assert room.wb.audit_log()[-1].action == "export"


# -- summaries ---------------------------------------------------------------------------------


def test_summaries_rank_resources_and_filter_by_topic_and_kind(room: Classroom) -> None:
    view = SummariesView(room.wb)
    assert view.status.kind == "", view.status.message
    ranked = view.ranking.value
    assert "AF in 10 minutes" in ranked and "LITFL" in ranked
    assert HOSTILE_TITLE not in ranked and "&lt;img" in ranked
    assert "Score distribution" in view.plots.value and "Reviews per week" in view.plots.value
    view.topic.value = "arrhythmia"
    assert "AF in 10 minutes" in view.ranking.value and "LITFL" not in view.ranking.value
    view.topic.value = ALL
    view.kind.value = room.blog.kind
    assert "LITFL" in view.ranking.value and "AF in 10 minutes" not in view.ranking.value
    assert "ben" not in page_text(view.widget)


def test_the_summaries_page_asks_who_it_is_then_shows_no_names(room: Classroom) -> None:
    app = SummariesApp(room.wb)
    app.start(environ={}, wait=lambda: None)
    assert app.view is None and find(app.body, "appraise-join-code")
    app = SummariesApp(room.wb)
    app.start(environ={"JUPYTERHUB_USER": "ana"}, wait=lambda: None)
    assert app.view is not None and "AF in 10 minutes" in app.view.ranking.value
