"""Shared fixtures: a fresh workbook on every storage backend, and the project's paths."""

from __future__ import annotations

from pathlib import Path

import pytest

from reviews import Workbook
from reviews.store import BACKENDS

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def postgres():
    """The session's throwaway PostgreSQL server (see tests/support/postgres.py)."""
    from tests.support.postgres import start_postgres, stop_postgres

    server = start_postgres()
    yield server
    from reviews.store.sql_store import dispose_engines

    dispose_engines()
    stop_postgres(server)


@pytest.fixture
def postgres_url(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch):
    """A fresh, empty database, also as APPRAISE_DATABASE_URL (what `storage="postgresql"`
    uses when no URL is given)."""
    from reviews.store.sql_store import dispose_engines

    url = request.getfixturevalue("postgres").fresh_database()
    monkeypatch.setenv("APPRAISE_DATABASE_URL", url)
    yield url
    dispose_engines()  # a test's connections must not pile up on the server


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """Every storage behaviour runs once per backend (tinydb, sqlite, postgresql); with
    postgresql, APPRAISE_DATABASE_URL names a fresh database of the session's server."""
    if request.param == "postgresql":
        request.getfixturevalue("postgres_url")
    return request.param


@pytest.fixture
def wb(tmp_path: Path, backend: str) -> Workbook:
    return Workbook.create(
        tmp_path / "wb", title="Cardiology block", tutors=["tutor-1"], storage=backend
    )


@pytest.fixture
def resource(wb: Workbook):
    return wb.add_resource(
        url="https://en.wikipedia.org/wiki/Atrial_fibrillation",
        title="Atrial fibrillation",
        added_by="learner-1",
    )


@pytest.fixture(scope="session")
def browser():
    """A headless Debian Chromium driven by Playwright (fails, never skips, when missing)."""
    from playwright.sync_api import sync_playwright

    from tests.support.serving import CHROMIUM_ARGS, chromium_path

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield instance
        instance.close()
