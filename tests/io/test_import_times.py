"""Times at the edges of the calendar are a line-numbered import error, not a crash."""

from __future__ import annotations

from pathlib import Path

import pytest

from reviews import Workbook
from reviews.domain.errors import ImportRowsError
from reviews.io.importer import import_reviews
from tests.io.test_importer import write_csv


@pytest.mark.parametrize("when", ["0001-01-01T00:00:00+05:00", "9999-12-31T23:00:00-05:00"])
def test_a_time_beyond_the_calendar_in_utc_is_a_line_numbered_error(
    wb: Workbook, tmp_path: Path, when: str
) -> None:
    res = wb.add_resource("https://example.org/a", title="A", added_by="tutor-1")
    rows = [["resource", "reviewer", "overall", "created_at"]]
    rows += [[res.id, "learner-1", "4", "2026-03-01T09:00:00Z"], [res.id, "learner-2", "3", when]]
    with pytest.raises(ImportRowsError) as caught:
        import_reviews(wb, write_csv(tmp_path / "r.csv", rows), "stars", actor="tutor-1")
    ((line, reason),) = caught.value.problems
    assert line == 3 and "created_at" in reason and when in reason
    assert wb.reviews() == []
