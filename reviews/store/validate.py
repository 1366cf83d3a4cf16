"""Every record is validated on read, whatever the backend: one bad record never breaks a view.

A backend returns plain JSON documents and knows nothing of their meaning; a hand-edited or
damaged file can therefore hold a record that is not an object (``{"reviews": {"1": "x"}}``),
or one that no longer satisfies its model. Every reader above the store (the quality tables,
the classroom views, the workbook's own writes) assumes valid records, so :class:`CheckedStore`
wraps any :class:`~reviews.store.base.Store` and lets only valid records through, in
:meth:`records`, :meth:`get` and inside transactions. What it leaves out stays in the file,
untouched, and is listed by :meth:`CheckedStore.damage` (the tutors' banner) and by
``appraise check`` (which uses :func:`record_problem`, the same test).

Validating a record costs tens of microseconds, so verdicts are cached: by object identity (a
backend that caches parsed files, as the TinyDB one does, returns the same dicts until a file
changes) and then by a digest of the content (a backend that builds fresh dicts on every read).
The cache of a kind holds only the records of its latest read, so it never grows stale.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import TYPE_CHECKING, Any

import orjson
import pydantic

from reviews.domain.model import (
    Assignment,
    Comment,
    Correction,
    ModerationEvent,
    Person,
    Resource,
    Review,
    Vote,
    problems,
)
from reviews.store import staged
from reviews.store.base import Doc, Problem, Shard, Store

if TYPE_CHECKING:
    import pandas as pd

    from reviews.store.tables import ReviewQuery

#: The model every stored kind must satisfy.
MODELS: dict[str, type[pydantic.BaseModel]] = {
    "resources": Resource,
    "people": Person,
    "reviews": Review,
    "corrections": Correction,
    "votes": Vote,
    "comments": Comment,
    "events": ModerationEvent,
    "assignments": Assignment,
}

_SHOWN = 120  # characters of a bad record quoted in a report


def record_problem(kind: str, doc: object) -> str | None:
    """What is wrong with ``doc`` as a stored record of ``kind`` (None when it is valid)."""
    if not isinstance(doc, dict):
        return f"is not a JSON object but {_quote(doc)}"
    model = MODELS.get(kind)
    if model is None:
        return None
    try:
        model.model_validate(doc)
    except pydantic.ValidationError as exc:
        return "; ".join(problems(exc))
    except (ValueError, TypeError, ArithmeticError) as exc:  # a validator refusing (bad URL)
        return str(exc) or type(exc).__name__
    return None


def _quote(doc: object) -> str:
    try:
        text = orjson.dumps(doc).decode()
    except TypeError:
        text = repr(doc)
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"


def _digest(doc: object) -> bytes:
    try:
        return hashlib.blake2b(orjson.dumps(doc), digest_size=16).digest()
    except TypeError:  # not JSON: never cached by content
        return b""


class _Verdicts:
    """Cached verdicts of one kind's records: identity first, then content digest."""

    def __init__(self) -> None:
        self.by_id: dict[int, tuple[object, str | None]] = {}
        self.by_digest: dict[bytes, str | None] = {}

    def verdict(self, kind: str, doc: object, fresh: _Verdicts | None = None) -> str | None:
        hit = self.by_id.get(id(doc))
        if hit is not None and hit[0] is doc:
            verdict = hit[1]
            if fresh is not None:
                fresh.by_id[id(doc)] = hit
            return verdict
        digest = _digest(doc)
        if digest and digest in self.by_digest:
            verdict = self.by_digest[digest]
        else:
            verdict = record_problem(kind, doc)
        if fresh is not None:
            fresh.by_id[id(doc)] = (doc, verdict)
            if digest:
                fresh.by_digest[digest] = verdict
        return verdict


class CheckedShard(Shard):
    """A transaction whose reads skip invalid records (they stay in the shard, untouched)."""

    def __init__(self, inner: Shard) -> None:
        self.inner = inner

    def all(self, kind: str) -> list[Doc]:
        return [d for d in self.inner.all(kind) if record_problem(kind, d) is None]

    def find(self, kind: str, **match: Any) -> list[Doc]:
        return [d for d in self.inner.find(kind, **match) if record_problem(kind, d) is None]

    def get(self, kind: str, doc_id: str) -> Doc | None:
        doc = self.inner.get(kind, doc_id)
        return doc if doc is not None and record_problem(kind, doc) is None else None

    def put(self, kind: str, doc: Doc) -> None:
        self.inner.put(kind, doc)

    def add(self, kind: str, doc: Doc) -> None:
        self.inner.add(kind, doc)

    def put_many(self, kind: str, docs: list[Doc]) -> None:
        self.inner.put_many(kind, docs)


