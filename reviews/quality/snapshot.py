"""The catalogue snapshot: the learners' catalogue computed once per change of the data.

Fitting the quality model needs pandas and numpy (about 60 MB per process) and a second or
more of CPU; a class of 30 learners each doing it in their own kernel is what made a lecture's
first minute slow. So the model's output, with the per-resource columns a learner's catalogue
needs, is computed by one process and written to an SQLite file in the workbook
(``.cache/catalogue.sqlite``). Learners' kernels read it with the standard library's
``sqlite3``, one page at a time (``LIMIT``/``OFFSET``), so even a 100,000-resource catalogue is
never held in a kernel.

- **Keyed by a data version.** :func:`data_version` is a fingerprint of the workbook's files
  (path, inode, mtime in ns, size of each), cheap enough to compute on every page load; for a
  workbook whose records live in a database, the store's own version is added
  (:meth:`reviews.store.base.Store.data_version`: one small query), so a write made through
  another server, on another machine, changes it too.
  A snapshot records the version it was computed from (read *before* the data, so a write
  during the build leaves the snapshot stale, never wrong).
- **Written atomically, under a lock.** A build holds ``.cache/catalogue.lock``, writes a
  temporary file, fsyncs it and ``os.replace``-s it over the old one; readers open the file
  per query, so they see the old snapshot or the new one, never half of one. Two processes
  needing a fresh snapshot at once build it once: the second finds it fresh after the lock.
- **Never trusted when damaged.** A file that is not a database, lacks its tables or its
  ``meta`` row (written last, in the same transaction) is treated as missing and rebuilt.
- **Staleness.** :func:`fresh_snapshot` waits (up to ``wait`` seconds, 5 by default) for a
  snapshot of the current version, so the next page load after a write shows it. When
  ``appraise serve``'s summariser process is alive (it holds ``.cache/summariser.lock``) the
  kernel waits for it instead of fitting the model itself; if the rebuild takes longer than
  ``wait`` (only on very large workbooks) the page shows the previous snapshot, at most one
  rebuild behind. Without a summariser (scripts, tests) the caller builds it.

The builder (:func:`build_snapshot`) imports pandas lazily; the reader never does.
"""

from __future__ import annotations

import contextlib
import math
import os
import sqlite3
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import orjson
from filelock import FileLock, Timeout

from reviews.domain.errors import StorageError
from reviews.domain.model import FLAGS
from reviews.domain.search import Synonyms
from reviews.quality.catalogue_search import search_clause, spaced

if TYPE_CHECKING:
    import pandas as pd

    from reviews.domain.model import Correction, Resource, Review, Vote, WorkbookConfig
    from reviews.domain.rubric import Rubric
    from reviews.domain.visibility import State

CACHE_DIR = ".cache"
SNAPSHOT_FILE = "catalogue.sqlite"
BUILD_LOCK = "catalogue.lock"
SUMMARISER_LOCK = "summariser.lock"
FORMAT = 3  # bump when the tables change: an old snapshot is then rebuilt
DEFAULT_WAIT_S = 5.0
POLL_S = 0.05
IGNORED_SUFFIXES = (".lock", ".tmp")

# The columns queries filter and sort on; every column of a row is also kept whole in `data`.
INDEXED = (
    "title", "kind", "topics", "verdict", "score", "n_reviews", "added", "n_disputes", "spread",
    "n_corrections_open", "haystack",
)  # fmt: skip


class VersionedStore(Protocol):
    """What the data version asks of a workbook's store (:class:`reviews.store.base.Store`)."""

    def data_version(self) -> str | None: ...


class SnapshotSource(Protocol):
    """What a snapshot is built from (the :class:`reviews.workbook.Workbook` implements it)."""

    config: WorkbookConfig
    path: Path

    def rubric(self, rubric_id: str | None = None) -> Rubric: ...
    def summary(self, rubric: str | None = None) -> pd.DataFrame: ...
    def agreement(self, rubric: str | None = None) -> pd.DataFrame: ...
    def reviews(self, *args: Any, **kwargs: Any) -> list[Review]: ...
    def resources(self) -> list[Resource]: ...
    def corrections(self, *args: Any, **kwargs: Any) -> list[Correction]: ...
    def votes(self, *args: Any, **kwargs: Any) -> list[Vote]: ...
    def moderation(self) -> State: ...
    def corrections_summary(self, resource_id: str | None = None) -> pd.DataFrame: ...


# -- the data version -----------------------------------------------------------------------


