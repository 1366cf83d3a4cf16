"""The guides' screenshots, written only when asked (``make screenshots``).

The browser tests walk through the screens the guides show, so they are the natural place to
photograph them; but a test run must leave the working tree as it found it. The screenshots in
``docs/screenshots/`` are therefore written only when ``APPRAISE_SCREENSHOTS=1`` is set, which
``make screenshots`` does. Otherwise :func:`screenshot` does nothing and the tests only check.
"""

from __future__ import annotations

import os
from typing import Any

from playwright.sync_api import Locator, Page

from tests.conftest import ROOT

SHOTS = ROOT / "docs" / "screenshots"
ENV = "APPRAISE_SCREENSHOTS"


def wanted() -> bool:
    """Did the person running the tests ask for the guides' screenshots to be rewritten?"""
    return os.environ.get(ENV, "") == "1"


def screenshot(page: Page | Locator, name: str, **options: Any) -> None:
    """Write ``docs/screenshots/<name>.png`` from ``page`` (or one element of it), only under
    ``make screenshots``."""
    if wanted():
        page.screenshot(path=str(SHOTS / f"{name}.png"), **options)
