"""Writes to several shards that land together: all or none (an import needs this).

:func:`transactions` is the entry point. A backend that can commit several shards at once
defines ``transactions(shards)`` itself (the TinyDB store writes every changed shard to a
temporary file and renames them only once all are written; a SQL backend would use one
database transaction) and is used as it is. For any other backend the writes are buffered in
memory while the caller works and replayed shard by shard afterwards: nothing is written if
the caller fails, and nothing waits on a second lock of a database with a single writer.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

from reviews.store.base import Doc, Shard, Store


def transactions(store: Store, shards: list[str]) -> AbstractContextManager[dict[str, Shard]]:
    """Shards by name, committed together when the block ends without an exception."""
    own = getattr(store, "transactions", None)
    if callable(own):
        return own(list(shards))  # type: ignore[no-any-return]
    return _buffered(store, shards)


class BufferedShard(Shard):
    """A shard read once from the store, whose writes are held until :meth:`replay`."""

    def __init__(self, store: Store, name: str) -> None:
        self.store, self.name = store, name
        self.view: dict[str, list[Doc]] = {}
        self.writes: list[tuple[str, Doc]] = []

    def all(self, kind: str) -> list[Doc]:
        if kind not in self.view:
            with self.store.transaction(self.name) as shard:
                self.view[kind] = shard.all(kind)
        return list(self.view[kind])

    def put(self, kind: str, doc: Doc) -> None:
        docs = [d for d in self.all(kind) if d.get("id") != doc["id"]]
        self.view[kind] = [*docs, doc]
        self.writes.append((kind, doc))

    def replay(self) -> None:
        if not self.writes:
            return
        with self.store.transaction(self.name) as shard:
            for kind, doc in self.writes:
                shard.put(kind, doc)


@contextmanager
def _buffered(store: Store, shards: list[str]) -> Iterator[dict[str, Any]]:
    buffered = {name: BufferedShard(store, name) for name in sorted(set(shards))}
    yield buffered
    for shard in buffered.values():
        shard.replay()
