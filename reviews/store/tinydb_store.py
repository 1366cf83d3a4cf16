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
import stat
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


BAD_KEY = (
    "the key of this record is not a number; give it a number no other record of the table "
    "has (the record is skipped until then)"
)


def read_json(path: Path) -> dict[str, Any]:
    """A shard file's contents; a missing file is an empty shard, a damaged one an error.

    Anything but a regular file (a directory, a FIFO that would block the reader forever) and
    a file that cannot be read (permissions, I/O error) is damaged too: reported, never fatal.
    """
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            raise DamagedFile(path, "not a regular file (a folder or device in its place)")
        data = orjson.loads(path.read_bytes())
    except FileNotFoundError:
        return {}
    except orjson.JSONDecodeError as exc:
        raise DamagedFile(path, f"not valid JSON: {exc}") from None
    except OSError as exc:
        raise DamagedFile(path, f"cannot be read: {exc.strerror or exc}") from None
    if not isinstance(data, dict) or not all(isinstance(t, dict) for t in data.values()):
        raise DamagedFile(path, "not a TinyDB file (expected a mapping of tables of documents)")
    return data


def misfiled(data: dict[str, Any]) -> list[tuple[str, str, Any]]:
    """(table, key, value) of every entry TinyDB cannot hold: a key that is not a number, or
    a value that is not a JSON object. Reads skip them; writes keep them as they are."""
    return [
        (table, key, doc)
        for table, docs in data.items()
        for key, doc in docs.items()
        if not (key.isascii() and key.isdigit()) or not isinstance(doc, dict)
    ]


def _without(data: dict[str, Any], entries: list[tuple[str, str, Any]]) -> dict[str, Any]:
    out = {table: dict(docs) for table, docs in data.items()}
    for table, key, _ in entries:
        del out[table][key]
    return out


def stage(path: Path, data: dict[str, Any]) -> Path:
    """Write ``data`` beside ``path`` in a temporary file, fsynced; nothing is replaced yet.

    A failed write (a full disk) removes the temporary file and raises :class:`StorageError`:
    the shard itself is untouched. Called only by the holder of the shard's lock, so one
    temporary name per shard is enough.
    """
    tmp = path.with_name(f".{path.name}.tmp")
    # orjson: encoding and decoding the shard was two thirds of a submission with json
    encoded = orjson.dumps(data)
    try:
        with open(tmp, "wb") as fh:
            fh.write(encoded)
            fh.flush()
            os.fsync(fh.fileno())
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise StorageError(
            f"{path.name} could not be saved ({exc.strerror or exc}); nothing was changed"
        ) from None
    return tmp


def publish(tmp: Path, path: Path) -> None:
    """Atomically put a staged file in place of ``path`` and make the rename durable."""
    os.replace(tmp, path)
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def write_atomic(path: Path, data: dict[str, Any]) -> None:
    """Write ``data`` to ``path`` so that a crash leaves the old or the new file, never half."""
    publish(stage(path, data), path)


