"""The SQL backend: every kind of record as a JSON document in one ``documents`` table.

One code path (SQLAlchemy 2 Core) serves PostgreSQL, through psycopg 3, for deployments that
outgrow one machine, and SQLite (``appraise.sqlite`` in the workbook directory) for a single
machine. A row is keyed by (kind, id) and holds the JSON document plus the few columns
queries filter on (the shard it belongs to, resource_id, rubric, created_at, deleted_at), so a
new kind of record needs no schema migration. The schema itself is versioned with Alembic
(:mod:`reviews.store.schema`).

The guarantees of the TinyDB backend hold here too:

* a transaction on one shard is one database transaction: committed whole or not at all;
* writers to the same shard are serialised: every write transaction begins by adding one to
  its shard's row of ``shard_versions``, and PostgreSQL holds that row's lock until the commit
  (SQLite: ``BEGIN IMMEDIATE``), so a read-modify-write such as editing a review or numbering
  a pseudonym never loses a concurrent change;
* a commit is durable when it returns (PostgreSQL's default ``synchronous_commit``; SQLite
  ``synchronous=FULL`` in WAL mode).

The same counters are the data version (:meth:`SQLStore.data_version`): their sum moves with
every committed write, and never before the write is visible, because it is part of it.

On PostgreSQL a write transaction is sent in batches, two round trips for a submission
(:mod:`reviews.store.pg_transaction`); reads of one statement run in autocommit (no
``BEGIN``/``ROLLBACK`` round trips).

Disconnects are handled optimistically (SQLAlchemy's "Dealing with Disconnects"): pooled
connections are not pinged before use. A connection the server closed (it restarted) fails
at its first statement; when that is in a transaction's first batch (which never holds the
``COMMIT``) nothing was written, so it is sent again once on a new connection, and a read is
retried likewise. A connection lost later in a transaction fails it with a one-line
:class:`StorageError` ("nothing was saved, try again"); the pool reconnects for the next.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

import orjson
import psycopg
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Connection

from reviews.domain.errors import StorageError
from reviews.store import sql_tables
from reviews.store.base import KINDS, Doc, Problem, Shard, Store, matches
from reviews.store.engines import dispose_engines, engine_for, safe_url
from reviews.store.pg_transaction import BatchedShard
from reviews.store.rows import FILTERED, parse, row_for
from reviews.store.schema import check_schema, current, documents, shard_versions, upgrade
from reviews.store.sql_shard import SQLShard, bump_statement, insert_statements

T = TypeVar("T")

if TYPE_CHECKING:
    import pandas as pd

    from reviews.store.tables import ReviewQuery

# What reviews.quality.frames reads of a review (Store.live_reviews may return only these).
SUMMARY_FIELDS = ("id", "resource_id", "reviewer", "rubric", "scores", "confidence",
                  "created_at", "updated_at")  # fmt: skip


def _lost(exc: BaseException) -> bool:
    """Was ``exc`` a connection that broke (rather than one refused)?"""
    if isinstance(exc, psycopg.OperationalError):
        return False if exc.pgconn is None else exc.pgconn.status != 0
    return _disconnected(exc)


def _disconnected(exc: BaseException) -> bool:
    """Did ``exc`` come from a connection the server had closed (SQLAlchemy invalidated it)?"""
    return isinstance(exc, sa.exc.DBAPIError) and bool(exc.connection_invalidated)


class SQLStore(Store):
    """A workbook's records in a SQL database (``postgresql`` or ``sqlite``)."""

    def __init__(
        self,
        url: str | sa.URL,
        name: str,
        connect_args: dict[str, Any] | None = None,
        create: bool = False,
    ) -> None:
        self.name = name
        self.where = safe_url(url)
        self.engine = engine_for(url, connect_args)
        # PostgreSQL keeps documents as jsonb (parsed once, when written, so queries can pick
        # fields cheaply); they are read back as text and parsed with orjson.
        postgres = self.engine.dialect.name == "postgresql"
        self.doc: Any = sa.cast(documents.c.doc, sa.Text) if postgres else documents.c.doc
        self.insert, self.upsert = insert_statements(self.engine.dialect.name)
        self.bump = bump_statement(self.engine.dialect.name)
        self._shard_queries: dict[tuple[str, ...], Any] = {}
        self._get_query = sa.select(self.doc).where(
            documents.c.kind == sa.bindparam("kind"), documents.c.id == sa.bindparam("id")
        )
        # On PostgreSQL a read of one statement needs no transaction (autocommit: no BEGIN and
        # ROLLBACK round trips), and a write transaction sends its own BEGIN and COMMIT
        # (pg_transaction.py) on a connection in autocommit.
        autocommit = {"isolation_level": "AUTOCOMMIT"} if postgres else {}
        self.reader = self.engine.execution_options(**autocommit)
        self.writer = self.engine.execution_options(appraise_write=True, **autocommit)
        if create:
            self._create()
        self._read(lambda conn: check_schema(conn, self.where))

    def _create(self) -> None:
        """Give a new workbook an empty database with the current schema."""
        try:
            with self.engine.execution_options(appraise_write=True).begin() as conn:
                if current(conn) is None and not sa.inspect(conn).has_table("documents"):
                    upgrade(conn)
        except sa.exc.OperationalError as exc:
            raise StorageError(
                f"the workbook database {self.where} cannot be reached: {_first_line(exc)}"
            ) from None
        if not self.is_empty():
            raise StorageError(
                f"{self.where} already holds records; give each workbook an empty database"
            )

    @contextmanager
    def _connect(self) -> Iterator[Connection]:
        """A connection, with a lost or refused one reported on one line."""
        try:
            with self.engine.connect() as conn:
                yield conn
        except sa.exc.OperationalError as exc:
            raise StorageError(
                f"the workbook database {self.where} cannot be reached: {_first_line(exc)}"
            ) from None

    def execute(self, conn: Connection, statement: Any, rows: list[dict[str, Any]]) -> None:
        try:
            conn.execute(statement, rows)
        except sa.exc.IntegrityError as exc:
            raise StorageError(f"could not save to {self.where}: {_first_line(exc)}") from None

    def shard_query(self, keys: tuple[str, ...]) -> Any:
        """The SELECT of a shard's documents of one kind whose ``keys`` columns equal bound
        parameters, built once (building a statement costs more than running it)."""
        query = self._shard_queries.get(keys)
        if query is None:
            where = [documents.c[key] == sa.bindparam(key) for key in keys]
            query = sa.select(documents.c.id, self.doc).where(
                documents.c.kind == sa.bindparam("kind"),
                documents.c.shard == sa.bindparam("shard"),
                *where,
            )
            self._shard_queries[keys] = query
        return query

    def _read(self, query: Callable[[Connection], T]) -> T:
        """``query`` run on a pooled connection; run once more on a fresh one when the pooled
        one turns out to have been closed by the server (reads change nothing: safe)."""
        try:
            with self.reader.connect() as conn:
                return query(conn)
        except sa.exc.DBAPIError as exc:
            if not _disconnected(exc):
                if isinstance(exc, sa.exc.OperationalError):
                    raise StorageError(
                        f"the workbook database {self.where} cannot be reached: {_first_line(exc)}"
                    ) from None
                raise
        try:
            with self.reader.connect() as conn:
                return query(conn)
        except sa.exc.OperationalError as exc:
            raise StorageError(
                f"the workbook database {self.where} cannot be reached: {_first_line(exc)}"
            ) from None

    def _begin_write(self, shard: str) -> tuple[Connection, sa.RootTransaction]:
        """A connection in a write transaction that has bumped (and so locked) ``shard``'s
        version. A pooled connection the server closed fails at that first statement, before
        anything was written: it is then retried once on a new connection."""
        for attempt in (1, 2):
            conn = self.writer.connect()
            try:
                trans = conn.begin()  # (BEGIN IMMEDIATE: see engines.py)
                conn.execute(self.bump, {"shard": shard})
                return conn, trans
            except BaseException as exc:
                conn.close()
                if attempt == 1 and _disconnected(exc):
                    continue
                raise
        raise AssertionError("unreachable")  # the loop returns or raises

    @contextmanager
    def transaction(self, shard: str) -> Iterator[Shard]:
        try:
            if self.engine.dialect.name == "postgresql":
                with self._batched(shard) as batched:
                    yield batched
                return
            conn, trans = self._begin_write(shard)
            try:
                yield SQLShard(self, conn, shard)
                trans.commit()
            except BaseException:
                if trans.is_active:
                    trans.rollback()
                raise
            finally:
                conn.close()
        except (sa.exc.OperationalError, psycopg.OperationalError) as exc:
            if _lost(exc):
                raise StorageError(
                    f"lost the connection to {self.where}; nothing was saved, try again"
                ) from None
            raise StorageError(
                f"the workbook database {self.where} is unreachable or busy; nothing was "
                f"saved, try again ({_first_line(exc)})"
            ) from None
        except psycopg.IntegrityError as exc:
            raise StorageError(f"could not save to {self.where}: {_first_line(exc)}") from None
        except sa.exc.DBAPIError as exc:
            if exc.connection_invalidated:
                raise StorageError(
                    f"lost the connection to {self.where}; nothing was saved, try again"
                ) from None
            raise

    @contextmanager
    def _batched(self, shard: str) -> Iterator[BatchedShard]:
        """A PostgreSQL transaction whose statements go to the server in batches (see
        :mod:`reviews.store.pg_transaction`)."""
        batched = BatchedShard(self, self.writer.connect(), shard)
        try:
            yield batched
            batched.commit()
        except BaseException:
            try:
                batched.rollback()
            finally:
                if batched.broken() and not batched.conn.closed:
                    batched.conn.invalidate()
            raise
        finally:
            batched.conn.close()

    def load(self, rows: Iterator[tuple[str, str, Doc]], batch: int = 5000) -> int:
        """Insert (shard, kind, document) rows in ONE transaction (``appraise migrate``):
        all of them or, on any error, none. The number of rows inserted."""
        done = 0
        with self.transaction("__load__") as shard:
            conn = shard.connection()  # type: ignore[attr-defined]
            chunk: list[dict[str, Any]] = []
            for where, kind, doc in rows:
                chunk.append(row_for(kind, where, doc))
                if len(chunk) >= batch:
                    self.execute(conn, self.insert, chunk)
                    done, chunk = done + len(chunk), []
            if chunk:
                self.execute(conn, self.insert, chunk)
                done += len(chunk)
        return done

    def clear(self) -> None:
        """Delete every record (only to undo a failed ``appraise migrate`` into this empty
        database)."""
        with self.transaction("__load__") as shard:
            shard.connection().execute(documents.delete())  # type: ignore[attr-defined]

    def counts(self) -> dict[str, int]:
        """Stored rows per kind."""
        query = sa.select(documents.c.kind, sa.func.count()).group_by(documents.c.kind)
        return {kind: int(n) for kind, n in self._select(query)}

    def _select(self, query: Any) -> list[Any]:
        return self._read(lambda conn: list(conn.execute(query).all()))

    def records(self, kind: str) -> list[Doc]:
        rows = self._select(sa.select(self.doc).where(documents.c.kind == kind))
        return [doc for (text,) in rows if (doc := parse(text)) is not None]

    def get(self, kind: str, doc_id: str) -> Doc | None:
        params = {"kind": kind, "id": doc_id}
        rows = self._read(lambda conn: conn.execute(self._get_query, params).all())
        return parse(rows[0][0]) if rows else None

    def find(self, kind: str, **match: Any) -> list[Doc]:
        """One indexed query: ``resource_id`` and ``rubric`` are columns; any other text field
        is matched in the document (PostgreSQL: jsonb containment); the rows are then checked
        field by field, as everywhere."""
        where = [documents.c.kind == kind]
        for key, value in match.items():
            if not isinstance(value, str):
                continue  # None means "missing" too, and numbers compare loosely: checked below
            if key in FILTERED:
                where.append(getattr(documents.c, key) == value)
            elif self.engine.dialect.name == "postgresql":
                wanted = sa.literal({key: value}, type_=postgresql.JSONB)  # JSON-encoded once
                where.append(documents.c.doc.op("@>")(wanted))
            else:
                valid = sa.func.json_valid(documents.c.doc)  # a damaged row must not fail it
                field = sa.func.json_extract(documents.c.doc, f'$."{key}"')
                where.append(sa.case((valid, field)) == value)
        rows = self._select(sa.select(self.doc).where(*where))
        docs = (parse(text) for (text,) in rows)
        return [d for d in docs if d is not None and matches(d, match)]

    def review_table(self, query: ReviewQuery) -> pd.DataFrame:
        """One query over the covering index (:mod:`reviews.store.sql_tables`)."""
        return self._read(lambda conn: sql_tables.review_table(conn, query))

    def flag_counts(self, flags: Sequence[str], exclude: frozenset[str]) -> pd.DataFrame:
        return self._read(lambda conn: sql_tables.flag_counts(conn, flags, exclude))

    def is_empty(self) -> bool:
        return not self._select(sa.select(documents.c.id).limit(1))

    def scan(self) -> Iterator[tuple[str, str, Doc]]:
        rows = self._select(sa.select(documents.c.kind, documents.c.id, self.doc))
        for kind, rid, text in rows:
            doc = parse(text)
            if doc is not None:
                yield f"{self.where} [{kind} {rid}]", kind, doc

    def shard_names(self) -> Iterator[str]:
        yield self.where

    def problems(self) -> list[Problem]:
        try:
            return self._read(self._problems_on)
        except (StorageError, sa.exc.DatabaseError) as exc:
            return [Problem(self.where, f"cannot be read: {_first_line(exc)}")]

    def _problems_on(self, conn: Connection) -> list[Problem]:
        found = []
        if conn.dialect.name == "sqlite":
            (status,) = conn.exec_driver_sql("PRAGMA integrity_check").one()
            if status != "ok":
                found.append(Problem(self.where, f"integrity check: {status}"))
        query = sa.select(documents.c.kind, documents.c.id, self.doc)
        for kind, rid, text in conn.execute(query):
            where = f"{self.where} [{kind} {rid}]"
            if kind not in KINDS:
                found.append(Problem(where, f"unknown kind {kind!r}"))
            try:
                doc = orjson.loads(text)
            except orjson.JSONDecodeError as exc:
                found.append(Problem(where, f"not valid JSON: {exc}"))
                continue
            if not isinstance(doc, dict):
                found.append(Problem(where, "not a JSON object"))
            elif doc.get("id") != rid:
                found.append(Problem(where, "document id does not match its row"))
        return found

    def data_version(self) -> str | None:
        """The sum and number of the shards' write counts: exact (it moves with every
        committed write transaction, in any process or on any machine) and one small query."""
        query = sa.select(
            sa.func.coalesce(sa.func.sum(shard_versions.c.version), 0), sa.func.count()
        )
        total, shards = self._select(query)[0]
        return f"sql:{int(total)}:{int(shards)}"

    def people_named(self, names: Iterable[str]) -> list[Doc]:
        """The people records of ``names``: one query filtered by name (an expression index
        on PostgreSQL), not every person."""
        wanted = list(dict.fromkeys(names))
        if not wanted:
            return []
        name: Any
        if self.engine.dialect.name == "postgresql":  # the expression of documents_person_name
            name = sa.literal_column("(documents.doc ->> 'name')", sa.Text)
        else:  # json_valid first: a damaged row is skipped, not an error
            valid = sa.func.json_valid(documents.c.doc)
            name = sa.case((valid, sa.func.json_extract(documents.c.doc, "$.name")))
        query = sa.select(self.doc).where(documents.c.kind == "people", name.in_(wanted))
        return [doc for (text,) in self._select(query) if (doc := parse(text)) is not None]


def upgrade_url(url: str | sa.URL, connect_args: dict[str, Any]) -> str:
    """Run the schema migrations on the database at ``url``; what was done, in words."""
    where = safe_url(url)
    engine = engine_for(url, connect_args)
    try:
        with engine.execution_options(appraise_write=True).begin() as conn:
            before, after = upgrade(conn)
    except sa.exc.OperationalError as exc:
        raise StorageError(
            f"the workbook database {where} cannot be reached: {_first_line(exc)}"
        ) from None
    if before == after:
        return f"{where} is already at schema {after}; nothing to do"
    return f"upgraded {where} from schema {before or 'none'} to {after}"


def _first_line(exc: BaseException) -> str:
    """The driver's own message, without SQLAlchemy's statement dump and links."""
    inner = getattr(exc, "orig", None) or exc
    text = str(inner).strip().splitlines()
    return text[0] if text else type(inner).__name__


__all__ = ["SQLStore", "dispose_engines", "engine_for", "safe_url", "upgrade_url"]
