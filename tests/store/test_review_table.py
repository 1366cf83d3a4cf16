"""The summaries' columnar reads: every backend answers as the documents say.

The SQL backend answers `review_table` and `flag_counts` with its own queries over the review
columns (PostgreSQL: one CSV text built by the server). Each is checked against the same
answer computed from the stored documents, on records chosen to break a careless query:
names with commas, quotes and line breaks, scores that are strings or booleans, a
``scores`` that is a list, a flag listed twice, deleted and hidden reviews, other rubrics.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import sqlalchemy as sa
from alembic import command

from reviews import Workbook
from reviews.domain.model import FLAGS
from reviews.store.schema import alembic_config, head
from reviews.store.tables import (
    FIELDS,
    ReviewQuery,
    counts_from_docs,
    score_column,
    table_from_docs,
)

AWKWARD = [
    {"id": "r1", "resource_id": "res_a", "reviewer": 'O"Brien, Jr', "rubric": "quick",
     "scores": {"accuracy": 3, "references": 2}, "confidence": 2, "flags": ["outdated"],
     "created_at": "2026-03-01T09:00:00Z", "updated_at": "2026-03-02T09:00:00.5Z"},
    {"id": "r2", "resource_id": "res_a", "reviewer": "line\nbreak", "rubric": "quick",
     "scores": {"accuracy": "4", "references": True}, "confidence": 2.5,
     "flags": ["outdated", "outdated", "broken_link"], "created_at": "2026-03-01T10:00:00Z"},
    {"id": "r3", "resource_id": "res,b", "reviewer": "ünïcode", "rubric": "quick",
     "scores": {"accuracy": 1.5}, "flags": "misinformation", "updated_at": 7},
    {"id": "r4", "resource_id": "res_b", "reviewer": "learner-4", "rubric": "quick",
     "scores": [3, 2], "flags": ["confidentiality"]},  # scores not an object
    {"id": "r5", "resource_id": "res_b", "reviewer": "learner-5", "rubric": "quick",
     "scores": {"accuracy": 5}, "deleted_at": "2026-03-03T09:00:00Z", "flags": ["outdated"]},
    {"id": "r6", "resource_id": "res_b", "reviewer": "learner-6", "rubric": "stars",
     "scores": {"overall": 4}, "flags": ["undeclared_promotion"]},  # another rubric
    {"id": "r7", "resource_id": "res_c", "reviewer": "learner-7", "rubric": "quick",
     "scores": {"accuracy": 4}, "flags": ["outdated"]},  # hidden by a tutor (excluded)
    {"id": "r8", "resource_id": "res_c", "rubric": "quick", "scores": {"accuracy": 4}},
    {"id": "r9", "resource_id": "", "reviewer": "learner-9", "rubric": "quick",
     "scores": {"accuracy": 4}},  # no resource: left out of the table
]  # fmt: skip


@pytest.fixture
def raw(wb: Workbook) -> Any:
    """The backend itself (these records are not all valid), holding AWKWARD."""
    store = wb.store.inner  # type: ignore[attr-defined]
    for doc in AWKWARD:
        with store.transaction(doc.get("reviewer") or "nobody") as shard:
            shard.put("reviews", doc)
    return store


def _live(docs: list[dict[str, Any]], rubric: str | None) -> list[dict[str, Any]]:
    return [
        d
        for d in docs
        if d.get("deleted_at") is None and (rubric is None or d.get("rubric") == rubric)
    ]


def _same(got: pd.DataFrame, want: pd.DataFrame) -> None:
    """Equal tables, rows in any order (numbers compared as floats, NaN equal to NaN)."""
    assert list(got.columns) == list(want.columns)
    key = list(got.columns)
    rows = lambda f: sorted(  # noqa: E731
        (tuple("nan" if isinstance(v, float) and math.isnan(v) else v for v in row)
         for row in f[key].itertuples(index=False)),
        key=repr,
    )  # fmt: skip
    assert rows(got) == rows(want)


@pytest.mark.parametrize("rubric", ["quick", None])
def test_the_review_table_says_what_the_documents_say(raw: Any, rubric: str | None) -> None:
    items = ("accuracy", "references") if rubric else ()
    query = ReviewQuery(rubric, fields=FIELDS, items=items, exclude=frozenset({"r7"}))
    got = raw.review_table(query)
    want = table_from_docs(_live(raw.records("reviews"), rubric), query)
    _same(got, want)
    assert got["confidence"].dtype == float and got["id"].dtype == object
    if rubric:
        by_id = got.set_index("id")
        assert set(by_id.index) == {"r1", "r2", "r3"}  # r4: list; r5 deleted; r7 hidden; …
        assert by_id.loc["r1", "reviewer"] == 'O"Brien, Jr'
        assert by_id.loc["r2", "reviewer"] == "line\nbreak"
        assert math.isnan(by_id.loc["r2", score_column("accuracy")])  # "4" is not a number
        assert math.isnan(by_id.loc["r2", score_column("references")])  # nor is true
        assert by_id.loc["r3", score_column("accuracy")] == 1.5
        assert by_id.loc["r3", "updated_at"] is None and by_id.loc["r3", "created_at"] is None
        assert by_id.loc["r1", "updated_at"] == "2026-03-02T09:00:00.5Z"


def test_flag_counts_count_each_flag_once_per_live_review(raw: Any) -> None:
    hidden = frozenset({"r7"})
    got = raw.flag_counts(FLAGS, hidden)
    want = counts_from_docs(_live(raw.records("reviews"), None), FLAGS, hidden)
    pd.testing.assert_frame_equal(got.sort_index(), want.sort_index())
    assert got.loc["res_a", "flag_outdated"] == 2 and got.loc["res_a", "n_reviews"] == 2
    assert got.loc["res_b", "n_reviews"] == 2 and got.loc["res,b", "n_reviews"] == 1  # r5 deleted
    assert "res_c" in got.index and got.loc["res_c", "flag_outdated"] == 0  # r8 counts


def test_an_empty_workbook_gives_empty_tables(wb: Workbook) -> None:
    query = ReviewQuery("stars", fields=FIELDS, items=("overall",))
    table = wb.store.review_table(query)
    assert table.empty and list(table.columns) == query.columns
    assert wb.store.flag_counts(FLAGS, frozenset()).empty


def test_an_edited_review_moves_its_columns_with_it(wb: Workbook, resource: Any) -> None:
    wb.submit_review(resource.id, "learner-1", {"overall": 2}, flags=["outdated"])
    wb.submit_review(resource.id, "learner-1", {"overall": 5})
    query = ReviewQuery("stars", items=("overall",))
    assert wb.store.review_table(query)[score_column("overall")].tolist() == [5.0]
    assert wb.store.flag_counts(FLAGS, frozenset()).loc[resource.id, "flag_outdated"] == 0


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])  # TinyDB keeps no schema
def test_upgrading_a_database_of_revision_0001_fills_the_review_columns(
    tmp_path: Path, backend: str, request: pytest.FixtureRequest
) -> None:
    """Reviews written before the columns existed are summarised as they were."""
    if backend == "postgresql":
        request.getfixturevalue("postgres_url")  # a fresh database, as APPRAISE_DATABASE_URL
    wb = Workbook.create(tmp_path / "wb", title="T", storage=backend)
    res = wb.add_resource(url="https://example.org/a", title="A", added_by="t")
    wb.submit_review(res.id, "learner-1", {"overall": 4}, flags=["outdated"])
    wb.submit_review(res.id, "learner-2", {"overall": 2})
    before = wb.summary()
    engine = wb.store.engine  # type: ignore[attr-defined]
    with engine.begin() as conn:  # back to revision 0001, the review columns gone
        command.downgrade(alembic_config(conn), "0001")
        assert "reviewer" not in {c["name"] for c in sa.inspect(conn).get_columns("documents")}
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "head")
    again = Workbook.open(wb.path)
    query = ReviewQuery("stars", items=("overall",))
    assert sorted(again.store.review_table(query)[score_column("overall")]) == [2.0, 4.0]
    pd.testing.assert_frame_equal(again.summary(), before)
    with engine.connect() as conn:
        (version,) = conn.execute(sa.text("SELECT version_num FROM alembic_version")).one()
    assert version == head()
