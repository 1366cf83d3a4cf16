"""The SQL store's data version (``shard_versions``, revision 0002) and its disconnect handling.

Two ``Workbook`` objects on one PostgreSQL database, each with its own directory, stand for
two machines: a write through one must reach the other's catalogue snapshot, which its files
alone could never tell it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command

from reviews import StorageError, Workbook
from reviews.cli import main
from reviews.store.schema import alembic_config, head
from reviews.store.sql_store import SQLStore
from tests.support.postgres import Postgres

SQL = ["sqlite", "postgresql"]


def sql_workbook(tmp_path: Path, backend: str) -> Workbook:
    return Workbook.create(tmp_path / "wb", title="T", tutors=["tutor-1"], storage=backend)


def engine_of(wb: Workbook) -> sa.Engine:
    inner = wb.store.inner  # type: ignore[attr-defined]
    assert isinstance(inner, SQLStore)
    return inner.engine


def test_every_committed_write_moves_the_version_and_a_rolled_back_one_does_not(
    wb: Workbook, backend: str
) -> None:
    before = wb.store.data_version()
    if backend == "tinydb":  # the files are the version
        assert before is None
        return
    res = wb.add_resource(url="https://example.org/a", title="A", added_by="learner-1")
    after_add = wb.store.data_version()
    assert after_add != before
    with pytest.raises(RuntimeError), wb.store.transaction("learner-2") as shard:
        shard.add("comments", {"id": "com_x"})
        raise RuntimeError("changed my mind")
    assert wb.store.data_version() == after_add
    wb.submit_review(res.id, reviewer="learner-2", scores={"overall": 4})
    assert wb.store.data_version() != after_add


@pytest.mark.parametrize("backend", SQL, indirect=True)
def test_upgrade_db_brings_a_0001_database_with_records_to_the_head(
    backend: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wb = sql_workbook(tmp_path, backend)
    res = wb.add_resource(url="https://example.org/a", title="A", added_by="learner-1")
    wb.submit_review(res.id, reviewer="learner-2", scores={"overall": 4})
    with engine_of(wb).begin() as conn:  # back to the schema before shard_versions
        command.downgrade(alembic_config(conn), "0001")
        assert not sa.inspect(conn).has_table("shard_versions")

    with pytest.raises(StorageError, match=r"older than this Appraise .*appraise upgrade-db"):
        Workbook.open(wb.path)
    with pytest.raises(SystemExit) as done:
        main(["upgrade-db", "--workbook", str(wb.path)])
    out = capsys.readouterr().out
    assert done.value.code in (0, None) and f"from schema 0001 to {head()}" in out

    again = Workbook.open(wb.path)
    assert [r.scores for r in again.reviews()] == [{"overall": 4}]
    assert again.pseudonyms() == {"learner-1": "Reviewer 1", "learner-2": "Reviewer 2"}
    version = again.store.data_version()
    again.submit_review(res.id, reviewer="learner-3", scores={"overall": 2})
    assert again.store.data_version() != version
    assert again.pseudonym("learner-3") == "Reviewer 3"


def test_a_write_through_one_server_reaches_the_other_servers_snapshot(
    postgres_url: str, tmp_path: Path
) -> None:
    first = Workbook.create(tmp_path / "one", title="T", tutors=["tutor-1"], database=postgres_url)
    res = first.add_resource(url="https://example.org/a", title="A", added_by="learner-1")
    shutil.copytree(first.path, tmp_path / "two")  # the same workbook.yaml on another machine
    second = Workbook.open(tmp_path / "two")
    stale = second.catalogue_snapshot()
    assert (stale.row(res.id) or {}).get("n_reviews") == 0

    first.submit_review(res.id, reviewer="learner-2", scores={"overall": 5})
    assert second.store.data_version() == first.store.data_version()
    fresh = second.catalogue_snapshot()
    assert fresh.version != stale.version
    assert (fresh.row(res.id) or {}).get("n_reviews") == 1


def test_a_connection_the_server_dropped_is_replaced_without_an_error(
    postgres: Postgres, postgres_url: str, tmp_path: Path
) -> None:
    """No ping before use: the first statement finds the connection dead and, as nothing was
    written yet, the transaction (or the read) runs again on a new connection."""
    wb = Workbook.create(tmp_path / "wb", title="T", database=postgres_url)
    res = wb.add_resource(url="https://example.org/a", title="A", added_by="learner-1")
    database = sa.make_url(postgres_url).database
    kill = (
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
        f"WHERE datname = '{database}' AND pid <> pg_backend_pid()"
    )
    assert int(postgres.psql(kill)) >= 1
    wb.submit_review(res.id, reviewer="learner-2", scores={"overall": 4})
    postgres.psql(kill)
    assert [r.reviewer for r in wb.reviews()] == ["learner-2"]


def test_a_connection_lost_inside_a_transaction_saves_nothing_and_says_so(
    postgres: Postgres, postgres_url: str, tmp_path: Path
) -> None:
    wb = Workbook.create(tmp_path / "wb", title="T", database=postgres_url)
    res = wb.add_resource(url="https://example.org/a", title="A", added_by="learner-1")
    database = sa.make_url(postgres_url).database
    review = {"id": "rev_lost", "resource_id": res.id}
    lost = pytest.raises(StorageError, match="nothing was saved, try again")
    with lost as raised, wb.store.transaction("learner-2") as shard:
        shard.add("comments", {"id": "com_first"})
        assert shard.get("comments", "com_other") is None  # a read: the transaction is sent
        postgres.psql(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            f"WHERE datname = '{database}' AND pid <> pg_backend_pid()"
        )
        shard.add("reviews", review)
    assert len(str(raised.value).splitlines()) == 1
    assert wb.store.records("comments") == [] and wb.store.records("reviews") == []


def test_quotes_percent_signs_and_backslashes_are_stored_as_written(wb: Workbook) -> None:
    """Whatever a learner types comes back byte for byte and is never read as SQL, through
    every backend's transactions (PostgreSQL's batched ones included)."""
    res = wb.add_resource(
        url="https://example.org/a", title="A 100% 'quoted' \\ title", added_by="t"
    )
    name = "O'Brien 100%s \\ é"
    comment = "'); DROP TABLE documents; -- %s %(x)s \\x00 \\' ünïcödé"
    wb.submit_review(res.id, reviewer=name, scores={"overall": 4}, comment=comment)
    wb.submit_review(res.id, reviewer=name, scores={"overall": 5}, comment=comment + "!")
    again = Workbook.open(wb.path)
    (review,) = again.reviews()
    assert (review.reviewer, review.comment, review.scores) == (name, comment + "!", {"overall": 5})
    assert [r.comment for r in review.revisions] == [comment]
    assert again.resource(res.id).title == "A 100% 'quoted' \\ title"
    assert again.pseudonym(name) == "Reviewer 2"
