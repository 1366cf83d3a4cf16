"""The storage interface every backend implements.

A workbook's records live in *shards*: one catalogue shard (resources, written rarely) and one
shard per contributor holding that person's reviews, corrections, votes, comments and
moderation events. A write opens a transaction on exactly one shard, so a learner's submission
never waits for, or rewrites, anyone else's data. Reads merge every shard.

Backends: ``tinydb`` (the embedded default, one JSON file per shard) and ``sql`` (SQLite in
one file, or PostgreSQL for deployments that outgrow one machine; shards are rows there).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from reviews.store.tables import ReviewQuery

CATALOGUE = "__catalogue__"
PEOPLE = "__people__"  # pseudonym numbers: their own shard, so registering a newcomer
# never rewrites the (much larger) catalogue
SHARED_KINDS = {"resources": CATALOGUE, "people": PEOPLE}  # kinds kept in a shared shard
KINDS = (
    "resources",
    "people",
    "reviews",
    "corrections",
    "votes",
    "comments",
    "events",
    "assignments",  # reviews a tutor assigned to learners (in the tutor's shard)
)

Doc = dict[str, Any]


@dataclass(frozen=True)
class Problem:
    """Something wrong in a stored file: where it is and what is wrong."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


def matches(doc: Doc, match: dict[str, Any]) -> bool:
    """Do ``doc``'s fields equal ``match`` (a missing field equals None)? A damaged record
    that is not an object matches nothing."""
    return isinstance(doc, dict) and all(doc.get(k) == v for k, v in match.items())


class Shard(ABC):
    """A transaction on one shard: reads see the shard as it is under the lock."""

    @abstractmethod
    def all(self, kind: str) -> list[Doc]:
        """Every document of ``kind`` in this shard."""

    def find(self, kind: str, **match: Any) -> list[Doc]:
        """Documents of ``kind`` whose fields equal ``match``."""
        return [d for d in self.all(kind) if matches(d, match)]

    def get(self, kind: str, doc_id: str) -> Doc | None:
        found = self.find(kind, id=doc_id)
        return found[0] if found else None

    @abstractmethod
    def put(self, kind: str, doc: Doc) -> None:
        """Insert ``doc``, or replace the document with the same ``id``."""

    def add(self, kind: str, doc: Doc) -> None:
        """Insert a document whose id is new (freshly generated): no search for an old one."""
        self.put(kind, doc)

    def put_many(self, kind: str, docs: list[Doc]) -> None:
        for doc in docs:
            self.put(kind, doc)


class Store(ABC):
    """A workbook's records. Implementations must be safe with many processes at once."""

    name: str
    #: May reads run on several threads at once? (A SQL store's connection pool serves each
    #: thread its own connection; the file-based stores cache and are read on one thread.)
    concurrent_reads: bool = False

    @abstractmethod
    def transaction(self, shard: str) -> AbstractContextManager[Shard]:
        """Lock ``shard`` (the catalogue or an author), yield it, commit atomically on success.

        An exception inside the block discards every change: nothing is half-written.
        """

    @abstractmethod
    def records(self, kind: str) -> list[Doc]:
        """Every document of ``kind`` across all shards. Damaged shards are skipped (and listed
        by :meth:`problems`), so one bad file never hides the rest of the workbook.

        The returned dicts may be shared with a cache: treat them as read-only.
        """

    def get(self, kind: str, doc_id: str) -> Doc | None:
        """One document by id, from any shard (backends with an index override this)."""
        for doc in self.records(kind):
            if doc.get("id") == doc_id:
                return doc
        return None

    def find(self, kind: str, **match: Any) -> list[Doc]:
        """Documents of ``kind`` whose fields equal ``match`` (one resource's reviews, one
        correction's votes): SQL backends ask their indexes instead of reading every record."""
        return [d for d in self.records(kind) if matches(d, match)]

    def live_reviews(self, rubric: str) -> list[Doc]:
        """Reviews of ``rubric`` that are not soft-deleted (an indexed lookup in SQL)."""
        return self.find("reviews", rubric=rubric, deleted_at=None)

    def review_table(self, query: ReviewQuery) -> pd.DataFrame:
        """Live reviews as columns (see :class:`reviews.store.tables.ReviewQuery`): what the
        summaries tabulate. SQL backends answer with one query over a covering index."""
        from reviews.store.tables import table_from_docs

        if query.rubric is None:
            docs = [d for d in self.records("reviews") if d.get("deleted_at") is None]
        else:
            docs = self.live_reviews(query.rubric)
        return table_from_docs(docs, query)

    def flag_counts(self, flags: Sequence[str], exclude: frozenset[str]) -> pd.DataFrame:
        """Per resource (the index): ``n_reviews``, its live reviews under any rubric, and
        ``flag_<f>``, how many of them raise each flag; reviews in ``exclude`` left out."""
        from reviews.store.tables import counts_from_docs

        live = (d for d in self.records("reviews") if d.get("deleted_at") is None)
        return counts_from_docs(live, flags, exclude)

    @abstractmethod
    def scan(self) -> Iterator[tuple[str, str, Doc]]:
        """Every readable document as (where it is stored, kind, document), for checks."""

    @abstractmethod
    def shard_names(self) -> Iterator[str]:
        """Paths (or names) of the shards, for reports."""

    @abstractmethod
    def problems(self) -> list[Problem]:
        """Structural problems: unreadable files, records without an id, duplicated ids."""

    def people_named(self, names: Iterable[str]) -> list[Doc]:
        """The people records (pseudonym numbers) of ``names``, for registering newcomers
        without listing everyone (SQL backends filter by name in the database)."""
        wanted = set(names)
        return [d for d in self.records("people") if d.get("name") in wanted]

    def data_version(self) -> str | None:
        """A version of the stored data that changes with every committed write, in any
        process, or None when the workbook's files are the version (a file-based backend:
        :func:`reviews.quality.snapshot.data_version` fingerprints them)."""
        return None
