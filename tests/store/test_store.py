"""Storage behaviour: transactions, damaged files, caching. Backend-neutral where possible."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reviews import StorageError, Workbook
from reviews.io.check import check_workbook
from reviews.store import CATALOGUE
from reviews.store.tinydb_store import shard_file_name


def test_a_failed_transaction_writes_nothing(wb: Workbook) -> None:
    with pytest.raises(RuntimeError), wb.store.transaction("learner-1") as shard:
        shard.put("reviews", {"id": "rev_1", "reviewer": "learner-1"})
        raise RuntimeError("crash in the middle")
    assert wb.store.records("reviews") == []


def test_put_replaces_by_id_within_a_shard(wb: Workbook) -> None:
    raw = wb.store.inner  # the backend itself: these votes are not valid records
    with raw.transaction("a") as shard:
        shard.put("votes", {"id": "v1", "agree": True})
        shard.put("votes", {"id": "v1", "agree": False})
        shard.put_many("votes", [{"id": "v2", "agree": True}, {"id": "v1", "agree": True}])
    assert sorted((d["id"], d["agree"]) for d in raw.records("votes")) == [
        ("v1", True),
        ("v2", True),
    ]


def test_reads_see_writes_from_another_workbook_instance(wb: Workbook, resource) -> None:
    other = Workbook.open(wb.path)
    assert other.reviews() == []
    wb.submit_review(resource.id, reviewer="learner-1", scores={"overall": 4})
    assert [r.scores for r in other.reviews()] == [{"overall": 4}]
    wb.submit_review(resource.id, reviewer="learner-1", scores={"overall": 2})
    assert [r.scores for r in other.reviews()] == [{"overall": 2}]


def _shard(wb: Workbook, author: str) -> Path:
    return wb.path / "contributions" / shard_file_name(author)


@pytest.fixture
def tiny(tmp_path: Path) -> Workbook:
    return Workbook.create(tmp_path / "wb", title="T", tutors=["tutor-1"])


def test_a_damaged_shard_is_reported_and_the_rest_still_loads(tiny: Workbook) -> None:
    res = tiny.add_resource(url="https://example.org/a", title="A", added_by="t")
    for who in ("learner-1", "learner-2"):
        tiny.submit_review(res.id, reviewer=who, scores={"overall": 4})
    damaged = _shard(tiny, "learner-1")
    damaged.write_text('{"reviews": {"1": {"id": "rev_x", ', encoding="utf-8")
    before = damaged.read_bytes()

    fresh = Workbook.open(tiny.path)
    assert [r.reviewer for r in fresh.reviews()] == ["learner-2"]
    problems, _ = check_workbook(tiny.path)
    assert any(str(damaged) in p and "not valid JSON" in p for p in problems)

    with pytest.raises(StorageError, match="damaged"):
        fresh.submit_review(res.id, reviewer="learner-1", scores={"overall": 1})
    assert damaged.read_bytes() == before  # never overwritten silently


def test_a_hand_edited_record_is_reported_with_its_field(tiny: Workbook) -> None:
    res = tiny.add_resource(url="https://example.org/a", title="A", added_by="t")
    tiny.submit_review(res.id, reviewer="learner-1", scores={"overall": 4})
    tiny.submit_review(res.id, reviewer="learner-2", scores={"overall": 5})
    path = _shard(tiny, "learner-1")
    data = json.loads(path.read_text())
    (doc,) = data["reviews"].values()
    doc["scores"]["overall"] = 11
    doc["confidence"] = "very"
    path.write_text(json.dumps(data))

    problems, counts = check_workbook(tiny.path)
    text = "\n".join(problems)
    assert str(path) in text and "confidence" in text
    assert counts["reviews"] == 1
    assert [r.reviewer for r in Workbook.open(tiny.path).reviews()] == ["learner-2"]


def test_a_valid_record_with_an_out_of_scale_score_is_reported(tiny: Workbook) -> None:
    res = tiny.add_resource(url="https://example.org/a", title="A", added_by="t")
    tiny.submit_review(res.id, reviewer="learner-1", scores={"overall": 4})
    path = _shard(tiny, "learner-1")
    data = json.loads(path.read_text())
    next(iter(data["reviews"].values()))["scores"]["overall"] = 11
    path.write_text(json.dumps(data))
    problems, _ = check_workbook(tiny.path)
    assert any(str(path) in p and "from 1 to 5" in p for p in problems)


def test_a_dangling_reference_is_reported(tiny: Workbook) -> None:
    with tiny.store.transaction("learner-1") as shard:
        review = {
            "schema_version": 1, "id": "rev_1", "created_at": "2026-01-01T00:00:00Z",
            "updated_at": "2026-01-01T00:00:00Z", "resource_id": "res_gone",
            "reviewer": "learner-1", "rubric": "stars", "scores": {"overall": 3},
        }  # fmt: skip
        shard.put("reviews", review)
    problems, _ = check_workbook(tiny.path)
    assert any("resource_id 'res_gone' does not exist" in p for p in problems)


def test_a_damaged_config_is_reported_by_name(tiny: Workbook) -> None:
    (tiny.path / "workbook.yaml").write_text("title: [unclosed\n", encoding="utf-8")
    problems, _ = check_workbook(tiny.path)
    assert len(problems) == 1 and "workbook.yaml" in problems[0]


def test_a_clean_workbook_passes_check(wb: Workbook, resource) -> None:
    wb.submit_review(resource.id, reviewer="learner-1", scores={"overall": 4})
    problems, counts = check_workbook(wb.path)
    assert problems == []
    assert counts["resources"] == 1 and counts["reviews"] == 1


def test_the_catalogue_is_its_own_shard(tiny: Workbook) -> None:
    tiny.add_resource(url="https://example.org/a", title="A", added_by="t")
    assert (tiny.path / "catalogue.json").exists()
    assert not list((tiny.path / "contributions").glob("*.json"))
    with tiny.store.transaction(CATALOGUE) as shard:
        assert [d["title"] for d in shard.all("resources")] == ["A"]


def test_shard_file_names_are_safe_and_distinct() -> None:
    names = ["Ann", "ann", "../../etc/passwd", "a b", "a-b", "名前", ""]
    files = [shard_file_name(n) for n in names]
    assert len(set(files)) == len(files)
    assert all("/" not in f and f.endswith(".json") and not f.startswith(".") for f in files)


@pytest.fixture(params=["sqlite", "postgresql"])
def sql_wb(request: pytest.FixtureRequest, tmp_path: Path) -> Workbook:
    """A workbook on each SQL backend."""
    if request.param == "postgresql":
        request.getfixturevalue("postgres_url")
    return Workbook.create(tmp_path / "wb", title="T", storage=request.param)


def test_a_damaged_sql_row_stops_its_authors_writes_with_a_clear_error(sql_wb: Workbook) -> None:
    import sqlalchemy as sa

    wb = sql_wb
    res = wb.add_resource(url="https://example.org/a", title="A", added_by="t")
    wb.submit_review(res.id, reviewer="learner-1", scores={"overall": 4})
    wb.submit_review(res.id, reviewer="learner-2", scores={"overall": 5})
    with wb.store.engine.begin() as conn:  # type: ignore[attr-defined]
        conn.execute(
            sa.text(f"UPDATE documents SET doc = {DAMAGE[wb.store.name]} WHERE shard = 'learner-1'")
        )
    with pytest.raises(StorageError, match="damaged"):
        wb.submit_review(res.id, reviewer="learner-1", scores={"overall": 1})
    assert [r.reviewer for r in wb.reviews()] == ["learner-2"]
    problems, _ = check_workbook(wb.path)
    assert any("not valid JSON" in p or "not a JSON object" in p for p in problems)


# A SQLite row can hold any text; PostgreSQL's jsonb only JSON, but not always an object.
DAMAGE = {"sqlite": "'{not json'", "postgresql": "'\"not a document\"'"}


def test_find_answers_as_a_filter_of_every_record(wb: Workbook, resource) -> None:
    """The indexed lookups (SQL: columns, jsonb containment, json_extract) and the plain
    filter agree, on indexed and other fields, and a missing field matches None."""
    other = wb.add_resource(url="https://example.org/b", title="B", added_by="t")
    for who, res in (("learner-1", resource), ("learner-2", resource), ("learner-1", other)):
        wb.submit_review(res.id, reviewer=who, scores={"overall": 4})
    fix = wb.add_correction(resource.id, author="learner-2", claim="The dose", correction="5 mg",
                            evidence="BNF")  # fmt: skip
    wb.vote(fix.id, "learner-1", agree=True)
    wb.add_comment(fix.id, "learner-1", "Agreed")
    wb.add_comment(resource.id, "learner-2", "Useful")
    for kind, match in [
        ("reviews", {"resource_id": resource.id}),
        ("reviews", {"resource_id": resource.id, "reviewer": "learner-1"}),
        ("reviews", {"rubric": "stars", "deleted_at": None}),
        ("votes", {"correction_id": fix.id}),
        ("comments", {"target_id": resource.id}),
        ("comments", {"target_id": "nothing"}),
        ("corrections", {"resource_id": other.id}),
    ]:
        want = [d for d in wb.store.records(kind) if all(d.get(k) == v for k, v in match.items())]
        assert sorted(d["id"] for d in wb.store.find(kind, **match)) == sorted(
            d["id"] for d in want
        ), (kind, match)
    assert [r.reviewer for r in wb.reviews(resource_id=other.id)] == ["learner-1"]
    assert [c.text for c in wb.comments(fix.id)] == ["Agreed"]


def test_a_damaged_sql_row_does_not_break_a_lookup(sql_wb: Workbook) -> None:
    import sqlalchemy as sa

    wb = sql_wb
    res = wb.add_resource(url="https://example.org/a", title="A", added_by="t")
    wb.add_comment(res.id, "learner-1", "First")
    wb.add_comment(res.id, "learner-2", "Second")
    with wb.store.engine.begin() as conn:  # type: ignore[attr-defined]
        conn.execute(
            sa.text(f"UPDATE documents SET doc = {DAMAGE[wb.store.name]} WHERE shard = 'learner-1'")
        )
    assert [c.text for c in wb.comments(res.id)] == ["Second"]
