"""The summaries' reads as SQL: review columns and flag counts, one query each.

The summary needs three fields of every live review of a rubric, so the SQL backend keeps a
review's reviewer, scores and flags in columns of their own, under the covering index
``documents_reviews`` (revision 0003): PostgreSQL answers from the index alone, without
reading the documents (measured at a million reviews: 0.24 s, against 1.3 s for a scan of the
documents; benchmarks/postgres.md).

Crossing into Python is the other cost: a million rows fetched as tuples take about 0.8 s of
the client's time before pandas sees them. PostgreSQL therefore hands the table over as *one*
CSV text built by ``string_agg`` (every text field quoted as CSV quotes it, so a name with a
comma, a quote or a line break is read back as it was), which pandas' C parser reads in a
fraction of that. SQLite, on one machine, returns rows.

Both dialects apply the rules of :mod:`reviews.store.tables`: a score counts only when it is a
JSON number, a review without an id, resource or reviewer is left out, and a flag counts once
per review.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from reviews.store.tables import CATEGORICAL, ReviewQuery, counts_frame

if TYPE_CHECKING:
    import pandas as pd
    from sqlalchemy.engine import Connection

#: Text fields stored in columns of their own; the others are read from the document.
COLUMN_FIELDS = ("id", "resource_id", "reviewer", "created_at")


def _where(query: ReviewQuery | None, exclude: frozenset[str], params: dict[str, Any]) -> str:
    """The filter of live reviews shared by both queries (named parameters in ``params``)."""
    where = ["kind = 'reviews'", "deleted_at IS NULL"]
    if query is not None:
        where += ["id <> ''", "resource_id <> ''", "reviewer <> ''"]  # NULL fails them too
        if query.rubric is not None:
            where.append("rubric = :rubric")
            params["rubric"] = query.rubric
        if query.items:
            where.append("scores IS NOT NULL")
    else:
        where.append("resource_id IS NOT NULL")
    for k, review_id in enumerate(sorted(exclude)):
        params[f"x{k}"] = review_id
    if exclude:
        where.append(f"id NOT IN ({', '.join(f':x{k}' for k in range(len(exclude)))})")
    return " AND ".join(where)


def literal(text: str) -> str:
    """``text`` as an SQL string literal (quotes doubled: standard-conforming strings)."""
    return "'" + text.replace("'", "''") + "'"


def _postgres_fields(query: ReviewQuery) -> list[str]:
    """One SQL expression per column of ``query``: quoted CSV text, or a bare number."""

    def quoted(expr: str) -> str:
        return f"""coalesce('"' || replace({expr}, '"', '""') || '"', '')"""

    def number(json: str, key: str) -> str:
        got = f"({json} -> {literal(key)})"
        return f"coalesce(CASE WHEN jsonb_typeof({got}) = 'number' THEN {got}::text END, '')"

    out = []
    for name in query.fields:
        if name in COLUMN_FIELDS:
            out.append(quoted(name))
        elif name == "confidence":
            out.append(number("doc", name))
        else:  # updated_at: a string in the document
            got = f"doc -> {literal(name)}"
            out.append(
                quoted(f"CASE WHEN jsonb_typeof({got}) = 'string' THEN {got} #>> '{{}}' END")
            )
    out += [number("scores", item) for item in query.items]
    return out


def _sqlite_fields(query: ReviewQuery) -> list[str]:
    def number(json: str, path: str) -> str:
        got = literal(path)
        return (
            f"CASE WHEN json_type({json}, {got}) IN ('integer', 'real') "
            f"THEN json_extract({json}, {got}) END"
        )

    out = []
    for name in query.fields:
        if name in COLUMN_FIELDS:
            out.append(name)
        elif name == "confidence":
            out.append(number("doc", f"$.{name}"))
        else:
            got = literal(f"$.{name}")
            out.append(
                f"CASE WHEN json_type(doc, {got}) = 'text' THEN json_extract(doc, {got}) END"
            )
    out += [number("scores", f'$."{item}"') for item in query.items]
    return out


def review_table(conn: Connection, query: ReviewQuery) -> pd.DataFrame:
    """The table of ``query`` (see :meth:`reviews.store.base.Store.review_table`)."""
    import pandas as pd

    params: dict[str, Any] = {}
    where = _where(query, query.exclude, params)
    columns = query.columns
    if conn.dialect.name == "postgresql":
        fields = " || ',' || ".join(_postgres_fields(query)) if columns else "''"
        sql = f"SELECT string_agg({fields}, E'\\n') FROM documents WHERE {where}"
        text = conn.execute(sa.text(sql), params).scalar()
        if not text or not columns:
            return _typed(pd.DataFrame([], columns=columns), query)
        frame = pd.read_csv(
            io.StringIO(text),
            header=None,
            names=columns,
            dtype=_dtypes(query),
            na_values=[""],
            keep_default_na=False,
        )
    else:
        fields = ", ".join(_sqlite_fields(query)) or "1"
        rows = conn.execute(sa.text(f"SELECT {fields} FROM documents WHERE {where}"), params)
        frame = pd.DataFrame.from_records(list(rows), columns=columns or None)
    return _typed(frame, query)


def _dtypes(query: ReviewQuery) -> dict[str, Any]:
    numbers = {"confidence", *(c for c in query.columns if c.startswith("score:"))}
    return {
        c: "float64" if c in numbers else "category" if c in CATEGORICAL else "object"
        for c in query.columns
    }


def _typed(frame: pd.DataFrame, query: ReviewQuery) -> pd.DataFrame:
    """The column types of :func:`reviews.store.tables.table_from_docs`: floats for numbers,
    categories for the repeated names, objects (None for a missing text) for other texts."""
    for name, dtype in _dtypes(query).items():
        column = frame[name].astype(dtype)
        if dtype == "object":
            column = column.where(column.notna(), None)
        frame[name] = column
    return frame


def flag_counts(conn: Connection, flags: Sequence[str], exclude: frozenset[str]) -> Any:
    """Per resource: live reviews of any rubric and how many raise each flag (see
    :meth:`reviews.store.base.Store.flag_counts`)."""
    params: dict[str, Any] = {}
    where = _where(None, exclude, params)
    raised = []
    for flag in flags:
        if conn.dialect.name == "postgresql":
            test = f"flags ? {literal(flag)}"
        else:
            test = f"EXISTS (SELECT 1 FROM json_each(flags) WHERE value = {literal(flag)})"
        raised.append(f"count(*) FILTER (WHERE {test})")
    counted = ", ".join(["count(*)", *raised])
    sql = f"SELECT resource_id, {counted} FROM documents WHERE {where} GROUP BY resource_id"
    rows = conn.execute(sa.text(sql), params)
    return counts_frame(((r[0], [int(n or 0) for n in r[1:]]) for r in rows), flags)
