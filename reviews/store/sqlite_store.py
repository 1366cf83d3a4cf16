"""A SQLite backend: the same shards as rows of one table in ``appraise.sqlite``.

It exists so that every storage behaviour is tested on two backends (the seam a PostgreSQL
backend would use), and as the reference the storage benchmark compares TinyDB against.
WAL mode lets readers run beside one writer; ``synchronous=FULL`` makes a commit durable;
``BEGIN IMMEDIATE`` serialises writers without deadlocks.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from reviews.domain.errors import DamagedFile, StorageError
from reviews.store.base import KINDS, Doc, Problem, Shard, Store

SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    shard TEXT NOT NULL,
    doc TEXT NOT NULL,
    PRIMARY KEY (kind, id)
);
CREATE INDEX IF NOT EXISTS records_shard ON records (shard, kind);
"""


def connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=30.0, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    return conn


class SQLiteShard(Shard):
    def __init__(self, conn: sqlite3.Connection, shard: str) -> None:
        self.conn = conn
        self.shard = shard

    def all(self, kind: str) -> list[Doc]:
        rows = self.conn.execute(
            "SELECT id, doc FROM records WHERE shard = ? AND kind = ?", (self.shard, kind)
        )
        return [self._parse(kind, rid, doc) for rid, doc in rows]

    def _parse(self, kind: str, rid: str, doc: str) -> Doc:
        """A stored document; a damaged one stops the transaction instead of being replaced."""
        try:
            parsed = json.loads(doc)
        except json.JSONDecodeError as exc:
            raise DamagedFile(f"appraise.sqlite [{kind} {rid}]", f"not valid JSON: {exc}") from None
        if not isinstance(parsed, dict):
            raise DamagedFile(f"appraise.sqlite [{kind} {rid}]", "not a document")
        return parsed

    def get(self, kind: str, doc_id: str) -> Doc | None:
        row = self.conn.execute(
            "SELECT doc FROM records WHERE kind = ? AND id = ? AND shard = ?",
            (kind, doc_id, self.shard),
        ).fetchone()
        return self._parse(kind, doc_id, row[0]) if row else None

    def put(self, kind: str, doc: Doc) -> None:
        self.put_many(kind, [doc])

    def put_many(self, kind: str, docs: list[Doc]) -> None:
        rows = [(kind, d["id"], self.shard, json.dumps(d, ensure_ascii=False)) for d in docs]
        try:
            self.conn.executemany(
                "INSERT INTO records (kind, id, shard, doc) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (kind, id) DO UPDATE SET doc = excluded.doc",
                rows,
            )
        except sqlite3.Error as exc:
            raise StorageError(f"could not save to the workbook database: {exc}") from None


class SQLiteStore(Store):
    name = "sqlite"

    def __init__(self, root: Path) -> None:
        self.path = root / "appraise.sqlite"
        try:
            # One long-lived connection for reads (each SELECT sees the latest commit in WAL
            # mode); writes take their own connection and transaction.
            self.reader = connect(self.path)
            self.reader.executescript(SCHEMA)
        except sqlite3.DatabaseError as exc:
            raise StorageError(f"{self.path} cannot be opened: {exc}") from None

    @contextmanager
    def transaction(self, shard: str) -> Iterator[Shard]:
        conn = connect(self.path)
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield SQLiteShard(conn, shard)
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            raise StorageError(f"the workbook database is busy or damaged: {exc}") from None
        finally:
            conn.close()

    def records(self, kind: str) -> list[Doc]:
        rows = self.reader.execute("SELECT doc FROM records WHERE kind = ?", (kind,)).fetchall()
        out = []
        for (doc,) in rows:
            try:
                parsed = json.loads(doc)
            except json.JSONDecodeError:
                continue  # reported by problems()
            if isinstance(parsed, dict):
                out.append(parsed)
        return out

    def get(self, kind: str, doc_id: str) -> Doc | None:
        row = self.reader.execute(
            "SELECT doc FROM records WHERE kind = ? AND id = ?", (kind, doc_id)
        ).fetchone()
        try:
            doc = json.loads(row[0]) if row else None
        except json.JSONDecodeError:
            return None  # reported by problems()
        return doc if isinstance(doc, dict) else None

    def scan(self) -> Iterator[tuple[str, str, Doc]]:
        rows = self.reader.execute("SELECT kind, id, doc FROM records").fetchall()
        for kind, rid, doc in rows:
            try:
                yield f"{self.path} [{kind} {rid}]", kind, json.loads(doc)
            except json.JSONDecodeError:
                continue  # reported by problems()

    def shard_names(self) -> Iterator[str]:
        yield str(self.path)

    def problems(self) -> list[Problem]:
        conn = connect(self.path)
        found = []
        try:
            (status,) = conn.execute("PRAGMA integrity_check").fetchone()
            if status != "ok":
                found.append(Problem(str(self.path), f"integrity check: {status}"))
            for kind, rid, doc in conn.execute("SELECT kind, id, doc FROM records"):
                where = f"{self.path} [{kind} {rid}]"
                if kind not in KINDS:
                    found.append(Problem(where, f"unknown kind {kind!r}"))
                try:
                    parsed: Any = json.loads(doc)
                except json.JSONDecodeError as exc:
                    found.append(Problem(where, f"not valid JSON: {exc}"))
                    continue
                if not isinstance(parsed, dict) or parsed.get("id") != rid:
                    found.append(Problem(where, "document id does not match its row"))
        except sqlite3.DatabaseError as exc:
            found.append(Problem(str(self.path), f"cannot be read: {exc}"))
        finally:
            conn.close()
        return found
