"""The SQL backend: every kind of record as a JSON document in one ``documents`` table.

One code path (SQLAlchemy 2 Core) serves PostgreSQL, through psycopg 3, for deployments that
outgrow one machine, and SQLite (``appraise.sqlite`` in the workbook directory) for a single
machine. A row is keyed by (kind, id) and holds the JSON document plus the few columns
queries filter on (the shard it belongs to, resource_id, rubric, created_at, deleted_at), so a
new kind of record needs no schema migration. The schema itself is versioned with Alembic
(:mod:`reviews.store.schema`).

The guarantees of the TinyDB backend hold here too:

* a transaction on one shard is one database transaction: committed whole or not at all;
* writers to the same shard are serialised (PostgreSQL: a transaction-scoped advisory lock on
  the shard's name; SQLite: ``BEGIN IMMEDIATE``), so a read-modify-write such as editing a
  review or numbering a pseudonym never loses a concurrent change;
* a commit is durable when it returns (PostgreSQL's default ``synchronous_commit``; SQLite
  ``synchronous=FULL`` in WAL mode).

A lost connection (the server restarted) fails the transaction in progress with a clear
:class:`StorageError`; the next one reconnects (``pool_pre_ping``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import orjson
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from reviews.domain.errors import DamagedFile, StorageError
from reviews.store import sql_tables
from reviews.store.base import KINDS, Doc, Problem, Shard, Store, matches
from reviews.store.engines import dispose_engines, engine_for, safe_url
from reviews.store.schema import check_schema, current, documents, upgrade

if TYPE_CHECKING:
    import pandas as pd

    from reviews.store.tables import ReviewQuery


def lock_key(shard: str) -> int:
    """A signed 64-bit key for ``pg_advisory_xact_lock``: the same for every process."""
    return int.from_bytes(hashlib.sha256(shard.encode("utf-8")).digest()[:8], "big", signed=True)


def row_for(kind: str, shard: str, doc: Doc) -> dict[str, Any]:
    """The row storing ``doc``: the JSON text and the columns queries filter on."""

    def text(key: str) -> str | None:
        value = doc.get(key)
        return value if isinstance(value, str) else None

    return {
        "kind": kind,
        "id": doc["id"],
        "shard": shard,
        "resource_id": text("resource_id"),
        "rubric": text("rubric"),
        "created_at": text("created_at"),
        "deleted_at": text("deleted_at"),
        "doc_json": orjson.dumps(doc).decode("utf-8"),
        **review_columns(doc if kind == "reviews" else {}),
    }


def review_columns(doc: Doc) -> dict[str, str | None]:
    """A review's reviewer, scores and flags as columns (JSON text; None when absent or not
    of their type), for the covering index the summaries read (:mod:`.sql_tables`)."""
    reviewer, scores, flags = doc.get("reviewer"), doc.get("scores"), doc.get("flags")
    return {
        "reviewer": reviewer if isinstance(reviewer, str) else None,
        "scores": orjson.dumps(scores).decode() if isinstance(scores, dict) else None,
        "flags": orjson.dumps(flags).decode() if isinstance(flags, list) else None,
    }


def parse(text: str) -> Doc | None:
    """A stored document, or None when the text is not a JSON object (see problems())."""
    try:
        doc = orjson.loads(text)
    except orjson.JSONDecodeError:
        return None
    return doc if isinstance(doc, dict) else None


class SQLShard(Shard):
    """One shard inside an open database transaction."""

    def __init__(self, store: SQLStore, conn: Connection, shard: str) -> None:
        self.store = store
        self.conn = conn
        self.shard = shard

    def _docs(self, kind: str, *where: Any) -> list[Doc]:
        query = sa.select(documents.c.id, self.store.doc).where(
            documents.c.kind == kind, documents.c.shard == self.shard, *where
        )
        out = []
        for rid, text in self.conn.execute(query):
            doc = parse(text)
            if doc is None:  # a damaged row stops its shard's writes instead of being replaced
                raise DamagedFile(f"{self.store.where} [{kind} {rid}]", "not a JSON object")
            out.append(doc)
        return out

    def all(self, kind: str) -> list[Doc]:
        return self._docs(kind)

    def find(self, kind: str, **match: Any) -> list[Doc]:
        where = [
            getattr(documents.c, key) == value
            for key, value in match.items()
            if key in ("id", "resource_id", "rubric") and isinstance(value, str)
        ]
        return [d for d in self._docs(kind, *where) if all(d.get(k) == v for k, v in match.items())]

    def get(self, kind: str, doc_id: str) -> Doc | None:
        found = self._docs(kind, documents.c.id == doc_id)
        return found[0] if found else None

    def put(self, kind: str, doc: Doc) -> None:
        self.put_many(kind, [doc])

    def add(self, kind: str, doc: Doc) -> None:
        self.store.execute(self.conn, self.store.insert, [row_for(kind, self.shard, doc)])

    def put_many(self, kind: str, docs: list[Doc]) -> None:
        if docs:
            rows = [row_for(kind, self.shard, d) for d in docs]
            self.store.execute(self.conn, self.store.upsert, rows)


def insert_statements(dialect_name: str) -> tuple[Any, Any]:
    """(insert, insert-or-replace-by-(kind, id)) for rows made by :func:`row_for`.

    PostgreSQL receives the JSON text and casts it to jsonb itself (SQLAlchemy would type the
    parameter as varchar, which a jsonb column refuses)."""
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    json_columns = {"doc": "doc_json", "scores": "scores", "flags": "flags"}
    values: dict[str, Any] = {
        c.name: sa.bindparam(c.name) for c in documents.c if c.name not in json_columns
    }
    for column, param in json_columns.items():
        text = sa.bindparam(param, type_=sa.Text)
        values[column] = sa.cast(text, postgresql.JSONB) if dialect_name == "postgresql" else text
    insert = dialect.insert(documents).values(values)
    upsert = insert.on_conflict_do_update(
        index_elements=[documents.c.kind, documents.c.id],
        set_={
            c: insert.excluded[c]
            for c in ("resource_id", "rubric", "deleted_at", "doc", "reviewer", "scores", "flags")
        },
    )
    return insert, upsert


class SQLStore(Store):
    """A workbook's records in a SQL database (``postgresql`` or ``sqlite``)."""

    concurrent_reads = True

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
        if create:
            self._create()
        with self._connect() as conn:
            check_schema(conn, self.where)

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

    @contextmanager
    def transaction(self, shard: str) -> Iterator[Shard]:
        try:
            with self.engine.execution_options(appraise_write=True).begin() as conn:
                if conn.dialect.name == "postgresql":
                    conn.execute(sa.select(sa.func.pg_advisory_xact_lock(lock_key(shard))))
                yield SQLShard(self, conn, shard)
        except sa.exc.OperationalError as exc:
            raise StorageError(
                f"the workbook database {self.where} is unreachable or busy; nothing was "
                f"saved, try again ({_first_line(exc)})"
            ) from None
        except sa.exc.DBAPIError as exc:
            if exc.connection_invalidated:
                raise StorageError(
                    f"lost the connection to {self.where}; nothing was saved, try again"
                ) from None
            raise

    def load(self, rows: Iterator[tuple[str, str, Doc]], batch: int = 5000) -> int:
        """Insert (shard, kind, document) rows in ONE transaction (``appraise migrate``):
        all of them or, on any error, none. The number of rows inserted."""
        done = 0
        with self.transaction("__load__") as shard:
            conn = shard.conn  # type: ignore[attr-defined]
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
            shard.conn.execute(documents.delete())  # type: ignore[attr-defined]

    def counts(self) -> dict[str, int]:
        """Stored rows per kind."""
        query = sa.select(documents.c.kind, sa.func.count()).group_by(documents.c.kind)
        return {kind: int(n) for kind, n in self._select(query)}

    def _select(self, query: Any) -> list[Any]:
        with self._connect() as conn:
            return list(conn.execute(query).all())

    def records(self, kind: str) -> list[Doc]:
        rows = self._select(sa.select(self.doc).where(documents.c.kind == kind))
        return [doc for (text,) in rows if (doc := parse(text)) is not None]

    def find(self, kind: str, **match: Any) -> list[Doc]:
        """One indexed query: ``resource_id`` and ``rubric`` are columns; any other text field
        is matched in the document (PostgreSQL: jsonb containment); the rows are then checked
        field by field, as everywhere."""
        where = [documents.c.kind == kind]
        for key, value in match.items():
            if not isinstance(value, str):
                continue  # None means "missing" too, and numbers compare loosely: checked below
            if key in ("id", "resource_id", "rubric"):
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

    def get(self, kind: str, doc_id: str) -> Doc | None:
        query = sa.select(self.doc).where(documents.c.kind == kind, documents.c.id == doc_id)
        rows = self._select(query)
        return parse(rows[0][0]) if rows else None

    def review_table(self, query: ReviewQuery) -> pd.DataFrame:
        """One query over the covering index (:mod:`reviews.store.sql_tables`)."""
        with self._connect() as conn:
            return sql_tables.review_table(conn, query)

    def flag_counts(self, flags: Sequence[str], exclude: frozenset[str]) -> pd.DataFrame:
        with self._connect() as conn:
            return sql_tables.flag_counts(conn, flags, exclude)

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
        found = []
        try:
            with self._connect() as conn:
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
        except (StorageError, sa.exc.DatabaseError) as exc:
            found.append(Problem(self.where, f"cannot be read: {_first_line(exc)}"))
        return found


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