def data_version(root: Path, store: VersionedStore | None = None) -> str:
    """A fingerprint of every data file of the workbook at ``root`` (not the cache, locks or
    temporary files), and of ``store``'s records when it keeps its own version (a database):
    it changes whenever a record is written, by any process on any machine. The store's
    version is read first: a write committed while the files are looked at moves it again."""
    stored = store.data_version() if store is not None else None
    parts: list[str] = []
    for path in sorted(_data_files(root)):
        with contextlib.suppress(FileNotFoundError):  # replaced while we looked
            st = path.stat()
            parts.append(f"{path.relative_to(root)}:{st.st_ino}:{st.st_mtime_ns}:{st.st_size}")
    head = f"{FORMAT}|" if stored is None else f"{FORMAT}|{stored}|"
    return head + "|".join(parts)


def source_version(source: SnapshotSource) -> str:
    """:func:`data_version` of a workbook (its files, and its store's version if it has one)."""
    return data_version(Path(source.path), getattr(source, "store", None))


def _data_files(root: Path) -> Iterator[Path]:
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except FileNotFoundError:
            continue
        for entry in entries:
            if entry.name.startswith(".") or entry.name.endswith(IGNORED_SUFFIXES):
                continue
            if entry.is_dir(follow_symlinks=False):
                stack.append(Path(entry.path))
            elif entry.is_file(follow_symlinks=False):
                yield Path(entry.path)


# -- reading --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    """One page of catalogue rows and how many rows matched in all."""

    rows: list[dict[str, Any]]
    matching: int
    page: int
    pages: int


