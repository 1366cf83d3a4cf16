"""Addresses for every screen, without a browser: what the kernel writes for the page script
and what it does with the address the browser sends back (Back, Forward, a copied link)."""

from __future__ import annotations

from pathlib import Path

import pytest

from reviews.workbook import Workbook
from tests.support.classroom import Classroom, make_classroom
from widgets.app import LearnerApp
from widgets.router import Router, encode, parse
from widgets.tutor_app import TutorApp


@pytest.fixture
def room(tmp_path: Path) -> Classroom:
    return make_classroom(tmp_path / "wb")


def routed(router: Router) -> tuple[str, str]:
    """(route, mode) of the last address the kernel handed the page."""
    value = router.output.value
    route = value.split("data-route='")[1].split("'")[0]
    return route.replace("&amp;", "&"), value.split("data-mode='")[1].split("'")[0]


def back(router: Router, query: str, n: int = 1) -> None:
    """What the page script does on popstate."""
    router.input.value = f"{n} {query}"


def test_parse_keeps_known_parameters_and_encode_drops_empty_ones() -> None:
    assert parse("?resource=res_1&evil=<x>&q=AF&q=MI") == {"resource": "res_1", "q": "AF"}
    assert parse("q=" + "x" * 301) == {}
    assert encode({"q": "atrial fib", "sort": "", "resource": "r"}) == "?resource=r&q=atrial+fib"
    assert encode({}) == ""


def test_each_screen_pushes_its_address_and_filters_replace_it(room: Classroom) -> None:
    app = LearnerApp(room.wb)
    app.start(environ={"JUPYTERHUB_USER": "ana"}, wait=lambda: None)
    assert app.router.current == ""
    assert app.catalogue is not None
    app.catalogue.search.value = "AF"
    assert routed(app.router) == ("?q=AF", "replace")
    app.open(room.video.id)
    assert routed(app.router) == (f"?resource={room.video.id}", "push")
    app.show_add()
    assert routed(app.router) == ("?screen=add", "push")


def test_back_and_forward_show_the_screen_of_the_address(room: Classroom) -> None:
    app = LearnerApp(room.wb)
    app.start(environ={"JUPYTERHUB_USER": "ana"}, wait=lambda: None)
    app.open(room.video.id)
    back(app.router, "?q=AF&kind=video&mine=no", 1)
    assert app.catalogue is not None and app.body.children == (app.catalogue.widget,)
    assert app.catalogue.search.value == "AF" and app.catalogue.kind.value == "video"
    assert app.catalogue.unreviewed.value and app.catalogue.more.value
    back(app.router, f"?resource={room.wiki.id}", 2)
    assert app.page is not None and app.page.resource_id == room.wiki.id
    back(app.router, f"?resource={room.wiki.id}", 3)  # the same address twice still counts
    assert app.body.children == (app.page.widget,)
    back(app.router, "?resource=res_gone", 4)  # a resource since removed: the catalogue
    assert app.body.children == (app.catalogue.widget,)
    assert app.status.widget.value == ""


def test_a_copied_address_opens_its_screen_after_sign_in(room: Classroom) -> None:
    app = LearnerApp(room.wb)
    app.start(environ={"QUERY_STRING": "screen=add"}, wait=lambda: None)
    assert app.sign_in is not None and app.catalogue is None
    back(app.router, f"?resource={room.wiki.id}")  # Back before signing in: remembered
    app.enter("ana", remember=False)
    assert app.page is not None and app.body.children == (app.page.widget,)
    assert app.page.resource_id == room.wiki.id
    assert app.router.current == f"?resource={room.wiki.id}"
    assert app.router.output.value == ""  # the browser shows that address already


def test_each_tutor_tab_has_its_address(room: Classroom) -> None:
    wb: Workbook = room.wb
    app = TutorApp(wb)
    app.start(environ={"JUPYTERHUB_USER": "dr-lee", "QUERY_STRING": "tab=audit"}, wait=lambda: None)
    assert "appraise-current" in app.tabs["audit"]._dom_classes
    app.open("participation")
    assert routed(app.router) == ("?tab=participation", "push")
    back(app.router, "?tab=audit")
    assert "appraise-current" in app.tabs["audit"]._dom_classes
    back(app.router, "", 2)
    assert "appraise-current" in app.tabs["queue"]._dom_classes
