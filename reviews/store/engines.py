"""Connection pools for the SQL backend: one engine per database per process.

A Voila kernel opens its workbook often, and every open would otherwise start a pool of its
own. SQLite connections are set up for WAL, ``synchronous=FULL`` and explicit transactions;
PostgreSQL connections go through psycopg 3 and are *not* pinged before use (a ``SELECT 1``
round trip on every checkout was a sixth of a submission's time): a connection the server
closed is detected when it is used, and :mod:`reviews.store.sql_store` retries the statements
that are safe to retry (see "Dealing with Disconnects" in SQLAlchemy's pooling docs).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine, make_url

_ENGINES: dict[str, Engine] = {}


def safe_url(url: str | sa.URL) -> str:
    """``url`` as it may be shown or logged: the password replaced by ``***``."""
    return make_url(url).render_as_string(hide_password=True)


def engine_for(url: str | sa.URL, connect_args: dict[str, Any] | None = None) -> Engine:
    """One engine (one connection pool) per database per process, however many workbooks
    are opened: a Voila kernel opens its workbook often."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    key = parsed.render_as_string(hide_password=False) + repr(sorted((connect_args or {}).items()))
    engine = _ENGINES.get(key)
    if engine is None:
        if parsed.get_backend_name() == "sqlite":
            engine = sa.create_engine(parsed, connect_args={"timeout": 30.0})
            sa.event.listen(engine, "connect", _sqlite_connect)
            sa.event.listen(engine, "begin", _sqlite_begin)
        else:
            engine = sa.create_engine(parsed, pool_size=2, connect_args=connect_args or {})
        _ENGINES[key] = engine
    return engine


def dispose_engines() -> None:
    """Close every pooled connection of this process (tests, and before a fork)."""
    for engine in _ENGINES.values():
        engine.dispose()
    _ENGINES.clear()


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy's "begin" event issue BEGIN IMMEDIATE itself (the pysqlite driver would
    # otherwise begin lazily, and deferred transactions can deadlock two writers).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    # Writers take the write lock at once (BEGIN IMMEDIATE); readers begin a deferred
    # transaction, a consistent snapshot in WAL mode that never waits for a writer.
    write = conn.get_execution_options().get("appraise_write", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")