class CheckedStore(Store):
    """Any store, with every record it returns validated against its model (see module)."""

    def __init__(self, inner: Store) -> None:
        self.inner = inner
        self.name = inner.name
        self.concurrent_reads = inner.concurrent_reads
        self._verdicts: dict[str, _Verdicts] = {}

    def __getattr__(self, attr: str) -> Any:  # backend specifics (root, path_for, …)
        if attr == "inner":
            raise AttributeError(attr)
        return getattr(self.inner, attr)

    def _checked(self, kind: str, docs: list[Doc]) -> list[Doc]:
        old = self._verdicts.get(kind) or _Verdicts()
        fresh = _Verdicts()
        out = [d for d in docs if old.verdict(kind, d, fresh) is None]
        self._verdicts[kind] = fresh
        return out

    def records(self, kind: str) -> list[Doc]:
        return self._checked(kind, self.inner.records(kind))

    def find(self, kind: str, **match: Any) -> list[Doc]:
        """The backend's matches that are valid (checked against the cached verdicts of the
        kind's last full read, which a partial read must not replace)."""
        cache = self._verdicts.get(kind) or _Verdicts()
        return [d for d in self.inner.find(kind, **match) if cache.verdict(kind, d) is None]

    def review_table(self, query: ReviewQuery) -> pd.DataFrame:
        """The backend's own query where it has one (SQL: its rules are those of
        :mod:`reviews.store.tables`, applied by the database); else from checked records."""
        if type(self.inner).review_table is Store.review_table:
            return super().review_table(query)
        return self.inner.review_table(query)

    def flag_counts(self, flags: Sequence[str], exclude: frozenset[str]) -> pd.DataFrame:
        if type(self.inner).flag_counts is Store.flag_counts:
            return super().flag_counts(flags, exclude)
        return self.inner.flag_counts(flags, exclude)

    def people_named(self, names: Iterable[str]) -> list[Doc]:
        """The backend's own lookup by name, its records checked."""
        cache = self._verdicts.get("people") or _Verdicts()
        return [d for d in self.inner.people_named(names) if cache.verdict("people", d) is None]

    def data_version(self) -> str | None:
        return self.inner.data_version()

    def get(self, kind: str, doc_id: str) -> Doc | None:
        doc = self.inner.get(kind, doc_id)
        if doc is None:
            return None
        cache = self._verdicts.get(kind) or _Verdicts()
        return doc if cache.verdict(kind, doc) is None else None

    @contextmanager
    def _transaction(self, shard: str) -> Iterator[Shard]:
        with self.inner.transaction(shard) as inner:
            yield CheckedShard(inner)

    def transaction(self, shard: str) -> AbstractContextManager[Shard]:
        return self._transaction(shard)

    def transactions(self, shards: list[str]) -> AbstractContextManager[dict[str, Shard]]:
        """Several shards committed together, all or none (see :mod:`reviews.store.staged`)."""
        return self._transactions(shards)

    @contextmanager
    def _transactions(self, shards: list[str]) -> Iterator[dict[str, Shard]]:
        with staged.transactions(self.inner, shards) as inner:
            yield {name: CheckedShard(shard) for name, shard in inner.items()}

    def scan(self) -> Iterator[tuple[str, str, Doc]]:
        """Every stored record, valid or not (for ``appraise check``)."""
        return self.inner.scan()

    def shard_names(self) -> Iterator[str]:
        return self.inner.shard_names()

    def problems(self) -> list[Problem]:
        return self.inner.problems()

    def damage(self) -> list[Problem]:
        """Everything the reads skip: unreadable shards and records, and records failing their
        model, each with where it is stored (quoted briefly)."""
        found = list(self.inner.problems())
        for where, kind, doc in self.inner.scan():
            cache = self._verdicts.get(kind) or _Verdicts()
            verdict = cache.verdict(kind, doc)
            if verdict is not None:
                found.append(Problem(where, verdict))
        return found


def checked(store: Store) -> CheckedStore:
    """``store`` with validated reads (a store already checked is returned as it is)."""
    return store if isinstance(store, CheckedStore) else CheckedStore(store)
