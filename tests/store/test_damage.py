"""One bad file or record never takes the class offline: reads skip it, `check` lists it.

Damage is written into the TinyDB files by hand, as a careless edit or a broken disk would;
records that fail their model are also written through the store on both backends.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from reviews import Workbook
from reviews.io.check import check_workbook
from reviews.store.tinydb_store import shard_file_name


def _shard(wb: Workbook, author: str) -> Path:
    return wb.path / "contributions" / shard_file_name(author)


@pytest.fixture
def room(tmp_path: Path) -> tuple[Workbook, str]:
    """A workbook with one resource reviewed, corrected and discussed by two learners."""
    wb = Workbook.create(tmp_path / "wb", title="T", tutors=["tutor-1"])
    res = wb.add_resource(url="https://example.org/a", title="A", added_by="tutor-1")
    for who, stars in (("learner-1", 4), ("learner-2", 2)):
        wb.submit_review(res.id, reviewer=who, scores={"overall": stars})
    wb.add_correction(res.id, author="learner-1", claim="c", correction="d", evidence="e")
    wb.add_comment(res.id, author="learner-2", text="hello")
    return wb, res.id


def _every_view_works(wb: Workbook) -> None:
    fresh = Workbook.open(wb.path)
    fresh.reviews()
    fresh.corrections()
    fresh.comments()
    fresh.audit_log()
    fresh.pseudonyms()
    assert len(fresh.summary()) == 1


def _add_table(path: Path, table: str, entries: dict[str, object]) -> None:
    data = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    data.setdefault(table, {}).update(entries)
    path.write_text(json.dumps(data), encoding="utf-8")


@pytest.mark.parametrize(
    ("table", "value"),
    [("reviews", "x"), ("events", 5), ("comments", [1, 2]), ("corrections", None)],
)
def test_a_record_that_is_not_an_object_is_skipped_and_reported(
    room: tuple[Workbook, str], table: str, value: object
) -> None:
    wb, _ = room
    path = _shard(wb, "learner-3")
    _add_table(path, table, {"1": value})
    _every_view_works(wb)
    assert len(Workbook.open(wb.path).reviews()) == 2
    found, _ = check_workbook(wb.path)
    assert any(str(path) in p and f"[{table} 1]" in p and "not a JSON object" in p for p in found)
    damage = Workbook.open(wb.path).damage()
    assert [str(path) in str(p) for p in damage] == [True]


def test_a_record_failing_its_model_is_skipped_on_every_backend(wb: Workbook) -> None:
    res = wb.add_resource(url="https://example.org/a", title="A", added_by="tutor-1")
    wb.submit_review(res.id, reviewer="learner-1", scores={"overall": 4})
    bad = {"id": "rev_bad", "resource_id": res.id, "reviewer": "learner-2", "scores": "x"}
    with wb.store.inner.transaction("learner-2") as shard:  # type: ignore[attr-defined]
        shard.put("reviews", bad)
        shard.put("events", {"id": "evt_bad", "action": "explode"})
    fresh = Workbook.open(wb.path)
    assert [r.reviewer for r in fresh.reviews()] == ["learner-1"]
    assert fresh.summary()["n_reviews"].tolist() == [1]
    assert fresh.audit_log() == []
    # the author can still write: the bad record is left alone, a new review saved beside it
    fresh.submit_review(res.id, reviewer="learner-2", scores={"overall": 2})
    assert len(Workbook.open(wb.path).reviews()) == 2
    assert len(fresh.damage()) == 2
    found, _ = check_workbook(wb.path)
    assert sum("scores" in p or "action" in p for p in found) == 2


def test_a_directory_in_place_of_a_shard_is_skipped_and_every_problem_listed(
    room: tuple[Workbook, str],
) -> None:
    wb, _ = room
    gone = _shard(wb, "learner-2")
    gone.unlink()
    gone.mkdir()
    other = _shard(wb, "learner-3")
    other.write_text("{not json", encoding="utf-8")
    _add_table(_shard(wb, "learner-1"), "votes", {"7": "x"})
    fresh = Workbook.open(wb.path)
    assert [r.reviewer for r in fresh.reviews()] == ["learner-1"]
    assert fresh.summary()["n_reviews"].tolist() == [1]
    found, _ = check_workbook(wb.path)
    assert any(str(gone) in p and "not a regular file" in p for p in found)
    assert any(str(other) in p and "not valid JSON" in p for p in found)
    assert any("[votes 7]" in p for p in found)


def test_a_fifo_in_place_of_a_shard_never_blocks_a_reader(room: tuple[Workbook, str]) -> None:
    wb, _ = room
    fifo = _shard(wb, "learner-2")
    fifo.unlink()
    os.mkfifo(fifo)
    assert [r.reviewer for r in Workbook.open(wb.path).reviews()] == ["learner-1"]
    found, _ = check_workbook(wb.path)
    assert any(str(fifo) in p for p in found)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file: the FIFO test covers this")
def test_a_shard_without_read_permission_is_skipped(room: tuple[Workbook, str]) -> None:
    wb, _ = room
    locked = _shard(wb, "learner-2")
    locked.chmod(0)
    try:
        assert [r.reviewer for r in Workbook.open(wb.path).reviews()] == ["learner-1"]
        found, _ = check_workbook(wb.path)
        assert any(str(locked) in p and "cannot be read" in p for p in found)
    finally:
        locked.chmod(0o644)


def test_a_record_under_a_key_that_is_not_a_number(room: tuple[Workbook, str]) -> None:
    wb, res_id = room
    path = _shard(wb, "learner-1")
    data = json.loads(path.read_text(encoding="utf-8"))
    data["reviews"] = {"abc": data["reviews"]["1"]}
    path.write_text(json.dumps(data), encoding="utf-8")
    fresh = Workbook.open(wb.path)
    assert [r.reviewer for r in fresh.reviews()] == ["learner-2"]  # skipped ...
    found, _ = check_workbook(wb.path)
    assert any(f"{path} [reviews abc]" in p and "not a number" in p for p in found)  # reported
    # ... and its author can still write; the hand-edited entry is kept as it was
    fresh.submit_review(res_id, reviewer="learner-1", scores={"overall": 5})
    fresh.add_comment(res_id, author="learner-1", text="still here")
    kept = json.loads(path.read_text(encoding="utf-8"))
    assert kept["reviews"]["abc"] == data["reviews"]["abc"]
    assert [r.scores for r in Workbook.open(wb.path).reviews(resource_id=res_id)] == [
        {"overall": 2},
        {"overall": 5},
    ]


def test_a_non_object_entry_survives_its_authors_writes(room: tuple[Workbook, str]) -> None:
    wb, res_id = room
    path = _shard(wb, "learner-1")
    _add_table(path, "comments", {"1": "x", "2": 7})
    for n in range(3):
        wb.add_comment(res_id, author="learner-1", text=f"comment {n}")
    kept = json.loads(path.read_text(encoding="utf-8"))["comments"]
    assert sorted(str(v) for v in kept.values() if not isinstance(v, dict)) == ["7", "x"]
    assert sum(isinstance(v, dict) for v in kept.values()) == 3
    assert len(Workbook.open(wb.path).comments()) == 4


def test_a_stored_time_beyond_the_calendar_in_utc_is_skipped(room: tuple[Workbook, str]) -> None:
    wb, _ = room
    path = _shard(wb, "learner-2")
    data = json.loads(path.read_text(encoding="utf-8"))
    data["reviews"]["1"]["created_at"] = "0001-01-01T00:00:00+05:00"
    path.write_text(json.dumps(data), encoding="utf-8")
    _every_view_works(wb)
    assert [r.reviewer for r in Workbook.open(wb.path).reviews()] == ["learner-1"]
    found, _ = check_workbook(wb.path)
    assert any("created_at" in p and "outside the calendar" in p for p in found)


def test_a_hand_edited_person_keeps_their_pseudonym_number_taken(
    room: tuple[Workbook, str],
) -> None:
    wb, res_id = room
    path = wb.path / "people.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    person = next(p for p in data["people"].values() if p["name"] == "learner-2")
    person["name"] = ""  # no longer a valid record
    path.write_text(json.dumps(data), encoding="utf-8")
    fresh = Workbook.open(wb.path)
    fresh.submit_review(res_id, reviewer="learner-3", scores={"overall": 3})
    numbers = [p.number for p in Workbook.open(wb.path).people()]
    assert len(numbers) == len(set(numbers))
    assert max(numbers) > person["number"]
