"""Every widget test is a fresh page: no wrong tries carried over from another test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from widgets.sign_in import PAGE_THROTTLES


@pytest.fixture(autouse=True)
def fresh_page() -> Iterator[None]:
    PAGE_THROTTLES.clear()
    yield
    PAGE_THROTTLES.clear()
