"""Storage backends behind one interface (see :mod:`reviews.store.base`)."""

from __future__ import annotations

from pathlib import Path

from reviews.errors import ValidationError
from reviews.store.base import CATALOGUE, KINDS, Doc, Problem, Shard, Store

BACKENDS = ("tinydb", "sqlite")


def open_store(root: Path, backend: str = "tinydb") -> Store:
    """The store of the workbook at ``root`` for ``backend`` (``tinydb`` or ``sqlite``)."""
    if backend == "tinydb":
        from reviews.store.tinydb_store import TinyDBStore

        return TinyDBStore(root)
    if backend == "sqlite":
        from reviews.store.sqlite_store import SQLiteStore

        return SQLiteStore(root)
    raise ValidationError(f"unknown storage {backend!r}; choose one of {', '.join(BACKENDS)}")


__all__ = ["BACKENDS", "CATALOGUE", "KINDS", "Doc", "Problem", "Shard", "Store", "open_store"]
