"""Appraise behind a real JupyterHub, in a real headless Chromium.

One hub per module (tests/support/hub.py): learners ``ana`` and ``ben`` and ``tina``, a tutor
only because she is in the hub group ``appraise-tutors`` that the workbook names as its
``hub_tutor_group`` (``dr-lee`` is the workbook's own tutor and never signs in here). Nobody is
asked for a name: the hub's OAuth says who is who.

- the shared service: two learners each see themselves, never the other; a learner is refused
  the tutor dashboard, even when the browser sends the identity headers itself, claiming to be
  the tutor; the hub-group tutor hides a comment and the learner no longer sees it;
- one server per person: ana's own `appraise serve --hub` at /user/ana/ shows ana, and ben
  cannot open it; tina's own server knows her hub group and opens her tutor dashboard.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psutil
import pytest
from playwright.sync_api import Browser, Page, expect

from reviews import Workbook
from reviews.domain.hub import GROUPS_HEADER, USER_HEADER
from tests.support.classroom import Classroom, make_classroom
from tests.support.hub import Hub, running_hub

pytestmark = pytest.mark.browser
TIMEOUT_MS = 60_000
PASSWORDS = {"ana": "ana-pw-7", "ben": "ben-pw-3", "tina": "tina-pw-5"}
GROUP = "appraise-tutors"
RUDE = "Whoever reviewed this 2 stars is clueless."


@dataclass
class Setup:
    hub: Hub
    room: Classroom
    path: Path


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Setup]:
    folder = tmp_path_factory.mktemp("hub")
    path = folder / "wb"
    room = make_classroom(path, hub_tutor_group=GROUP)
    room.wb.add_comment(room.video.id, "cat", RUDE)
    with running_hub(folder, path, PASSWORDS, {GROUP: ["tina"]}) as hub:
        yield Setup(hub, room, path)


def signed_in(browser: Browser, hub: Hub, user: str, headers: dict[str, str] | None = None) -> Page:
    """A fresh browser context signed in to the hub as ``user`` (with its own password)."""
    context = browser.new_context(extra_http_headers=headers or {})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.goto(f"{hub.url}hub/login?next=%2Fhub%2Fhome")  # home, not spawn: no server started
    page.fill("#username_input", user)
    page.fill("#password_input", PASSWORDS[user])
    page.click("#login_submit")
    page.wait_for_url(re.compile(r"/hub/home"))
    return page


def open_dashboard(page: Page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector(".appraise-user b, .appraise-refusal, .appraise-error")


def test_two_hub_learners_each_see_themselves_and_never_a_sign_in_form(
    browser: Browser, setup: Setup
) -> None:
    pages = {me: signed_in(browser, setup.hub, me) for me in ("ana", "ben")}
    for page in pages.values():  # both at once: two kernels answer in parallel
        page.goto(setup.hub.service)
    for me, other in [("ana", "ben"), ("ben", "ana")]:
        page = pages[me]
        page.wait_for_selector(".appraise-user b")
        expect(page.locator(".appraise-user")).to_contain_text(f"Signed in as {me}")
        assert page.locator(".appraise-sign-in").count() == 0
        assert page.locator(".appraise-sign-out").is_hidden()  # the hub signs people out
        assert not re.search(rf"\b{other}\b", page.inner_text("body"))
    for page in pages.values():
        page.context.close()


def test_a_learner_is_refused_the_tutor_dashboard_even_with_forged_identity_headers(
    browser: Browser, setup: Setup
) -> None:
    forged = {USER_HEADER: "tina", GROUPS_HEADER: f'["{GROUP}"]'}
    page = signed_in(browser, setup.hub, "ben", headers=forged)
    open_dashboard(page, f"{setup.hub.service}tutor")
    expect(page.locator(".appraise-refusal")).to_contain_text("ben is not one of them")
    assert page.locator(".appraise-moderation").count() == 0
    open_dashboard(page, setup.hub.service)
    expect(page.locator(".appraise-user")).to_contain_text("Signed in as ben")
    page.context.close()


def test_nobody_gets_in_without_the_hub_whatever_headers_they_send(
    browser: Browser, setup: Setup
) -> None:
    context = browser.new_context(extra_http_headers={USER_HEADER: "tina"})
    page = context.new_page()
    page.goto(f"{setup.hub.service}tutor")
    expect(page).to_have_url(re.compile(r"/hub/login"))  # sent to the hub's login page
    assert page.locator(".appraise-app").count() == 0
    context.close()


def test_a_hub_group_tutor_hides_a_comment_and_the_learner_no_longer_sees_it(
    browser: Browser, setup: Setup
) -> None:
    resource = f"{setup.hub.service}?resource={setup.room.video.id}"
    learner = signed_in(browser, setup.hub, "ana")
    open_dashboard(learner, resource)
    expect(learner.locator(".appraise-comments")).to_contain_text(RUDE)

    tutor = signed_in(browser, setup.hub, "tina")
    open_dashboard(tutor, f"{setup.hub.service}tutor")
    expect(tutor.locator(".appraise-user")).to_contain_text("Signed in as tina (a tutor")
    tutor.get_by_role("button", name=re.compile(r"^Comments")).click()  # the queue's group
    card = tutor.locator(".appraise-card", has_text=RUDE)
    card.get_by_label("Reason or note").fill("Unprofessional about a classmate")
    card.get_by_role("button", name="Hide").click()
    expect(tutor.locator(".appraise-queue-status")).to_contain_text("Hidden")

    learner.reload()
    learner.wait_for_selector(".appraise-resource-page")
    expect(learner.locator(".appraise-resource-page")).not_to_contain_text(RUDE)
    (event,) = [e for e in Workbook.open(setup.path).audit_log() if e.action == "hide"]
    assert event.actor == "tina"  # recorded under her hub name, checked as a tutor server-side
    learner.context.close()
    tutor.context.close()


def test_one_server_per_learner_shows_its_owner_and_refuses_everyone_else(
    browser: Browser, setup: Setup
) -> None:
    ana = signed_in(browser, setup.hub, "ana")
    tina = signed_in(browser, setup.hub, "tina")
    for page in (ana, tina):  # the hub starts each one's own `appraise serve --hub`, at once
        page.goto(f"{setup.hub.url}hub/spawn")
    ana.wait_for_url(re.compile(r"/user/ana/"), timeout=120_000)
    ana.wait_for_selector(".appraise-user b")
    expect(ana.locator(".appraise-user")).to_contain_text("Signed in as ana")

    tina.wait_for_url(re.compile(r"/user/tina/"), timeout=120_000)
    open_dashboard(tina, f"{setup.hub.url}user/tina/tutor")  # her groups reach her server too
    expect(tina.locator(".appraise-user")).to_contain_text(
        "Signed in as tina (a tutor of this workbook"
    )

    ben = signed_in(browser, setup.hub, "ben")
    response = ben.goto(f"{setup.hub.url}user/ana/")
    assert response is not None
    ben.wait_for_load_state()
    assert ben.locator(".appraise-app").count() == 0
    assert "Signed in as" not in ben.inner_text("body")
    for page in (ana, tina, ben):
        page.context.close()


def test_the_hub_service_keeps_the_catalogue_fresh_with_a_summariser(setup: Setup) -> None:
    """As under `appraise serve`: learners' kernels never fit the quality model themselves."""
    workbook = str(setup.path.resolve())

    def summarisers() -> list[psutil.Process]:
        found = []
        for proc in psutil.process_iter(["cmdline"]):
            command = proc.info["cmdline"] or []
            if "reviews.serving.summariser" in command and workbook in command:
                found.append(proc)
        return found

    # one: the shared service's (one server per learner, started in another test, runs none)
    deadline = time.monotonic() + 60
    while not summarisers():
        assert time.monotonic() < deadline, "no summariser beside the hub's Appraise service"
        time.sleep(0.2)  # polling with a deadline
    assert len(summarisers()) == 1
    assert (setup.path / ".cache" / "summariser.lock").exists()