class CatalogueQuery(Protocol):
    """What a learner asked the catalogue for (``widgets/listing.py``'s ``Query``)."""

    @property
    def text(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def topic(self) -> str: ...
    @property
    def verdict(self) -> str: ...
    @property
    def unreviewed_only(self) -> bool: ...
    @property
    def sort(self) -> str: ...


SORT_SQL = {
    # Verdict-ready resources first: 4.6 from 2 reviews is a guess, 4.2 from 19 a finding.
    "score": "(shown_score IS NOT NULL AND verdict NOT IN ('provisional', 'unrated', "
    "'no_verdict')) DESC, shown_score DESC NULLS LAST, n_reviews DESC, added DESC, position",
    "reviews": "n_reviews DESC, shown_score DESC NULLS LAST, added DESC, position",
    "newest": "added DESC, position",
    "disputed": "n_disputes DESC, spread DESC, n_corrections_open DESC, n_reviews DESC, position",
}


@dataclass(frozen=True)
class Blind:
    """What one learner may see of the class's scores: hidden while ``blind`` (blind until
    you rate, reviews/classroom/blind.py) except on resources they reviewed or ``revealed``;
    ``synonyms`` are the workbook's abbreviations, for search."""

    blind: bool = False
    revealed: frozenset[str] = frozenset()
    synonyms: Synonyms = field(default_factory=lambda: Synonyms([]))


class CatalogueSnapshot:
    """A read-only view of one snapshot file; every query opens the file afresh."""

    def __init__(self, path: Path, meta: dict[str, Any]) -> None:
        self.path = path
        self.meta = meta
        self._vocabulary: list[str] | None = None

    @property
    def version(self) -> str:
        return str(self.meta["version"])

    @property
    def total(self) -> int:
        return int(self.meta["total"])

    def kinds(self) -> list[str]:
        return list(self.meta["kinds"])

    def topics(self) -> list[str]:
        return list(self.meta["topics"])

    def agreement(self) -> dict[str, tuple[float, str]]:
        return {k: (float(v[0]), str(v[1])) for k, v in self.meta["agreement"].items()}

    def support(self, resource_id: str) -> list[dict[str, Any]]:
        """The resource's corrections, best supported first: ``id``, ``status`` (the tutor's
        decision), ``agreement`` and ``agreement_lb`` (see ``quality/corrections.py``)."""
        sql = (
            "SELECT id, status, agreement, agreement_lb FROM support WHERE resource_id = ? "
            "ORDER BY position"
        )
        with _connect(self.path) as db:
            found = db.execute(sql, (resource_id,)).fetchall()
        keys = ("id", "status", "agreement", "agreement_lb")
        return [dict(zip(keys, row, strict=True)) for row in found]

    def reviewed_by(self, user: str) -> set[str]:
        with _connect(self.path) as db:
            got = db.execute("SELECT resource_id FROM reviewed WHERE reviewer = ?", (user,))
            return {r[0] for r in got}

    def row(
        self, resource_id: str, user: str = "", view: Blind | None = None
    ) -> dict[str, Any] | None:
        with _connect(self.path) as db:
            found = db.execute("SELECT data FROM rows WHERE id = ?", (resource_id,)).fetchone()
            mine = _mine(db, user, resource_id)
        if found is None:
            return None
        return self._personal(orjson.loads(found[0]), mine, view or Blind())

    def vocabulary(self) -> list[str]:
        """Every word of the catalogue's searchable text (for typo-tolerant search)."""
        if self._vocabulary is None:
            with _connect(self.path) as db:
                self._vocabulary = [r[0] for r in db.execute("SELECT word FROM vocabulary")]
        return self._vocabulary

    def page(
        self, q: CatalogueQuery, page: int, size: int, user: str = "", view: Blind | None = None
    ) -> Page:
        """Rows of page ``page`` (0-based, clamped) of the rows matching ``q`` for ``user``;
        ``view`` says whether scores are hidden from them (blind until you rate)."""
        view = view or Blind()
        where, args = self._where(q, user, view)
        hidden = (
            "(? AND id NOT IN (SELECT resource_id FROM reviewed WHERE reviewer = ?) "
            "AND id NOT IN (SELECT value FROM json_each(?)))"
        )
        hide_args = [int(view.blind), user, orjson.dumps(sorted(view.revealed)).decode()]
        with _connect(self.path) as db:
            matching = db.execute(f"SELECT count(*) FROM rows WHERE {where}", args).fetchone()[0]
            pages = max(1, -(-matching // size))
            page = min(max(page, 0), pages - 1)
            sql = (
                f"SELECT data, id IN (SELECT resource_id FROM reviewed WHERE reviewer = ?), "
                f"CASE WHEN {hidden} THEN NULL ELSE score END AS shown_score FROM rows "
                f"WHERE {where} ORDER BY {SORT_SQL.get(q.sort, SORT_SQL['score'])} "
                "LIMIT ? OFFSET ?"
            )
            found = db.execute(sql, [user, *hide_args, *args, size, page * size]).fetchall()
        rows = [self._personal(orjson.loads(data), bool(mine), view) for data, mine, _ in found]
        return Page(rows, matching, page, pages)

    def _where(self, q: CatalogueQuery, user: str, view: Blind) -> tuple[str, list[Any]]:
        clauses: list[str] = ["1"]
        args: list[Any] = []
        if q.text.strip():  # abbreviations and typos forgiven (quality/catalogue_search.py)
            sql, more = search_clause(q.text, view.synonyms, self.vocabulary)
            clauses.append(sql)
            args += more
        if q.kind:
            clauses.append("kind = ?")
            args.append(q.kind)
        if q.topic:
            clauses.append("instr('; ' || topics || '; ', ?) > 0")
            args.append(f"; {q.topic}; ")
        mine = "id IN (SELECT resource_id FROM reviewed WHERE reviewer = ?)"
        if q.verdict:  # a blind learner filters only what they may see
            seen = "id IN (SELECT value FROM json_each(?))"
            clauses.append(f"verdict = ? AND (NOT ? OR {mine} OR {seen})")
            args += [q.verdict, int(view.blind), user, orjson.dumps(sorted(view.revealed)).decode()]
        if q.unreviewed_only:
            clauses.append(f"NOT {mine}")
            args.append(user)
        return " AND ".join(clauses), args

    def _personal(self, row: dict[str, Any], mine: bool, view: Blind) -> dict[str, Any]:
        row["mine"] = mine
        row["scores_hidden"] = view.blind and not mine and row["id"] not in view.revealed
        return row


def _mine(db: sqlite3.Connection, user: str, resource_id: str) -> bool:
    sql = "SELECT 1 FROM reviewed WHERE reviewer = ? AND resource_id = ?"
    return db.execute(sql, (user, resource_id)).fetchone() is not None


@contextlib.contextmanager
def _connect(path: Path) -> Iterator[sqlite3.Connection]:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        yield db
    finally:
        db.close()


def open_snapshot(path: Path) -> CatalogueSnapshot | None:
    """The snapshot at ``path``, or None if it is missing or damaged in any way."""
    if not path.is_file():
        return None
    try:
        with _connect(path) as db:
            found = db.execute("SELECT value FROM meta WHERE key = 'meta'").fetchone()
            db.execute("SELECT id, data FROM rows LIMIT 1").fetchall()
            db.execute("SELECT reviewer, resource_id FROM reviewed LIMIT 1").fetchall()
            db.execute("SELECT id, resource_id, status FROM support LIMIT 1").fetchall()
            db.execute("SELECT word FROM vocabulary LIMIT 1").fetchall()
        meta = orjson.loads(found[0]) if found else None
    except (sqlite3.Error, orjson.JSONDecodeError, TypeError):
        return None
    needed = ("version", "total", "kinds", "topics", "agreement")
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        return None
    if any(k not in meta for k in needed):
        return None
    return CatalogueSnapshot(path, meta)


# -- building -------------------------------------------------------------------------------


def cache_dir(root: Path) -> Path:
    return root / CACHE_DIR


def snapshot_path(root: Path) -> Path:
    return cache_dir(root) / SNAPSHOT_FILE


def summariser_alive(root: Path) -> bool:
    """Whether a summariser process holds its lock for this workbook."""
    lock_file = cache_dir(root) / SUMMARISER_LOCK
    if not lock_file.exists():
        return False
    lock = FileLock(lock_file, timeout=0)
    try:
        lock.acquire()
    except Timeout:
        return True
    lock.release()
    return False


def fresh_snapshot(source: SnapshotSource, wait: float = DEFAULT_WAIT_S) -> CatalogueSnapshot:
    """A snapshot of the workbook's current data (see the module's notes on staleness)."""
    root = Path(source.path)
    path = snapshot_path(root)
    snap = open_snapshot(path)
    if snap is not None and snap.version == source_version(source):
        return snap
    deadline = time.monotonic() + wait
    if summariser_alive(root):
        while time.monotonic() < deadline:
            snap = open_snapshot(path)
            if snap is not None and snap.version == source_version(source):
                return snap
            time.sleep(POLL_S)  # polling the file the summariser replaces, with a deadline
        if snap is not None:
            return snap  # the rebuild is slow: the previous snapshot, one rebuild behind
    return refresh(source)


def refresh(source: SnapshotSource, timeout: float = 120.0) -> CatalogueSnapshot:
    """Build the snapshot unless another process just did; safe to call from many at once."""
    root = Path(source.path)
    folder = cache_dir(root)
    folder.mkdir(exist_ok=True)
    path = folder / SNAPSHOT_FILE
    try:
        with FileLock(folder / BUILD_LOCK, timeout=timeout):
            version = source_version(source)
            snap = open_snapshot(path)
            if snap is not None and snap.version == version:
                return snap
            build_snapshot(source, path, version)
    except Timeout:
        raise StorageError(
            f"the catalogue snapshot in {folder} is locked by another process; try again"
        ) from None
    built = open_snapshot(path)
    if built is None:
        raise StorageError(f"the catalogue snapshot {path} could not be written")
    return built


def build_snapshot(source: SnapshotSource, path: Path, version: str) -> None:
    """Compute the learners' catalogue and write it to ``path`` atomically."""
    frame = catalogue_frame(source)
    rubric = source.rubric().id
    reviewed = sorted({(r.reviewer, r.resource_id) for r in source.reviews() if r.rubric == rubric})
    rows = [_clean(rec) for rec in frame.to_dict("records")]
    summarise = getattr(source, "corrections_summary", None)  # a source may not rank them
    ranked = [_clean(r) for r in summarise().to_dict("records")] if callable(summarise) else []
    kinds = sorted({str(r["kind"]) for r in rows if r.get("kind")})
    topics = sorted(
        {t.strip() for r in rows for t in str(r.get("topics") or "").split(";") if t.strip()}
    )
    meta = {
        "format": FORMAT,
        "version": version,
        "built_at": time.time(),
        "total": len(rows),
        "kinds": kinds,
        "topics": topics,
        "agreement": _agreement(source),
    }
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    db = sqlite3.connect(tmp)
    try:
        db.execute("PRAGMA journal_mode = OFF")
        db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        db.execute(
            "CREATE TABLE rows (id TEXT PRIMARY KEY, position INTEGER, "
            + ", ".join(INDEXED)
            + ", data TEXT NOT NULL)"
        )
        db.execute("CREATE TABLE reviewed (reviewer TEXT, resource_id TEXT)")
        db.execute("CREATE TABLE vocabulary (word TEXT PRIMARY KEY)")
        vocabulary = {w for r in rows for w in str(r.get("haystack") or "").split()}
        db.executemany("INSERT INTO vocabulary VALUES (?)", ((w,) for w in sorted(vocabulary)))
        db.executemany(
            f"INSERT INTO rows VALUES (?, ?, {', '.join('?' for _ in INDEXED)}, ?)",
            (
                (r["id"], i, *(r.get(c) for c in INDEXED), orjson.dumps(r).decode())
                for i, r in enumerate(rows)
            ),
        )
        db.executemany("INSERT INTO reviewed VALUES (?, ?)", reviewed)
        db.execute(
            "CREATE TABLE support (id TEXT PRIMARY KEY, resource_id TEXT, position INTEGER, "
            "status TEXT, agreement REAL, agreement_lb REAL)"
        )
        db.executemany(
            "INSERT INTO support VALUES (?, ?, ?, ?, ?, ?)",
            (
                (r["id"], r["resource_id"], i, r.get("status"), r.get("agreement"),
                 r.get("agreement_lb"))
                for i, r in enumerate(ranked)
            ),
        )  # fmt: skip
        db.execute("CREATE INDEX support_of ON support (resource_id, position)")
        db.execute("CREATE INDEX reviewed_by ON reviewed (reviewer, resource_id)")
        db.execute(
            "INSERT INTO meta VALUES ('meta', ?)", (orjson.dumps(meta).decode(),)
        )  # last: a snapshot without it is incomplete
        db.commit()
    finally:
        db.close()
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    with contextlib.suppress(OSError):  # the rename itself durable where the OS allows
        fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _clean(rec: dict[Any, Any]) -> dict[str, Any]:
    """A row as plain JSON values: NaN becomes None, numpy scalars Python ones."""
    out: dict[str, Any] = {}
    for key, value in rec.items():
        if hasattr(value, "item") and not isinstance(value, (list, dict, str)):
            value = value.item()
        if isinstance(value, float) and math.isnan(value):
            value = None
        elif value is not None and not isinstance(value, (str, int, float, bool, list, dict)):
            value = str(value)
        out[str(key)] = value
    return out


def _agreement(source: SnapshotSource) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {}
    for rec in source.agreement().to_dict("records"):
        alpha = rec.get("alpha")
        if isinstance(alpha, (int, float)) and not math.isnan(alpha):
            why = rec.get("interpretation")
            item = str(rec.get("item", "")).replace("_", " ")
            out[item] = [float(alpha), str(why) if isinstance(why, str) else ""]
    return out


def catalogue_frame(source: SnapshotSource) -> pd.DataFrame:
    """The summary plus what a learner's catalogue needs and the summary does not carry:
    when each resource was added, how many reviewers raised each red flag, open corrections,
    disputes on them and whether there is a patient-safety concern. Columns the summary gains
    later are kept (every column goes into the snapshot's ``data``)."""
    frame = source.summary().copy()
    ids = frame["id"]
    flags = _flags(source, frame)
    state = source.moderation()
    corrections = source.corrections()
    resource_of = {c.id: c.resource_id for c in corrections}
    disputes = Counter(
        resource_of[v.correction_id]
        for v in source.votes()
        if not v.agree and v.correction_id in resource_of
    )
    open_ = Counter(c.resource_id for c in corrections if state.status(c.id) == "proposed")
    safety = {
        c.resource_id
        for c in corrections
        if c.severity == "patient-safety" and state.status(c.id) != "rejected"
    }
    order = {r.id: i for i, r in enumerate(source.resources())}
    frame["added"] = ids.map(order).fillna(-1).astype(int)
    frame["flag_counts"] = ids.map(lambda i: dict(flags.get(i, {})))
    if "n_corrections" not in frame.columns:
        frame["n_corrections"] = ids.map(Counter(resource_of.values())).fillna(0).astype(int)
    if "n_corrections_open" not in frame.columns:
        frame["n_corrections_open"] = ids.map(open_).fillna(0).astype(int)
    frame["n_disputes"] = ids.map(disputes).fillna(0).astype(int)
    flagged = {i for i, c in flags.items() if c.get("confidentiality")}
    frame["safety"] = ids.isin(safety | flagged)
    frame["spread"] = (frame["score_max"] - frame["score_min"]).fillna(0)
    frame["haystack"] = (
        frame["title"].fillna("")
        + " "
        + frame["platform"].fillna("")
        + " "
        + frame["kind"].fillna("")
        + " "
        + frame["topics"].fillna("")
    ).map(spaced)
    return frame


def _flags(source: SnapshotSource, frame: pd.DataFrame) -> dict[str, dict[str, int]]:
    """How many reviewers raised each flag, per resource: the summary's ``flag_<flag>``
    counts when it has them, else counted from the reviews."""
    columns = [f"flag_{flag}" for flag in FLAGS]
    if all(c in frame.columns for c in columns):
        counts = frame[columns].fillna(0).to_numpy()
        return {
            rid: {flag: int(n) for flag, n in zip(FLAGS, row, strict=True) if n > 0}
            for rid, row in zip(frame["id"], counts, strict=True)
        }
    rubric = source.rubric()
    out: dict[str, Counter[str]] = {}
    for review in source.reviews():
        if review.rubric == rubric.id and review.flags:
            out.setdefault(review.resource_id, Counter()).update(review.flags)
    return {rid: dict(c) for rid, c in out.items()}
