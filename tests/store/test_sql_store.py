"""What only the SQL backend has: schema versions, the database URL and its password."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml
from sqlalchemy.engine import make_url

from reviews import StorageError, ValidationError, Workbook
from reviews.cli import main
from reviews.store.schema import head
from tests.support.postgres import Postgres


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as done:
        main(list(args))
    out, err = capsys.readouterr()
    return int(done.value.code or 0), out, err


def test_a_pre_alembic_sqlite_workbook_is_refused_until_upgraded(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A workbook of the hand-written SQLite backend (table ``records``) keeps its records."""
    wb = Workbook.create(tmp_path / "wb", title="T", storage="sqlite")
    res = wb.add_resource(url="https://example.org/a", title="A", added_by="t")
    wb.submit_review(res.id, reviewer="learner-1", scores={"overall": 4})
    with sqlite3.connect(wb.path / "appraise.sqlite") as conn:  # back to the old layout
        conn.execute("CREATE TABLE records (kind, id, shard, doc)")
        conn.execute("INSERT INTO records SELECT kind, id, shard, doc FROM documents")
        conn.execute("DROP TABLE documents")
        conn.execute("DROP TABLE shard_versions")  # (revision 0002)
        conn.execute("DROP TABLE alembic_version")

    code, _, err = run(capsys, "check", "--workbook", str(wb.path))
    assert code == 1 and "older than this Appraise" in err and "appraise upgrade-db" in err

    code, out, _ = run(capsys, "upgrade-db", "--workbook", str(wb.path))
    assert code == 0 and f"from schema legacy to {head()}" in out
    again = Workbook.open(wb.path)
    assert [r.scores for r in again.reviews()] == [{"overall": 4}]
    assert again.store.live_reviews("stars")[0]["resource_id"] == res.id
    code, out, _ = run(capsys, "upgrade-db", "--workbook", str(wb.path))
    assert code == 0 and "nothing to do" in out


def test_a_schema_newer_than_the_code_is_refused_on_one_line(
    backend: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if backend == "tinydb":
        wb = Workbook.create(tmp_path / "wb", title="T")
        code, out, _ = run(capsys, "upgrade-db", "--workbook", str(wb.path))
        assert code == 0 and "no schema to upgrade" in out
        return
    wb = Workbook.create(tmp_path / "wb", title="T", storage=backend)
    with wb.store.engine.begin() as conn:  # type: ignore[attr-defined]
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(StorageError, match="newer than this Appraise"):
        Workbook.open(wb.path)
    code, _, err = run(capsys, "upgrade-db", "--workbook", str(wb.path))
    assert code == 1 and len(err.strip().splitlines()) == 1 and "newer" in err


def test_the_password_goes_to_a_private_file_never_to_workbook_yaml(
    postgres: Postgres, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    name = postgres.fresh_database().split("@/")[1].split("?")[0]
    url = postgres.url(name, password="s3cr:et")
    code, out, err = run(capsys, "init", str(tmp_path / "wb"), "--database", url)
    assert code == 0, err
    assert "s3cr" not in out + err
    config = yaml.safe_load((tmp_path / "wb" / "workbook.yaml").read_text())
    assert config["storage"] == "postgresql" and "s3cr" not in str(config)
    assert make_url(config["database"]) == make_url(postgres.url(name))
    passfile = tmp_path / "wb" / ".pgpass"
    assert stat.S_IMODE(passfile.stat().st_mode) == 0o600
    assert passfile.read_text() == "*:*:*:*:s3cr\\:et\n"
    wb = Workbook.open(tmp_path / "wb")
    assert wb.store.name == "postgresql" and "s3cr" not in repr(wb.store.shard_names())


def test_storage_postgresql_takes_the_url_from_the_environment(
    postgres_url: str, tmp_path: Path
) -> None:
    wb = Workbook.create(tmp_path / "wb", title="T", storage="postgresql")
    assert make_url(wb.config.database or "") == make_url(postgres_url)


def test_a_database_that_already_holds_records_is_refused(
    postgres_url: str, tmp_path: Path
) -> None:
    first = Workbook.create(tmp_path / "a", title="A", database=postgres_url)
    first.add_resource(url="https://example.org/a", title="A", added_by="t")
    with pytest.raises(StorageError, match="already holds records"):
        Workbook.create(tmp_path / "b", title="B", database=postgres_url)


def test_an_unreachable_or_malformed_database_is_a_one_line_error(
    postgres: Postgres, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "init", str(tmp_path / "a"), "--database", "mysql://x@h/db")
    assert code == 1 and "must be a PostgreSQL URL" in err
    missing = postgres.url("no_such_database", password="hunter2")
    code, _, err = run(capsys, "init", str(tmp_path / "b"), "--database", missing)
    assert code == 1 and len(err.strip().splitlines()) == 1 and "cannot be reached" in err
    assert "hunter2" not in err
    assert not (tmp_path / "b").exists()  # nothing of the failed init is left behind
    (tmp_path / "d").mkdir()  # a folder that was there before stays, empty
    code, _, err = run(capsys, "init", str(tmp_path / "d"), "--database", missing)
    assert code == 1 and list((tmp_path / "d").iterdir()) == []
    with pytest.raises(ValidationError, match="needs a database URL"):
        Workbook.create(tmp_path / "c", title="C", storage="postgresql")


def test_the_password_comes_from_the_environment_then_the_workbooks_pgpass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reviews.store.database import connection, write_passfile

    stored = "postgresql://appraise@db.example.org:5432/cardio"
    monkeypatch.setenv(
        "APPRAISE_DATABASE_URL", "postgresql://appraise:pw1@db.example.org:5432/cardio"
    )
    url, args = connection(tmp_path, stored)
    assert url.password == "pw1" and args == {}
    monkeypatch.setenv("APPRAISE_DATABASE_URL", "postgresql://appraise:pw1@elsewhere/cardio")
    write_passfile(tmp_path, "pw2")
    url, args = connection(tmp_path, stored)  # another database's password is not used
    assert url.password is None and args == {"passfile": str(tmp_path / ".pgpass")}
