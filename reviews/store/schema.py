"""The SQL backend's schema and its versions (Alembic migrations shipped in ``migrations/``).

``documents`` holds every record: the JSON text keyed by (kind, id), the shard (the author, or
a shared shard such as the catalogue), the few columns queries filter on, and a review's
reviewer, scores and flags, which the summaries read through a covering index. Adding a kind of
record needs no migration; changing these columns does: add a revision to
``migrations/versions`` and ``appraise upgrade-db`` applies it.

``shard_versions`` counts the write transactions of each shard (revision 0002): every write
transaction begins by adding one to its shard's row, which also locks that row until the
commit, so writers of one shard are serialised; ``sum(version)`` is the database's data
version (:meth:`reviews.store.sql_store.SQLStore.data_version`), transactional like the data.

A database whose schema is older than the code is refused with a one-line message naming
``appraise upgrade-db``; one newer than the code (written by a later Appraise) is refused
with a message to upgrade Appraise, never half-understood.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

from reviews.domain.errors import StorageError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"

metadata = sa.MetaData()
documents = sa.Table(
    "documents",
    metadata,
    sa.Column("kind", sa.String(40), primary_key=True),
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("shard", sa.Text, nullable=False),
    sa.Column("resource_id", sa.String(64)),
    sa.Column("rubric", sa.String(64)),
    sa.Column("created_at", sa.String(40)),
    sa.Column("deleted_at", sa.String(40)),
    sa.Column("doc", sa.Text, nullable=False),
    # What the summaries read of a review (revision 0003), beside the document so that the
    # covering index ``documents_reviews`` answers them without reading the documents.
    sa.Column("reviewer", sa.Text),
    sa.Column("scores", sa.Text),  # the JSON object of item -> score (jsonb in PostgreSQL)
    sa.Column("flags", sa.Text),  # the JSON array of flags (jsonb in PostgreSQL)
)
shard_versions = sa.Table(
    "shard_versions",
    metadata,
    sa.Column("shard", sa.Text, primary_key=True),
    sa.Column("version", sa.BigInteger, nullable=False),
)


def alembic_config(conn: Connection) -> Config:
    """Alembic's configuration, without an alembic.ini: the package's migrations, run on
    ``conn`` (see ``migrations/env.py``)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = conn
    return config


@lru_cache(maxsize=1)
def head() -> str:
    """The newest schema revision this code knows."""
    script = ScriptDirectory(str(MIGRATIONS))
    found = script.get_current_head()
    assert found is not None, "reviews/store/migrations has no revision"
    return found


def known_revisions() -> set[str]:
    script = ScriptDirectory(str(MIGRATIONS))
    return {rev.revision for rev in script.walk_revisions()}


def current(conn: Connection) -> str | None:
    """The database's schema revision; ``legacy`` for a pre-Alembic ``appraise.sqlite``."""
    revision = MigrationContext.configure(conn).get_current_revision()
    if revision is None and sa.inspect(conn).has_table("records"):
        return "legacy"
    return revision


def check_schema(conn: Connection, where: str) -> None:
    """Refuse a database whose schema is not the code's, with what to do about it."""
    found = current(conn)
    if found == head():
        return
    if found is None:
        raise StorageError(
            f"{where} holds no Appraise schema; run `appraise upgrade-db --workbook DIR` "
            "to create it"
        )
    if found == "legacy" or found in known_revisions():
        raise StorageError(
            f"{where} has schema {found}, older than this Appraise ({head()}); back it up, "
            "then run `appraise upgrade-db --workbook DIR`"
        )
    raise StorageError(
        f"{where} has schema {found}, newer than this Appraise understands ({head()}); "
        "upgrade Appraise (pip install -U appraise)"
    )


def upgrade(conn: Connection) -> tuple[str | None, str]:
    """Bring the schema to :func:`head` in one transaction; (revision before, after)."""
    before = current(conn)
    if before not in (None, "legacy", head()) and before not in known_revisions():
        check_schema(conn, "the workbook database")  # newer than the code: refuse
    command.upgrade(alembic_config(conn), "head")
    return before, head()
