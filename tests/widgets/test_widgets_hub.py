"""The dashboards under `appraise serve --hub`, without a browser: the hub's verified user
decides, never a form, a cookie or the server owner's JUPYTERHUB_USER (tests/hub runs the real
hub)."""

from __future__ import annotations

from pathlib import Path

import pytest

from reviews.domain.hub import encode_groups, header_env
from tests.support.classroom import Classroom, make_classroom
from tests.widgets.test_widgets_tutor import page_text
from widgets.app import LearnerApp
from widgets.sign_in import cookie_name, remember_token
from widgets.summaries_app import SummariesApp
from widgets.tutor_app import TutorApp

GROUP = "appraise-tutors"


@pytest.fixture
def room(tmp_path: Path) -> Classroom:
    return make_classroom(tmp_path / "wb", hub_tutor_group=GROUP)


def hub_env(user: str = "", groups: tuple[str, ...] = (), **extra: str) -> dict[str, str]:
    env = {"APPRAISE_HUB": "1", header_env("X-Appraise-Hub-Groups"): encode_groups(list(groups))}
    if user:
        env[header_env("X-Appraise-Hub-User")] = user
    return env | extra


def test_the_learner_is_the_hubs_user_not_the_server_owner_nor_a_remembered_name(
    room: Classroom,
) -> None:
    cookie = f"{cookie_name(room.wb)}={remember_token(room.wb, 'cat')}"
    app = LearnerApp(room.wb)
    app.start(hub_env("ana", JUPYTERHUB_USER="ben", HTTP_COOKIE=cookie), wait=lambda: None)
    assert app.user == "ana" and app.sign_in is None
    assert app.sign_out.layout.display == "none"


def test_in_hub_mode_a_request_the_hub_did_not_vouch_for_gets_no_sign_in_form(
    room: Classroom,
) -> None:
    app = LearnerApp(room.wb)
    app.start(hub_env(JUPYTERHUB_USER="ben"), wait=lambda: None)
    assert app.user == "" and app.sign_in is None and app.catalogue is None
    assert "open this dashboard from the hub" in app.status.message


def test_a_member_of_the_hub_tutor_group_opens_the_tutor_dashboard(room: Classroom) -> None:
    app = TutorApp(room.wb)
    app.start(hub_env("tina", groups=(GROUP, "year-2")), wait=lambda: None)
    assert app.user == "tina" and "queue" in app.tabs
    assert "Digoxin first line" in page_text(app.widget)


def test_another_hub_group_is_refused_the_tutor_dashboard(room: Classroom) -> None:
    app = TutorApp(room.wb)
    app.start(hub_env("ben", groups=("year-2",), JUPYTERHUB_USER="dr-lee"), wait=lambda: None)
    assert app.user == "" and not app.tabs
    assert "ben is not one of them" in page_text(app.widget)


def test_the_summaries_page_takes_the_hubs_user(room: Classroom) -> None:
    app = SummariesApp(room.wb)
    app.start(hub_env("ana"), wait=lambda: None)
    assert app.user == "ana"
