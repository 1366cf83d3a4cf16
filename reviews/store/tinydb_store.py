"""The embedded default backend: TinyDB, one JSON file per shard, safe with many processes.

TinyDB on its own is not safe with several writers (ARCHITECTURE.md measured unreadable files
and lost inserts). What makes it safe here:

* an exclusive :class:`filelock.FileLock` on a sibling ``.lock`` file around every transaction;
* a fresh ``TinyDB`` per transaction, so its ``_next_id`` is never stale;
* :class:`TransactionStorage`: TinyDB reads and writes an in-memory copy while the lock is
  held, and :meth:`TransactionStorage.commit` writes it once, to a temporary file that is
  fsynced and then atomically renamed over the shard (the directory is fsynced too). A process
  killed at any point leaves either the old file or the new one, never a torn one.

Readers never lock: a rename is atomic, so they see a complete old or new file. They cache
each file's parsed contents by (inode, mtime, size) and re-read only what changed.
"""

from __future__ import annotations

import hashlib
import os
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson
from filelock import FileLock, Timeout
from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Table

from reviews.domain.errors import DamagedFile, StorageError
from reviews.store.base import CATALOGUE, KINDS, PEOPLE, SHARED_KINDS, Doc, Problem, Shard, Store

LOCK_TIMEOUT_S = 30.0
RACY_NS = 100_000_000  # 0.1 s: far above ext4's timestamp granularity


def read_json(path: Path) -> dict[str, Any]:
    """A shard file's contents; a missing file is an empty shard, a damaged one an error."""
    try:
        data = orjson.loads(path.read_bytes())
    except FileNotFoundError:
        return {}
    except orjson.JSONDecodeError as exc:
        raise DamagedFile(path, f"not valid JSON: {exc}") from None
    if not isinstance(data, dict) or not all(isinstance(t, dict) for t in data.values()):
        raise DamagedFile(path, "not a TinyDB file (expected a mapping of tables of documents)")
    return data


def write_atomic(path: Path, data: dict[str, Any]) -> None:
    """Write ``data`` to ``path`` so that a crash leaves the old or the new file, never half.

    Called only by the holder of the shard's lock, so one temporary name per shard is enough:
    a temporary file left by a killed writer is simply overwritten by the next one.
    """
    tmp = path.with_name(f".{path.name}.tmp")
    # orjson: encoding and decoding the shard was two thirds of a submission with json
    encoded = orjson.dumps(data)
    with open(tmp, "wb") as fh:
        fh.write(encoded)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)  # make the rename itself durable
    finally:
        os.close(dir_fd)


class TransactionStorage(Storage):
    """TinyDB storage holding one shard in memory for the length of a locked transaction."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.data = read_json(path)
        self.dirty = False

    def read(self) -> dict[str, Any]:
        return self.data

    def write(self, data: dict[str, Any]) -> None:
        self.data = data
        self.dirty = True

    def commit(self) -> None:
        if self.dirty:
            write_atomic(self.path, self.data)
            self.dirty = False


class TinyShard(Shard):
    def __init__(self, db: TinyDB) -> None:
        self.db = db

    def table(self, kind: str) -> Table:
        # No query cache: the table lives for one transaction, and plain functions as
        # conditions cost a tenth of composed Query objects per document.
        return self.db.table(kind, cache_size=0)

    def all(self, kind: str) -> list[Doc]:
        return [dict(d) for d in self.table(kind).all()]

    def find(self, kind: str, **match: Any) -> list[Doc]:
        pairs = tuple(match.items())
        found = self.table(kind).search(lambda d: all(d.get(k) == v for k, v in pairs))
        return [dict(d) for d in found]

    def put(self, kind: str, doc: Doc) -> None:
        table = self.table(kind)
        found = table.search(lambda d: d.get("id") == doc["id"])
        if found:
            table.update(doc, doc_ids=[found[0].doc_id])
        else:
            table.insert(doc)

    def add(self, kind: str, doc: Doc) -> None:
        self.table(kind).insert(doc)

    def put_many(self, kind: str, docs: list[Doc]) -> None:
        table = self.table(kind)
        existing = {d["id"]: d.doc_id for d in table.all() if "id" in d}
        new = [d for d in docs if d["id"] not in existing]
        for doc in docs:
            if doc["id"] in existing:
                table.update(doc, doc_ids=[existing[doc["id"]]])
        if new:
            table.insert_multiple(new)


def shard_file_name(author: str) -> str:
    """A file name for an author's shard: readable, safe on every OS, unique per name."""
    slug = re.sub(r"[^a-z0-9]+", "-", author.lower()).strip("-")[:40] or "author"
    digest = hashlib.sha256(author.encode("utf-8")).hexdigest()[:10]
    return f"{slug}-{digest}.json"


