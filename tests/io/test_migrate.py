"""`appraise migrate`: a TinyDB workbook copied into PostgreSQL, losslessly."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

from reviews import Workbook
from reviews.cli import main
from reviews.io.check import check_workbook
from reviews.store.sql_store import SQLStore
from reviews.store.tinydb_store import TinyDBStore
from tests.support.classroom import make_classroom


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as done:
        main(list(args))
    out, err = capsys.readouterr()
    return int(done.value.code or 0), out, err


def full_workbook(path: Path) -> Workbook:
    """Every kind of record, with edits, a soft delete, votes, comments and moderation."""
    room = make_classroom(path, tutor_passphrase_hash=None, min_reviewers=2)
    wb = room.wb
    wb.submit_review(room.video.id, "ana", {"overall": 5}, comment="Edited: better.")
    gone = wb.submit_review(room.wiki.id, "ben", {"overall": 3})
    wb.delete_review(gone.id, "ben")
    [correction] = wb.corrections()
    wb.vote(correction.id, "ana", agree=True, reason="Matches NICE.")
    wb.add_comment(room.video.id, author="cat", text="Is there a newer version?")
    hostile = next(r for r in wb.reviews() if r.reviewer == "cat")
    wb.hide(hostile.id, "dr-lee", "abusive")
    wb.verify_correction(correction.id, "dr-lee", "checked against NG196")
    return wb


def stored(wb: Workbook) -> dict[str, dict[str, dict]]:
    """Every stored document by kind and id."""
    out: dict[str, dict[str, dict]] = defaultdict(dict)
    for _, kind, doc in wb.store.scan():
        out[kind][doc["id"]] = doc
    return dict(out)


def test_migrate_copies_every_record_and_check_agrees_on_both_ends(
    postgres_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = full_workbook(tmp_path / "cardio")
    before = (tmp_path / "cardio" / "workbook.yaml").read_bytes()
    target = tmp_path / "cardio-pg"

    code, out, err = run(capsys, "migrate", "-w", str(source.path), "--to", postgres_url,
                         "--into", str(target))  # fmt: skip
    assert code == 0, err
    assert "Copied" in out and "unchanged" in out

    moved = Workbook.open(target)
    assert isinstance(moved.store.inner, SQLStore) and isinstance(source.store.inner, TinyDBStore)
    assert stored(moved) == stored(source)  # ids, revisions, soft deletes, events, numbers
    assert moved.pseudonyms() == source.pseudonyms()
    assert moved.moderation() == source.moderation()
    assert moved.config.model_dump(exclude={"storage", "database"}) == source.config.model_dump(
        exclude={"storage", "database"}
    )
    assert [r.model_dump() for r in moved.reviews(include_deleted=True, include_hidden=True)] == [
        r.model_dump() for r in source.reviews(include_deleted=True, include_hidden=True)
    ]
    assert moved.summary().equals(source.summary())
    problems_src, counts_src = check_workbook(source.path)
    problems_dst, counts_dst = check_workbook(target)
    assert problems_src == problems_dst == []
    assert counts_src == counts_dst and counts_src["reviews"] == 5
    assert (tmp_path / "cardio" / "workbook.yaml").read_bytes() == before

    # Each record sits in its author's shard: a learner still cannot delete another's review.
    from reviews import PermissionDenied

    ana = next(r for r in moved.reviews() if r.reviewer == "ana")
    with pytest.raises(PermissionDenied):
        moved.delete_review(ana.id, "ben")
    edited = moved.submit_review(ana.resource_id, "ana", {"overall": 3})  # an edit of it
    assert edited.id == ana.id and len(edited.revisions) == len(ana.revisions) + 1 == 2


def test_migrate_refuses_a_database_that_holds_records(
    postgres_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = full_workbook(tmp_path / "cardio")
    other = Workbook.create(tmp_path / "other", title="Other", database=postgres_url)
    other.add_resource(url="https://example.org/x", title="X", added_by="t")

    code, _, err = run(capsys, "migrate", "-w", str(source.path), "--to", postgres_url)
    assert code == 1 and len(err.strip().splitlines()) == 1 and "already holds records" in err
    assert not (tmp_path / "cardio-postgresql").exists()
    assert [r.title for r in other.resources()] == ["X"]
