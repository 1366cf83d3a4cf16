"""Storage: the interface every backend implements (``base.py``) and one module per backend
(``tinydb_store.py``, the default sharded TinyDB; ``sqlite_store.py``).

Backends store and return plain JSON documents, with locking, atomic writes and damage
detection; they know nothing of rubrics, people or summaries. Validation into domain models
happens above, in :mod:`reviews.workbook`.
"""

from __future__ import annotations

from pathlib import Path

from reviews.domain.errors import ValidationError
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
