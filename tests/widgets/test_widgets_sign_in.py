"""Signing in without a browser: the identity findings of issue 11 as regressions, the roster's
personal codes, guessing delays and the audit of tutors' sign-ins."""

from __future__ import annotations

from pathlib import Path

import pytest

from reviews.classroom.guessing import Throttle
from reviews.classroom.roles import Administrator
from tests.classroom.test_sessions import DISGUISED_TUTOR, forgeries
from tests.support.classroom import Classroom, make_classroom
from widgets.app import LearnerApp
from widgets.roster_view import RosterView
from widgets.sign_in import SignIn, cookie_name, identify
from widgets.tutor_app import TutorApp

ADMIN = Administrator("cli:root")
PASSPHRASE = "mitral valve rounds at nine"


class Clock:
    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def room(tmp_path: Path) -> Classroom:
    room = make_classroom(tmp_path / "wb")
    room.wb.set_tutor_passphrase(PASSPHRASE, actor="dr-lee")
    return room


@pytest.fixture
def rostered(room: Classroom) -> dict[str, str]:
    issued = room.wb.roster_import("name,group\nDana Scully,A\nFox Mulder,B\n", actor=ADMIN)
    return {i.learner.name: i.code for i in issued}


def form(room: Classroom, clock: Clock | None = None) -> tuple[SignIn, list[tuple[str, bool]]]:
    entered: list[tuple[str, bool]] = []
    throttles: dict[str, Throttle] = {}
    ticking = clock or Clock()

    def throttle(what: str) -> Throttle:
        return throttles.setdefault(what, Throttle(what, ticking))

    sign_in = SignIn(room.wb, lambda n, keep: entered.append((n, keep)), throttle=throttle)
    return sign_in, entered


def started(room: Classroom, **env: str) -> LearnerApp:
    app = LearnerApp(room.wb)
    app.start(environ=env, wait=lambda: None)
    return app


@pytest.mark.parametrize("name", DISGUISED_TUTOR)
def test_a_forged_cookie_for_a_tutor_shows_the_sign_in_form(room: Classroom, name: str) -> None:
    for token in forgeries(room.wb, name):
        app = started(room, HTTP_COOKIE=f"{cookie_name(room.wb)}={token}")
        assert app.user == "" and app.sign_in is not None
    assert not [e for e in room.wb.audit_log() if e.action == "sign-in"]


def test_the_open_workshop_page_says_names_are_not_checked(room: Classroom) -> None:
    sign_in, _ = form(room)
    text = sign_in.widget.children[0].value
    assert "open workshop" in text and "not checked" in text
    assert sign_in.personal.widget not in sign_in.widget.children


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("dr-l\u0435\u0435", "looks like the name of a tutor"),
        ("DR-LEE\u2003", "belongs to a tutor"),
        ("Dana\u2028Scully", "U+2028 LINE SEPARATOR"),
        ("\u202eeel-rd", "U+202E RIGHT-TO-LEFT OVERRIDE"),
    ],
)
def test_names_that_are_or_look_like_a_tutors_or_hide_characters_are_refused(
    room: Classroom, typed: str, message: str
) -> None:
    sign_in, entered = form(room)
    sign_in.name.value, sign_in.code.value = typed, room.wb.config.join_code
    sign_in.submit.click()
    assert message in sign_in.name.error.message + sign_in.passphrase_error.message
    assert entered == []


def test_a_learner_signs_in_with_a_personal_code_in_roster_mode(
    room: Classroom, rostered: dict[str, str]
) -> None:
    sign_in, entered = form(room)
    assert "personal code" in sign_in.widget.children[0].value
    assert sign_in.code.widget not in sign_in.widget.children  # no join code field
    sign_in.personal.value = "AAAAA-AAAAA"
    sign_in.submit.click()
    assert "not right" in sign_in.personal.error.message and entered == []
    sign_in.personal.value = rostered["Dana Scully"].lower()
    sign_in.submit.click()
    assert entered == [("Dana Scully", True)] and sign_in.how == "personal code"


def test_in_roster_mode_a_name_and_the_join_code_make_you_nobody(
    room: Classroom, rostered: dict[str, str]
) -> None:
    sign_in, entered = form(room)
    sign_in.tutor_toggle.click()  # the only name field left is the tutors'
    sign_in.name.value = "Fox Mulder"
    sign_in.submit.click()
    assert "Only the workbook's tutors" in sign_in.name.error.message and entered == []
    for token in forgeries(room.wb, "Fox Mulder"):
        assert identify(room.wb, {"HTTP_COOKIE": f"{cookie_name(room.wb)}={token}"}) is None
    sign_in.tutor_toggle.click()
    sign_in.personal.value = rostered["Dana Scully"]
    sign_in.submit.click()
    assert entered == [("Dana Scully", True)]  # Dana's code is Dana, whoever types it


def test_a_remembered_roster_learner_comes_back_as_themselves(
    room: Classroom, rostered: dict[str, str]
) -> None:
    app = started(room)
    assert app.sign_in is not None
    app.sign_in.personal.value = rostered["Fox Mulder"]
    app.sign_in.submit.click()
    assert app.user == "Fox Mulder"
    value = app.remember.value.split("data-value='")[1].split("'")[0]
    back = started(room, HTTP_COOKIE=f"{cookie_name(room.wb)}={value}")
    assert back.user == "Fox Mulder"
    room.wb.roster_reset_code("Fox Mulder", actor=ADMIN)
    assert started(room, HTTP_COOKIE=f"{cookie_name(room.wb)}={value}").user == ""


