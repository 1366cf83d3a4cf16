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
