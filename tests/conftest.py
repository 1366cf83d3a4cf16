"""Shared fixtures: a fresh workbook on every storage backend, and the project's paths."""

from __future__ import annotations

from pathlib import Path

import pytest

from reviews import Workbook
from reviews.store import BACKENDS

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """Every storage behaviour runs once per backend (tinydb, sqlite)."""
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
