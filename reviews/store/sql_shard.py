"""A transaction on one shard through SQLAlchemy (SQLite; PostgreSQL batches its own, see
:mod:`reviews.store.pg_transaction`), and the statements the SQL backend writes with.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from reviews.store.base import Doc
from reviews.store.rows import RowShard, row_for
from reviews.store.schema import documents, shard_versions


class Statements(Protocol):
    """What a shard's transaction needs of its store (``SQLStore``)."""

    where: str  # the database, as it may be shown
    upsert: Any  # insert-or-replace by (kind, id)
    insert: Any

    def shard_query(self, keys: tuple[str, ...]) -> Any: ...
    def execute(self, conn: Connection, statement: Any, rows: list[dict[str, Any]]) -> None: ...


class SQLShard(RowShard):
    """One shard inside an open database transaction."""

    def __init__(self, store: Statements, conn: Connection, shard: str) -> None:
        self.store = store
        self.where = store.where
        self.conn = conn
        self.shard = shard

    def _rows(self, kind: str, **match: str) -> Iterable[tuple[str, str]]:
        query = self.store.shard_query(tuple(match))
        return self.conn.execute(query, {"kind": kind, "shard": self.shard, **match})

    def put(self, kind: str, doc: Doc) -> None:
        self.put_many(kind, [doc])

    def add(self, kind: str, doc: Doc) -> None:
        self.store.execute(self.conn, self.store.insert, [row_for(kind, self.shard, doc)])

    def put_many(self, kind: str, docs: list[Doc]) -> None:
        if docs:
            rows = [row_for(kind, self.shard, d) for d in docs]
            self.store.execute(self.conn, self.store.upsert, rows)

    def connection(self) -> Connection:
        """The connection, inside the transaction, for statements run on it directly."""
        return self.conn


#: Columns holding JSON (jsonb in PostgreSQL) and the row_for() key of each.
JSON_COLUMNS = {"doc": "doc_json", "scores": "scores", "flags": "flags"}
#: What replacing a document by (kind, id) rewrites (its shard stays).
REPLACED = ("resource_id", "rubric", "deleted_at", "doc", "reviewer", "scores", "flags")


def insert_statements(dialect_name: str) -> tuple[Any, Any]:
    """(insert, insert-or-replace-by-(kind, id)) for rows made by :func:`row_for`.

    PostgreSQL receives the JSON text and casts it to jsonb itself (SQLAlchemy would type the
    parameter as varchar, which a jsonb column refuses)."""
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    values: dict[str, Any] = {
        c.name: sa.bindparam(c.name) for c in documents.c if c.name not in JSON_COLUMNS
    }
    for column, param in JSON_COLUMNS.items():
        text = sa.bindparam(param, type_=sa.Text)
        values[column] = sa.cast(text, postgresql.JSONB) if dialect_name == "postgresql" else text
    insert = dialect.insert(documents).values(values)
    upsert = insert.on_conflict_do_update(
        index_elements=[documents.c.kind, documents.c.id],
        set_={c: insert.excluded[c] for c in REPLACED},
    )
    return insert, upsert


def bump_statement(dialect_name: str) -> Any:
    """Add one to a shard's write count (inserting its row at 1): a write transaction's first
    statement, whose row lock serialises the shard's writers until the commit."""
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    insert = dialect.insert(shard_versions).values(shard=sa.bindparam("shard"), version=1)
    return insert.on_conflict_do_update(
        index_elements=[shard_versions.c.shard],
        set_={"version": shard_versions.c.version + 1},
    )
