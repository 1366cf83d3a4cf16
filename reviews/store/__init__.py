"""Storage: the interface every backend implements (``base.py``) and one module per backend
(``tinydb_store.py``, the default sharded TinyDB; ``sql_store.py``, SQLite or PostgreSQL
through SQLAlchemy, with its schema and Alembic migrations in ``schema.py``/``migrations``).

Backends store and return plain JSON documents, with locking, atomic writes and damage
detection; they know nothing of rubrics, people or summaries. Validation into domain models
happens above, in :mod:`reviews.workbook`.
"""

from __future__ import annotations

from pathlib import Path

from reviews.domain.errors import ValidationError
from reviews.store.base import CATALOGUE, KINDS, Doc, Problem, Shard, Store

BACKENDS = ("tinydb", "sqlite", "postgresql")
SQLITE_FILE = "appraise.sqlite"


def open_store(
    root: Path, backend: str = "tinydb", database: str | None = None, create: bool = False
) -> Store:
    """The store of the workbook at ``root`` for ``backend``. ``database`` is the PostgreSQL
    URL of workbook.yaml (no password); ``create`` makes the schema of a new, empty database
    and refuses one that already holds records."""
    if backend == "tinydb":
        from reviews.store.tinydb_store import TinyDBStore

        return TinyDBStore(root)
    if backend == "sqlite":
        from reviews.store.sql_store import SQLStore

        return SQLStore(f"sqlite:///{root / SQLITE_FILE}", "sqlite", create=create)
    if backend == "postgresql":
        from reviews.store.database import connection
        from reviews.store.sql_store import SQLStore

        if not database:
            raise ValidationError(
                "this workbook uses PostgreSQL but names no database: set `database:` in "
                "workbook.yaml"
            )
        url, connect_args = connection(root, database)
        return SQLStore(url, "postgresql", connect_args, create=create)
    raise ValidationError(f"unknown storage {backend!r}; choose one of {', '.join(BACKENDS)}")


def upgrade_store(root: Path, backend: str, database: str | None = None) -> str:
    """Migrate the workbook's SQL schema to this code's (Alembic); what was done, in words."""
    if backend == "tinydb":
        return "this workbook keeps its records in TinyDB files: there is no schema to upgrade"
    from reviews.store.database import connection
    from reviews.store.sql_store import upgrade_url

    if backend == "sqlite":
        return upgrade_url(f"sqlite:///{root / SQLITE_FILE}", {})
    if not database:
        raise ValidationError("this workbook uses PostgreSQL but names no database")
    url, connect_args = connection(root, database)
    return upgrade_url(url, connect_args)


__all__ = ["BACKENDS", "CATALOGUE", "KINDS", "Doc", "Problem", "Shard", "Store", "open_store"]
