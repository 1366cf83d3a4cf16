"""A stored row of the SQL backend: the JSON document and the columns queries filter on.

Shared by :mod:`reviews.store.sql_store` and :mod:`reviews.store.pg_transaction`.
"""

from __future__ import annotations

from typing import Any

import orjson

from reviews.store.base import Doc

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
    }


def parse(text: str) -> Doc | None:
    """A stored document, or None when the text is not a JSON object (see problems())."""
    try:
        doc = orjson.loads(text)
    except orjson.JSONDecodeError:
        return None
    return doc if isinstance(doc, dict) else None
