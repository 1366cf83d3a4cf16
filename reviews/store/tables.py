"""Reviews as columns: what the summaries read of the store, without a dict per review.

The quality model needs a few fields of every live review (who, which resource, the score of
each item) and, for the flags, how many live reviews of each resource raise each flag. A
store hands these over as a pandas table (:meth:`~reviews.store.base.Store.review_table`,
:meth:`~reviews.store.base.Store.flag_counts`). The functions here compute them from stored
documents, for any backend; the SQL backend answers the same questions with one query each
(:mod:`reviews.store.sql_tables`), so a summary over a million reviews in PostgreSQL never
turns a million rows into Python objects.

pandas is imported inside the functions: a learner's kernel imports the store but never asks
for a table, and must not pay for pandas (``tests/serving`` checks it).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

Doc = Mapping[str, Any]  # a stored document (this module is below reviews.store.base)

#: The per-review fields a table may hold (besides one column per rubric item).
FIELDS = ("id", "resource_id", "reviewer", "confidence", "created_at", "updated_at")
#: Fields that repeat (a resource has many reviews, a reviewer writes many): categorical
#: columns, so that grouping and numbering them costs one pass over integer codes.
CATEGORICAL = ("resource_id", "reviewer")


@dataclass(frozen=True)
class ReviewQuery:
    """Which live (not deleted) reviews, and which of their fields, a table holds.

    ``rubric``: the reviews of one rubric, or of every rubric when None. ``items``: one float
    column per item of the review's ``scores`` (NaN when the item is unanswered or not a
    number); when items are asked for, reviews whose ``scores`` is not an object are left
    out. ``exclude``: ids of reviews to leave out (those a tutor hid). A review without an
    id, a resource or a reviewer is always left out. ``resource_id`` and ``reviewer`` are
    categorical columns, the other texts objects (None when missing)."""

    rubric: str | None
    fields: tuple[str, ...] = ("resource_id", "reviewer")
    items: tuple[str, ...] = ()
    exclude: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        unknown = set(self.fields) - set(FIELDS)
        if unknown:
            raise ValueError(f"unknown review fields {sorted(unknown)}; choose from {FIELDS}")

    @property
    def columns(self) -> list[str]:
        return [*self.fields, *(score_column(i) for i in self.items)]


def score_column(item: str) -> str:
    """The table's column holding the score of ``item``."""
    return f"score:{item}"


def _number(value: Any) -> float:
    is_number = isinstance(value, int | float) and not isinstance(value, bool)
    return float(value) if is_number else float("nan")


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _identified(doc: Doc) -> bool:
    """Has the review an id, a resource and a reviewer (non-empty strings)? The summaries
    leave any other out, as a damaged record."""
    return all(isinstance(v := doc.get(k), str) and v for k in ("id", "resource_id", "reviewer"))


def table_from_docs(docs: Iterable[Doc], query: ReviewQuery) -> pd.DataFrame:
    """The table of ``query`` from live review documents (any backend)."""
    import numpy as np
    import pandas as pd

    rows = [d for d in docs if _identified(d) and d["id"] not in query.exclude]
    if query.items:
        rows = [d for d in rows if isinstance(d.get("scores"), dict)]
    data: dict[str, Any] = {}
    for name in query.fields:
        if name == "confidence":
            values = [_number(d.get(name)) for d in rows]
            data[name] = np.array(values, dtype=float)
        elif name in CATEGORICAL:
            data[name] = pd.Series([d[name] for d in rows], dtype="category")
        else:
            data[name] = pd.Series([_text(d.get(name)) for d in rows], dtype=object)
    for item in query.items:
        values = [_number(d["scores"].get(item)) for d in rows]
        data[score_column(item)] = np.array(values, dtype=float)
    return pd.DataFrame(data, columns=query.columns)


def counts_from_docs(docs: Iterable[Doc], flags: Sequence[str], exclude: frozenset[str]) -> Any:
    """Per resource: ``n_reviews`` live reviews (any rubric) and ``flag_<f>``, how many of them
    raise flag ``f`` (a flag listed twice in one review counts once)."""

    counts: dict[str, list[int]] = {}
    for doc in docs:
        resource_id = doc.get("resource_id")
        if doc.get("id") in exclude or not isinstance(resource_id, str):
            continue
        row = counts.setdefault(resource_id, [0] * (1 + len(flags)))
        row[0] += 1
        raised = doc.get("flags")
        if isinstance(raised, list):
            for k, flag in enumerate(flags, start=1):
                row[k] += flag in raised
    return counts_frame(counts.items(), flags)


def counts_frame(rows: Iterable[tuple[str, Sequence[int]]], flags: Sequence[str]) -> Any:
    """The frame of :func:`counts_from_docs` from (resource id, [n, n_flag...]) rows."""
    import pandas as pd

    columns = ["n_reviews", *(f"flag_{f}" for f in flags)]
    pairs = list(rows)
    frame = pd.DataFrame(
        [list(counts) for _, counts in pairs],
        index=pd.Index([r for r, _ in pairs], name="resource_id", dtype=object),
        columns=columns,
    )
    return frame.astype("int64")