def test_a_tutor_signs_in_by_passphrase_in_roster_mode_and_is_not_remembered(
    room: Classroom, rostered: dict[str, str]
) -> None:
    sign_in, entered = form(room)
    sign_in.tutor_toggle.click()
    assert sign_in.remember.layout.display == "none"  # tutors are never remembered
    sign_in.tutor_toggle.click()
    assert sign_in.remember.layout.display is None
    sign_in.tutor_toggle.click()
    sign_in.name.value, sign_in.passphrase.value = "Dr-Lee", PASSPHRASE
    sign_in.submit.click()
    assert entered == [("dr-lee", False)] and sign_in.how == "passphrase"


def test_wrong_join_codes_lock_the_page_with_a_growing_delay_and_are_audited(
    room: Classroom,
) -> None:
    clock = Clock()
    sign_in, entered = form(room, clock)
    sign_in.name.value = "Dana"
    for _ in range(4):
        sign_in.code.value = "WRONG1"
        sign_in.submit.click()
    assert "Too many wrong join codes" in sign_in.status.message
    sign_in.code.value = room.wb.config.join_code
    sign_in.submit.click()
    assert entered == [] and "wait 5 s" in sign_in.status.message
    (lockout,) = [e for e in room.wb.audit_log() if e.action == "lockout"]
    assert "4 wrong join codes" in lockout.reason and "5 s" in lockout.reason
    assert room.wb.pseudonyms().get(lockout.actor) is None  # no pseudonym for the guard
    clock.t += 5
    sign_in.submit.click()
    assert entered == [("Dana", True)]


def test_wrong_personal_codes_and_passphrases_are_slowed_down_too(
    room: Classroom, rostered: dict[str, str]
) -> None:
    sign_in, entered = form(room)
    for _ in range(4):
        sign_in.personal.value = "BBBBB-BBBBB"
        sign_in.submit.click()
    sign_in.personal.value = rostered["Dana Scully"]
    sign_in.submit.click()
    assert entered == [] and "wrong personal codes" in sign_in.status.message
    sign_in.tutor_toggle.click()
    sign_in.name.value = "dr-lee"
    for _ in range(4):
        sign_in.passphrase.value = "not the passphrase"
        sign_in.submit.click()
    assert "wrong tutor passphrases" in sign_in.status.message
    reasons = [e.reason for e in room.wb.audit_log() if e.action == "lockout"]
    assert len(reasons) == 2 and "for the name dr-lee" in reasons[1]


def test_tutor_sign_ins_and_actions_say_how_the_tutor_was_identified(room: Classroom) -> None:
    hub = TutorApp(room.wb)
    hub.start(environ={"JUPYTERHUB_USER": "dr-lee"}, wait=lambda: None)
    learner_page = started(room)
    assert learner_page.sign_in is not None
    learner_page.sign_in.name.value = "dr-lee"
    learner_page.sign_in.code.value = room.wb.config.join_code
    learner_page.sign_in.submit.click()
    learner_page.sign_in.passphrase.value = PASSPHRASE
    learner_page.sign_in.submit.click()
    assert learner_page.user == "dr-lee"
    review = room.wb.reviews()[0]
    room.wb.hide(review.id, actor="dr-lee", reason="Off topic")
    log = [(e.action, e.via) for e in room.wb.audit_log() if e.action in ("sign-in", "hide")]
    assert log == [("sign-in", "hub"), ("sign-in", "passphrase"), ("hide", "passphrase")]
    learner = started(room, JUPYTERHUB_USER="ben")
    assert learner.user == "ben"
    assert len([e for e in room.wb.audit_log() if e.action == "sign-in"]) == 2  # learners: no


def test_the_tutor_dashboard_shows_the_roster_and_resets_a_code(
    room: Classroom, rostered: dict[str, str]
) -> None:
    app = TutorApp(room.wb)
    app.start(environ={"JUPYTERHUB_USER": "dr-lee"}, wait=lambda: None)
    app.open("roster")
    view = app.sections["roster"]
    assert isinstance(view, RosterView)
    assert "Dana Scully" in view.table.value and "Fox Mulder" in view.table.value
    view.learner.value = "Dana Scully"
    view.reset.click()
    new_code = view.new_code.value.split("<code class='appraise-code'>")[1].split("<")[0]
    assert room.wb.learner_with_code(rostered["Dana Scully"]) is None
    learner = room.wb.learner_with_code(new_code)
    assert learner is not None and learner.name == "Dana Scully"
    (event,) = [e for e in room.wb.audit_log() if e.action == "roster" and "reset" in e.reason]
    assert event.actor == "dr-lee" and event.via == "hub"


def test_without_a_roster_the_roster_tab_explains_open_workshop_mode(tmp_path: Path) -> None:
    room = make_classroom(tmp_path / "plain")
    view = RosterView(room.wb, "dr-lee")
    assert "open workshop" in view.table.value and view.actions.layout.display == "none"