class TinyDBStore(Store):
    name = "tinydb"

    def __init__(self, root: Path) -> None:
        self.root = root
        self.catalogue = root / "catalogue.json"
        self.contrib = root / "contributions"
        self.contrib.mkdir(parents=True, exist_ok=True)
        self._cache: dict[Path, tuple[tuple[int, int, int], dict[str, Any]]] = {}
        self._read_problems: dict[Path, str] = {}
        self._index: tuple[dict[str, Any], dict[str, Doc]] | None = None

    def path_for(self, shard: str) -> Path:
        if shard == CATALOGUE:
            return self.catalogue
        if shard == PEOPLE:
            return self.root / "people.json"
        return self.contrib / shard_file_name(shard)

    @contextmanager
    def transaction(self, shard: str) -> Iterator[Shard]:
        path = self.path_for(shard)
        lock = FileLock(str(path) + ".lock", timeout=LOCK_TIMEOUT_S)
        try:
            lock.acquire()
        except Timeout:
            raise StorageError(
                f"{path.name} is busy (locked for over {LOCK_TIMEOUT_S:.0f} s); try again"
            ) from None
        try:
            storage: TransactionStorage | None = None

            def make_storage(*_: Any, **__: Any) -> TransactionStorage:
                nonlocal storage
                storage = TransactionStorage(path)
                return storage

            db = TinyDB(storage=make_storage)
            yield TinyShard(db)
            assert storage is not None
            storage.commit()
        finally:
            self._cache.pop(path, None)  # this process's own write is never served stale
            lock.release()

    def shard_paths(self) -> list[Path]:
        return [self.catalogue, self.path_for(PEOPLE), *self.contribution_paths()]

    def contribution_paths(self) -> list[Path]:
        return sorted(self.contrib.glob("*.json"))

    def shard_names(self) -> Iterator[str]:
        for path in self.shard_paths():
            if path.exists():
                yield str(path)

    def _load(self, path: Path) -> dict[str, Any] | None:
        """Parsed contents of ``path`` from the cache, re-read when the file changed."""
        try:
            st = path.stat()
        except FileNotFoundError:
            self._cache.pop(path, None)
            return None
        key = (st.st_ino, st.st_mtime_ns, st.st_size)
        cached = self._cache.get(path)
        # A file changed within the last RACY_NS may change again within the same timestamp
        # tick, with the same size and a reused inode: re-read it rather than trust the key
        # (git's "racy clean" problem).
        if cached and cached[0] == key and time.time_ns() - st.st_mtime_ns > RACY_NS:
            return cached[1]
        try:
            data = read_json(path)
        except DamagedFile as exc:
            self._read_problems[path] = exc.reason
            self._cache.pop(path, None)
            return None
        self._read_problems.pop(path, None)
        self._cache[path] = (key, data)
        return data

    def get(self, kind: str, doc_id: str) -> Doc | None:
        if kind != "resources":
            return super().get(kind, doc_id)
        # Every submission checks its resource: index the catalogue once per version of it.
        data = self._load(self.catalogue) or {}
        if self._index is None or self._index[0] is not data:
            docs = data.get("resources", {}).values()
            self._index = (data, {d["id"]: d for d in docs if isinstance(d, dict) and "id" in d})
        return self._index[1].get(doc_id)

    def records(self, kind: str) -> list[Doc]:
        out: list[Doc] = []
        # Resources are only ever written to the catalogue, contributions only to their
        # authors' shards: a submission checking its resource stats one file, not the class.
        shared = SHARED_KINDS.get(kind)
        paths = [self.path_for(shared)] if shared else self.contribution_paths()
        for path in paths:
            data = self._load(path)
            if data:
                out.extend(data.get(kind, {}).values())
        return out

    def scan(self) -> Iterator[tuple[str, str, Doc]]:
        for path in self.shard_paths():
            for kind, docs in (self._load(path) or {}).items():
                for key, doc in docs.items():
                    yield f"{path} [{kind} {key}]", kind, doc

    def problems(self) -> list[Problem]:
        found: list[Problem] = []
        seen: dict[str, Path] = {}
        for path in self.shard_paths():
            data = self._load(path)
            if path in self._read_problems:
                found.append(Problem(str(path), self._read_problems[path]))
                continue
            for table, docs in (data or {}).items():
                if table not in KINDS:
                    found.append(Problem(str(path), f"unknown table {table!r}"))
                    continue
                for doc_id, doc in docs.items():
                    rid = doc.get("id") if isinstance(doc, dict) else None
                    if not isinstance(rid, str):
                        found.append(Problem(str(path), f"{table} document {doc_id} has no id"))
                    elif rid in seen:
                        found.append(Problem(str(path), f"id {rid} also in {seen[rid]}"))
                    else:
                        seen[rid] = path
        return found
