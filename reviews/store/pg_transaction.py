"""A write transaction on PostgreSQL in as few round trips as its reads allow.

A learner's submission is a handful of tiny statements (``BEGIN``, the shard's version bump,
the look-up of their earlier review, the insert, ``COMMIT``); on a Unix socket each round trip
to the server costs as much as the server's work, so sent one by one they made a submission
four to five times as slow as a bare insert. :class:`BatchedShard` therefore holds statements
back and sends them together in psycopg's pipeline mode (libpq's: several statements, each
with its bound parameters and prepared once per connection, then one sync; see psycopg's
"Pipeline mode support"):

* ``BEGIN`` and the version bump wait for the transaction's first read, and go with it;
* writes wait for the next read (which must see them) or for the commit, and go with it;
* the commit is sent with the writes before it, but never in the transaction's *first*
  batch: that one may be retried.

Disconnects (see :mod:`reviews.store.sql_store`): a pooled connection the server closed fails
at the transaction's first batch. That batch holds ``BEGIN`` and never ``COMMIT``, so whatever
the server did with it was rolled back; it is sent once more on a new connection. A failure
of any later batch fails the transaction (the caller reports "nothing was saved, try again").
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Protocol

import psycopg

from reviews.store.base import Doc
from reviews.store.rows import RowShard, row_for

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine
    from sqlalchemy.engine.base import OptionEngine

COLUMNS = ("kind", "id", "shard", "resource_id", "rubric", "created_at", "deleted_at", "reviewer")
JSON = ("doc_json", "scores", "flags")  # row_for() keys of the jsonb columns doc, scores, flags
INSERT = (
    f"INSERT INTO documents ({', '.join(COLUMNS)}, doc, scores, flags) "
    f"VALUES ({', '.join(['%s'] * len(COLUMNS))}, %s::jsonb, %s::jsonb, %s::jsonb)"
)
# Replacing by (kind, id) keeps the row's shard, as SQLStore.upsert does.
UPSERT = INSERT + (
    " ON CONFLICT (kind, id) DO UPDATE SET resource_id = excluded.resource_id, "
    "rubric = excluded.rubric, deleted_at = excluded.deleted_at, doc = excluded.doc, "
    "reviewer = excluded.reviewer, scores = excluded.scores, flags = excluded.flags"
)
BUMP = (
    "INSERT INTO shard_versions (shard, version) VALUES (%s, 1) "
    "ON CONFLICT (shard) DO UPDATE SET version = shard_versions.version + 1"
)
SELECT = "SELECT id, doc::text FROM documents WHERE kind = %s AND shard = %s"

Statement = tuple[str, tuple[Any, ...]]  # SQL with %s placeholders, and its parameters


class Database(Protocol):
    """What a batched transaction needs of its store (``SQLStore``)."""

    where: str  # the database, as it may be shown
    engine: Engine
    writer: OptionEngine  # the engine's connections for writing


class BatchedShard(RowShard):
    """One shard in a PostgreSQL transaction whose statements are sent in batches."""

    def __init__(self, store: Database, conn: Connection, shard: str) -> None:
        self.store = store
        self.where = store.where
        self.conn = conn  # a SQLAlchemy connection in autocommit: the transaction is ours
        self.shard = shard
        self.pending: list[Statement] = [("BEGIN", ()), (BUMP, (shard,))]
        self.sent = False  # has any query of this transaction reached the server?

    # -- reading ---------------------------------------------------------------------------

    def _rows(self, kind: str, **match: str) -> Iterable[tuple[str, str]]:
        where = "".join(f" AND {key} = %s" for key in match)
        cursor = self._send((SELECT + where, (kind, self.shard, *match.values())))
        return cursor.fetchall()

    # -- writing ---------------------------------------------------------------------------

    def put(self, kind: str, doc: Doc) -> None:
        self.put_many(kind, [doc])

    def add(self, kind: str, doc: Doc) -> None:
        self.pending.append((INSERT, self._values(kind, doc)))

    def put_many(self, kind: str, docs: list[Doc]) -> None:
        self.pending.extend((UPSERT, self._values(kind, d)) for d in docs)

    def connection(self) -> Connection:
        """The connection, inside the transaction (``BEGIN`` and pending writes sent), for
        statements run on it directly (``SQLStore.load``)."""
        if self.pending:
            self._send(None)
        return self.conn

    # -- the end ---------------------------------------------------------------------------

    def commit(self) -> None:
        if not self.sent:  # the first query may be retried, so it never holds the COMMIT
            self._send(None)
        self._send(("COMMIT", ()))

    def rollback(self) -> None:
        """Undo whatever reached the server (nothing did if no query was sent)."""
        self.pending = []
        if self.sent and not self.broken():
            self._dbapi().rollback()

    # -- the wire --------------------------------------------------------------------------

    def _values(self, kind: str, doc: Doc) -> tuple[Any, ...]:
        row = row_for(kind, self.shard, doc)
        return (*(row[c] for c in COLUMNS), *(row[c] for c in JSON))

    def _dbapi(self) -> psycopg.Connection[Any]:
        return self.conn.connection.dbapi_connection  # type: ignore[return-value]

    def _send(self, last: Statement | None) -> psycopg.Cursor[Any]:
        """Send the pending statements (and ``last``) in one pipeline; the cursor returned
        holds the result of the last statement."""
        statements = self.pending + ([last] if last is not None else [])
        self.pending = []
        first, self.sent = not self.sent, True  # (so a failure is rolled back)
        try:
            return self._execute(statements)
        except psycopg.OperationalError:
            if not first or not self.broken():
                raise
        self._reconnect()  # a connection the server had closed: nothing was done
        return self._execute(statements)

    def _execute(self, statements: list[Statement]) -> psycopg.Cursor[Any]:
        dbapi = self._dbapi()
        cursor = dbapi.cursor()
        with dbapi.pipeline():  # leaving it syncs: every result (or the first error) is in
            for sql, params in statements[:-1]:
                dbapi.cursor().execute(sql, params)
            cursor.execute(*statements[-1])
        return cursor

    def broken(self) -> bool:
        """Is the connection unusable (closed, or broken by the server going away)?"""
        if self.conn.closed:
            return True
        dbapi = self._dbapi()
        return bool(dbapi.broken or dbapi.closed)

    def _reconnect(self) -> None:
        """Drop this connection and every other pooled one (the server restarted: they are
        all dead) and continue on a new one."""
        self.conn.invalidate()
        self.conn.close()
        self.store.engine.dispose()
        self.conn = self.store.writer.connect()