class TransactionStorage(Storage):
    """TinyDB storage holding one shard in memory for the length of a locked transaction.

    Entries TinyDB cannot hold (see :func:`misfiled`) are set aside while it works and put
    back, unchanged, when the shard is written: a hand-edited key never stops its author's
    writes, and nothing in the file is lost.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        raw = read_json(path)
        self.aside = misfiled(raw)
        self.data = _without(raw, self.aside) if self.aside else raw
        self.dirty = False

    def read(self) -> dict[str, Any]:
        return self.data

    def write(self, data: dict[str, Any]) -> None:
        self.data = data
        self.dirty = True

    def contents(self) -> dict[str, Any]:
        """What the file will hold: TinyDB's tables plus the entries set aside."""
        if not self.aside:
            return self.data
        out = {table: dict(docs) for table, docs in self.data.items()}
        for table, key, doc in self.aside:
            docs = out.setdefault(table, {})
            if key in docs:  # TinyDB reused the number of a non-object entry: renumber it
                key = str(max((int(k) for k in docs if k.isdigit()), default=0) + 1)
            docs[key] = doc
        return out

    def staged(self) -> Path | None:
        """The new contents in a temporary file (None when nothing changed)."""
        return stage(self.path, self.contents()) if self.dirty else None

    def commit(self) -> None:
        tmp = self.staged()
        if tmp is not None:
            publish(tmp, self.path)
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
        self._bad_keys: dict[Path, list[tuple[str, str]]] = {}
        self._index: tuple[dict[str, Any], dict[str, Doc]] | None = None

    def path_for(self, shard: str) -> Path:
        if shard == CATALOGUE:
            return self.catalogue
        if shard == PEOPLE:
            return self.root / "people.json"
        return self.contrib / shard_file_name(shard)

    def _lock(self, path: Path) -> FileLock:
        lock = FileLock(str(path) + ".lock", timeout=LOCK_TIMEOUT_S)
        try:
            lock.acquire()
        except Timeout:
            raise StorageError(
                f"{path.name} is busy (locked for over {LOCK_TIMEOUT_S:.0f} s); try again"
            ) from None
        return lock

    @contextmanager
    def transaction(self, shard: str) -> Iterator[Shard]:
        with self.transactions([shard]) as shards:
            yield shards[shard]

    @contextmanager
    def transactions(self, shards: list[str]) -> Iterator[dict[str, Shard]]:
        """Lock the shards, then write every changed one to a temporary file and rename them
        only once all are written: a full disk or any error leaves every shard as it was."""
        paths = {name: self.path_for(name) for name in sorted(set(shards))}
        locks: list[FileLock] = []
        storages: list[TransactionStorage] = []

        def storage_for(path: Path) -> Any:
            def make_storage(*_: Any, **__: Any) -> TransactionStorage:
                storages.append(TransactionStorage(path))
                return storages[-1]

            return make_storage

        try:
            for path in sorted(paths.values()):
                locks.append(self._lock(path))
            yield {name: TinyShard(TinyDB(storage=storage_for(p))) for name, p in paths.items()}
            staged: list[tuple[Path, Path]] = []
            try:
                for storage in storages:
                    tmp = storage.staged()
                    if tmp is not None:
                        staged.append((tmp, storage.path))
            except BaseException:
                for tmp, _ in staged:
                    tmp.unlink(missing_ok=True)
                raise
            for tmp, path in staged:
                publish(tmp, path)
        finally:
            for path in paths.values():
                self._cache.pop(path, None)  # this process's own write is never served stale
            for lock in reversed(locks):
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
            self._read_problems.pop(path, None)
            return None
        except OSError as exc:
            self._read_problems[path] = f"cannot be read: {exc.strerror or exc}"
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
        keys = [(t, k, d) for t, k, d in misfiled(data) if not (k.isascii() and k.isdigit())]
        if keys:  # a record under a hand-edited key: skipped, and reported by problems()
            data = _without(data, keys)
            self._bad_keys[path] = [(t, k) for t, k, _ in keys]
        else:
            self._bad_keys.pop(path, None)
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
            for table, key in self._bad_keys.get(path, []):
                found.append(Problem(f"{path} [{table} {key}]", BAD_KEY))
            for table, docs in (data or {}).items():
                if table not in KINDS:
                    found.append(Problem(str(path), f"unknown table {table!r}"))
                    continue
                for doc_id, doc in docs.items():
                    if not isinstance(doc, dict):
                        continue  # reported, with the record, by reviews.store.validate
                    rid = doc.get("id")
                    if not isinstance(rid, str):
                        found.append(Problem(str(path), f"{table} document {doc_id} has no id"))
                    elif rid in seen:
                        found.append(Problem(str(path), f"id {rid} also in {seen[rid]}"))
                    else:
                        seen[rid] = path
        return found
