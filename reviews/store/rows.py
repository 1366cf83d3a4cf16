"""A stored row of the SQL backend: the JSON document and the columns queries filter on.

Shared by :mod:`reviews.store.sql_store` and :mod:`reviews.store.pg_transaction`.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Iterable
from typing import Any

import orjson

from reviews.domain.errors import DamagedFile
from reviews.store.base import Doc, Shard, matches

# The document fields a transaction's find() filters on in the database (they are columns).
FILTERED = ("id", "resource_id", "rubric")


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


class RowShard(Shard):
    """A SQL transaction's reads, whatever sends the statements: the shard's rows of a kind,
    filtered in the database on the :data:`FILTERED` columns, then field by field."""

    where: str  # the database, as it may be shown

    @abstractmethod
    def _rows(self, kind: str, **match: str) -> Iterable[tuple[str, str]]:
        """(id, JSON text) of the shard's rows of ``kind`` whose columns equal ``match``."""

    def _docs(self, kind: str, **match: str) -> list[Doc]:
        out = []
        for rid, text in self._rows(kind, **match):
            doc = parse(text)
            if doc is None:  # a damaged row stops its shard's writes instead of being replaced
                raise DamagedFile(f"{self.where} [{kind} {rid}]", "not a JSON object")
            out.append(doc)
        return out

    def all(self, kind: str) -> list[Doc]:
        return self._docs(kind)

    def find(self, kind: str, **match: Any) -> list[Doc]:
        where = {k: v for k, v in match.items() if k in FILTERED and isinstance(v, str)}
        return [d for d in self._docs(kind, **where) if matches(d, match)]

    def get(self, kind: str, doc_id: str) -> Doc | None:
        found = self._docs(kind, id=doc_id)
        return found[0] if found else None
