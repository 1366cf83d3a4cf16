"""Storage benchmark: how long a learner waits for "Saved", and how fast a class's CSV imports.

Run it from the project root::

    .venv/bin/python benchmarks/bench_storage.py           # full run; rewrites benchmarks/README.md
    .venv/bin/python benchmarks/bench_storage.py --quick   # a smaller run; prints the report only

What it measures (see the README it writes for what each number means):

1. ``Workbook.submit_review`` latency (p50/p95/p99) on the default ``tinydb`` backend with 1k,
   10k and 100k reviews already stored, spread over a realistic class (300, 600, 1000
   learners), plus a worst case where the submitting learner already has 1,000 reviews in
   their own shard. In the same loop, interleaved sample by sample so that a busy machine
   affects all of them alike: a plain SQLite reference (WAL, synchronous=FULL, one row per
   review as JSON, a table pre-filled with the same records) inserting the same reviews one
   transaction each, and the project's own ``sqlite`` backend through ``submit_review``.
2. Bulk import of a generated 100,000-row reviews CSV: ``appraise import reviews`` end to end
   as a subprocess, and ``reviews.io.importer.import_reviews`` in a fresh process, each with its
   peak RSS.
3. cProfile summaries of submissions at 100k and of an import, to show where the time goes.
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import gc
import io
import json
import math
import os
import platform
import pstats
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from importlib import metadata
from pathlib import Path
from typing import Any

from reviews.domain.model import Resource, Review, build, new_id
from reviews.store import CATALOGUE
from reviews.workbook import Workbook

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "benchmarks" / "README.md"

RESOURCES = 1_500  # catalogue size: enough for 1,000 + 200 distinct resources per learner
HEAVY = "heavy-learner"  # the worst case: 1,000 reviews in their own shard
HEAVY_REVIEWS = 1_000
TARGET_RATIO = 5.0  # p95 of a submission at most 5x SQLite's p95 at 100k
IMPORT_TARGET_S = 60.0
COMMENT = (
    "Clear explanation of rate versus rhythm control; the anticoagulation section cites the "
    "2023 guideline. Audio is quiet in places."
)


@dataclass(frozen=True)
class Size:
    reviews: int
    learners: int


FULL_SIZES = (Size(1_000, 300), Size(10_000, 600), Size(100_000, 1_000))
QUICK_SIZES = (Size(1_000, 300), Size(10_000, 600))


@dataclass
class Series:
    """Latencies of one kind of write, in seconds."""

    samples: list[float] = field(default_factory=list)
    first: float | None = None  # the first call on a freshly opened workbook (cold caches)

    def pct(self, q: float) -> float:
        """Nearest-rank percentile (q in 0..100)."""
        ordered = sorted(self.samples)
        return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


@dataclass
class Row:
    label: str
    stored: int
    learners: int
    own_shard: int  # reviews the submitting learner already has
    tinydb: Series
    raw_sqlite: Series
    sqlite_backend: Series


# -- generating a class -------------------------------------------------------------------------


def resource_docs() -> list[dict[str, Any]]:
    return [
        build(
            Resource,
            "resource",
            id=f"res_{i:06d}",
            url=f"https://example.org/cardiology/handout-{i:04d}",
            title=f"Cardiology handout {i}",
            kind="article",
            platform="example.org",
            added_by="tutor-1",
        ).model_dump(mode="json")
        for i in range(RESOURCES)
    ]


def learner(j: int) -> str:
    return f"learner-{j:04d}"


def offset(j: int) -> int:
    """Where learner j's reviews start in the catalogue (they review consecutive resources)."""
    return (j * 97) % RESOURCES


class Plan:
    """Which learner reviews which resource: n reviews dealt round-robin over the learners."""

    def __init__(self, size: Size) -> None:
        self.size = size
        self.done = [
            size.reviews // size.learners + (1 if j < size.reviews % size.learners else 0)
            for j in range(size.learners)
        ]

    def seeded(self) -> Iterator[tuple[str, str, int]]:
        """(learner, resource id, score) of every review stored before measuring."""
        for j, count in enumerate(self.done):
            for t in range(count):
                yield learner(j), f"res_{(offset(j) + t) % RESOURCES:06d}", 1 + (j + t) % 5

    def next_submission(self, i: int) -> tuple[str, str, int]:
        """The i-th measured submission: a learner reviewing a resource for the first time."""
        j = (i * 7) % self.size.learners
        t = self.done[j]
        self.done[j] += 1
        return learner(j), f"res_{(offset(j) + t) % RESOURCES:06d}", 1 + i % 5


def review_template() -> dict[str, Any]:
    return build(
        Review,
        "review",
        id=new_id("rev"),
        resource_id="res_000000",
        reviewer="learner-0000",
        rubric="stars",
        scores={"overall": 3},
        comment=COMMENT,
        confidence=2,
    ).model_dump(mode="json")


def review_docs(triples: list[tuple[str, str, int]]) -> list[dict[str, Any]]:
    template = review_template()
    start = datetime(2026, 1, 12, 9, 0, tzinfo=UTC)
    docs = []
    for n, (who, resource_id, score) in enumerate(triples):
        when = (start + timedelta(seconds=37 * n)).isoformat().replace("+00:00", "Z")
        doc = dict(template)
        doc.update(
            id=f"rev_seed{n:07d}",
            resource_id=resource_id,
            reviewer=who,
            scores={"overall": score},
            created_at=when,
            updated_at=when,
        )
        docs.append(doc)
    return docs


def by_author(docs: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for doc in docs:
        out.setdefault(doc["reviewer"], []).append(doc)
    return out


def seed_workbook(path: Path, storage: str, docs: list[dict[str, Any]]) -> Workbook:
    """A workbook holding the catalogue and ``docs``, written shard by shard."""
    wb = Workbook.create(path, title="Cardiology block", tutors=["tutor-1"], storage=storage)
    with wb.store.transaction(CATALOGUE) as shard:
        shard.put_many("resources", resource_docs())
    for author, batch in by_author(docs).items():
        with wb.store.transaction(author) as shard:
            shard.put_many("reviews", batch)
    wb.register(by_author(docs))  # as an import does: everyone stored has a pseudonym
    return wb


def raw_connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE IF NOT EXISTS reviews (id TEXT PRIMARY KEY, doc TEXT NOT NULL)")
    return conn


def seed_raw_sqlite(path: Path, docs: list[dict[str, Any]]) -> sqlite3.Connection:
    conn = raw_connect(path)
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO reviews (id, doc) VALUES (?, ?)",
        ((d["id"], json.dumps(d, ensure_ascii=False)) for d in docs),
    )
    conn.execute("COMMIT")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return conn


# -- 1. submission latency ----------------------------------------------------------------------


def measure_submissions(
    workdir: Path,
    label: str,
    size: Size,
    samples: int,
    heavy: bool = False,
    profile_dir: Path | None = None,
) -> Row:
    """Seed the three stores with the same reviews, then interleave ``samples`` submissions.

    With ``profile_dir``, 100 more submissions per backend are profiled into
    ``submit-tinydb.prof`` and ``submit-sqlite.prof`` there."""
    plan = Plan(size)
    seeded = list(plan.seeded())
    if heavy:
        seeded += [(HEAVY, f"res_{t:06d}", 1 + t % 5) for t in range(HEAVY_REVIEWS)]
    docs = review_docs(seeded)
    base = workdir / label.replace(" ", "-")
    start = time.perf_counter()
    seed_workbook(base / "tinydb", "tinydb", docs)
    t_seed = time.perf_counter() - start
    seed_workbook(base / "sqlite", "sqlite", docs)
    conn = seed_raw_sqlite(base / "raw.sqlite", docs)
    stored = len(docs)
    print(f"  {label}: seeded {stored:,} reviews ({t_seed:.1f} s for tinydb)", flush=True)
    # Measure a process that holds only what the workbook holds: the generated reviews would
    # otherwise make every full garbage collection slower, and show up as p99 outliers.
    del docs, seeded
    gc.collect()

    def submission(i: int) -> tuple[str, str, int]:
        if heavy:
            return HEAVY, f"res_{HEAVY_REVIEWS + i:06d}", 1 + i % 5
        return plan.next_submission(i)

    tiny, sql = Workbook.open(base / "tinydb"), Workbook.open(base / "sqlite")
    row = Row(label, stored, size.learners + heavy, 0, Series(), Series(), Series())
    row.own_shard = HEAVY_REVIEWS if heavy else size.reviews // size.learners
    kw: dict[str, Any] = {"comment": COMMENT, "confidence": 2}
    for i in range(-1, samples):  # i == -1: the first submission of a fresh kernel
        who, resource_id, score = submission(i + 1)
        start = time.perf_counter()
        review = tiny.submit_review(resource_id, who, {"overall": score}, **kw)
        t_tiny = time.perf_counter() - start
        doc = json.dumps(review.model_dump(mode="json"), ensure_ascii=False)
        start = time.perf_counter()
        conn.execute("BEGIN")
        conn.execute("INSERT INTO reviews (id, doc) VALUES (?, ?)", (review.id, doc))
        conn.execute("COMMIT")
        t_raw = time.perf_counter() - start
        start = time.perf_counter()
        sql.submit_review(resource_id, who, {"overall": score}, **kw)
        t_sql = time.perf_counter() - start
        for series, t in (
            (row.tinydb, t_tiny),
            (row.raw_sqlite, t_raw),
            (row.sqlite_backend, t_sql),
        ):
            if i < 0:
                series.first = t
            else:
                series.samples.append(t)
    if profile_dir is not None:
        for name, wb in (("tinydb", tiny), ("sqlite", sql)):
            replay = Plan(size)  # the same 100 new reviews for both backends
            replay.done = list(plan.done)
            profiler = cProfile.Profile()
            profiler.enable()
            for i in range(samples + 1, samples + 101):
                who, resource_id, score = replay.next_submission(i)
                wb.submit_review(resource_id, who, {"overall": score}, **kw)
            profiler.disable()
            profiler.dump_stats(profile_dir / f"submit-{name}.prof")
    conn.close()
    shutil.rmtree(base)
    return row


def fsync_floor(workdir: Path, samples: int) -> Series:
    """The cheapest durable write this disk allows: 4 KiB, fsync, rename, fsync the folder."""
    series = Series()
    target = workdir / "floor.json"
    for _ in range(samples):
        start = time.perf_counter()
        tmp = workdir / ".floor.tmp"
        with open(tmp, "wb") as fh:
            fh.write(b"x" * 4096)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
        fd = os.open(workdir, os.O_RDONLY)
        os.fsync(fd)
        os.close(fd)
        series.samples.append(time.perf_counter() - start)
    return series


# -- 2. bulk import -----------------------------------------------------------------------------


def write_import_csv(path: Path, rows: int, learners: int) -> None:
    per = rows // learners
    with open(path, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["resource", "reviewer", "overall", "confidence", "comment", "created_at"])
        n = 0
        for j in range(learners):
            for t in range(per + (1 if j < rows % learners else 0)):
                url = f"https://example.org/cardiology/handout-{(offset(j) + t) % RESOURCES:04d}"
                when = f"2026-02-{1 + n % 28:02d}T{8 + n % 10:02d}:{n % 60:02d}:00Z"
                out.writerow([url, learner(j), 1 + (j + t) % 5, 1 + n % 3, COMMENT, when])
                n += 1


def import_workbook(path: Path) -> Path:
    seed_workbook(path, "tinydb", [])
    return path


def import_worker(workbook: Path, csv_path: Path, profile_to: str | None) -> None:
    """Run in a fresh process: time ``import_reviews`` alone and report peak RSS as JSON."""
    from reviews.io.importer import import_reviews

    wb = Workbook.open(workbook)
    profiler = cProfile.Profile() if profile_to else None
    start = time.perf_counter()
    if profiler:
        profiler.enable()
    report = import_reviews(wb, csv_path, "stars", actor="bench")
    if profiler:
        profiler.disable()
        profiler.dump_stats(str(profile_to))
    seconds = time.perf_counter() - start
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": seconds, "imported": report.imported, "maxrss_kib": rss}))


def run_child(argv: list[str], log: Path) -> tuple[float, int, int]:
    """(wall seconds, exit code, peak RSS in KiB) of one child process, measured by wait4."""
    with open(log, "w", encoding="utf-8") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return wall, proc.returncode, usage.ru_maxrss


@dataclass
class ImportResult:
    how: str
    rows: int
    seconds: float
    maxrss_kib: int
    note: str = ""


def measure_imports(workdir: Path, rows: int, learners: int) -> list[ImportResult]:
    csv_path = workdir / "reviews.csv"
    write_import_csv(csv_path, rows, learners)
    size_mb = csv_path.stat().st_size / 1e6
    print(f"  import: {rows:,}-row CSV, {size_mb:.1f} MB", flush=True)
    results = []

    appraise = Path(sys.executable).parent / "appraise"
    wb = import_workbook(workdir / "import-cli")
    argv = [str(appraise), "import", "reviews", str(csv_path), "--workbook", str(wb)]
    wall, code, rss = run_child(
        [*argv, "--rubric", "stars", "--actor", "bench"], workdir / "cli.log"
    )
    log = (workdir / "cli.log").read_text(encoding="utf-8").strip()
    if code != 0:
        raise SystemExit(f"appraise import reviews failed ({code}):\n{log}")
    results.append(
        ImportResult("`appraise import reviews` (CLI, end to end)", rows, wall, rss, log)
    )
    shutil.rmtree(wb)

    wb = import_workbook(workdir / "import-api")
    argv = [sys.executable, __file__, "--import-worker", str(wb), str(csv_path)]
    wall, code, rss = run_child(argv, workdir / "api.log")
    out = (workdir / "api.log").read_text(encoding="utf-8")
    if code != 0:
        raise SystemExit(f"import worker failed ({code}):\n{out}")
    report = json.loads(out.strip().splitlines()[-1])
    assert report["imported"] == rows
    results.append(
        ImportResult(
            "`import_reviews()` (in process, startup excluded)",
            rows,
            report["seconds"],
            report["maxrss_kib"],
            f"process wall time {wall:.1f} s",
        )
    )
    shutil.rmtree(wb)
    csv_path.unlink()
    return results


def profile_import(workdir: Path, rows: int, learners: int, profile_to: Path) -> None:
    csv_path = workdir / "profiled.csv"
    write_import_csv(csv_path, rows, learners)
    wb = import_workbook(workdir / "import-profiled")
    argv = [sys.executable, __file__, "--import-worker", str(wb), str(csv_path)]
    _, code, _ = run_child([*argv, "--profile-to", str(profile_to)], workdir / "profiled.log")
    if code != 0:
        raise SystemExit((workdir / "profiled.log").read_text(encoding="utf-8"))
    shutil.rmtree(wb)


# -- the report ---------------------------------------------------------------------------------


def ms(seconds: float | None) -> str:
    return "–" if seconds is None else f"{seconds * 1000:.1f}"


Profile = list[tuple[str, float, float]]


def top_functions(profile: Path, limit: int, cumulative: bool = False) -> Profile:
    """(function, seconds, share of the profiled total) of the most expensive functions: by own
    time, or (``cumulative``) by time including callees, for Appraise's own functions only."""
    stats = pstats.Stats(str(profile), stream=io.StringIO())
    raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    total = sum(own for (_, _, own, _, _) in raw.values()) or 1.0
    rows = []
    for (file, line, name), (_, _, own, cum, _) in raw.items():
        if cumulative and f"{os.sep}reviews{os.sep}" not in file:
            continue
        where = (
            name if file == "~" else f"{name} ({Path(file).parent.name}/{Path(file).name}:{line})"
        )
        spent = cum if cumulative else own
        rows.append((where, spent, spent / total))
    return sorted(rows, key=lambda r: -r[1])[:limit]


def shares(profile: Path) -> dict[str, float]:
    """Shares of the profiled total: ``fn:<name>`` for Appraise functions including callees,
    and a few groups of library functions by their own time."""
    stats = pstats.Stats(str(profile), stream=io.StringIO())
    raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    total = sum(own for (_, _, own, _, _) in raw.values()) or 1.0
    out: dict[str, float] = {}
    groups = {
        "json_encode": lambda f, n: f.endswith("encoder.py") or (f.endswith("json/__init__.py")
                                                                 and n == "dump"),
        "json_decode": lambda f, n: f.endswith("decoder.py"),
        "fsync": lambda f, n: n == "<built-in method posix.fsync>",
        "file_create": lambda f, n: n in ("<built-in method io.open>",
                                          "<built-in method posix.open>"),
    }  # fmt: skip
    for (file, _, name), (_, _, own, cum, _) in raw.items():
        if f"{os.sep}reviews{os.sep}" in file:
            key = f"fn:{name}"
            out[key] = max(out.get(key, 0.0), cum / total)
        for group, match in groups.items():
            if match(file, name):
                out[group] = out.get(group, 0.0) + own / total
    return out


def notes(rows: list[Row], floor: Series, imports: list[ImportResult], args: Any) -> list[str]:
    """What the numbers say: the targets, and where the time goes according to the profiles."""
    out = []
    for row in rows:
        if row.stored >= 100_000:
            ratio = row.tinydb.pct(95) / row.raw_sqlite.pct(95)
            verdict = "met" if ratio <= TARGET_RATIO else "missed"
            out.append(
                f"**Target {verdict}** at {row.label}: tinydb p95 {ms(row.tinydb.pct(95))} ms "
                f"against {ms(row.raw_sqlite.pct(95))} ms for the SQLite reference, "
                f"{ratio:.1f}× (target ≤ {TARGET_RATIO:.0f}×)."
            )
    if rows:
        out.append(
            f"Durability itself is not the gap: a bare durable file replacement (*fsync floor*, "
            f"p50 {ms(floor.pct(50))} ms) costs about as much as a whole SQLite commit (p50 "
            f"{ms(rows[-1].raw_sqlite.pct(50))} ms). What tinydb adds is Python work around it, "
            "which the profile below attributes:"
        )
    tiny = getattr(args, "shares", {}).get("tinydb", {})
    at = f"at {args.profile_label}"

    def pct(share: float) -> str:
        return f"{share:.0%}"

    if tiny.get("fn:shard_paths", 0) >= 0.05:
        out.append(
            f"{pct(tiny['fn:shard_paths'])} of a tinydb submission {at} is "
            '`TinyDBStore.shard_paths()`: `records("resources")`, which `Workbook.resource()` '
            "calls to check that the resource exists, globs and sorts every contributor's file "
            "(pathlib's sorting is slow) and then keeps only the catalogue. Building "
            '`root / "catalogue.json"` directly for resources removes this, and its growth '
            "with the size of the class."
        )
    if tiny.get("json_encode", 0) >= 0.05:
        out.append(
            f"{pct(tiny['json_encode'])} is JSON encoding in `write_atomic`: `json.dump(data, fh)` "
            "always runs CPython's pure-Python encoder, whereas `fh.write(json.dumps(data, ...))` "
            "uses the C encoder. This part grows with the submitting learner's own shard, which "
            "is what the worst-case row shows."
        )
    if tiny.get("json_decode", 0) >= 0.03:
        out.append(
            f"{pct(tiny['json_decode'])} is parsing the learner's own shard at the start of each "
            "transaction (TinyDB needs the whole file), also proportional to that shard."
        )
    if tiny:
        out.append(f"{pct(tiny.get('fsync', 0))} is `fsync` (the file and its folder).")
    sql = getattr(args, "shares", {}).get("sqlite", {})
    if sql.get("fn:resource", 0) >= 0.2:
        out.append(
            f"The sqlite backend spends {pct(sql['fn:resource'])} of a submission {at} in "
            '`Workbook.resource()`: `SQLiteStore.records("resources")` decodes the JSON of every '
            "catalogued resource on each call; a keyed lookup (`WHERE kind = 'resources' AND "
            f"id = ?`) would make it constant. Opening a connection per call costs "
            f"{pct(sql.get('fn:connect', 0))} more."
        )
    imp = getattr(args, "shares", {}).get("import", {})
    for result in imports[:1]:
        verdict = "met" if result.seconds < IMPORT_TARGET_S else "missed"
        line = (
            f"**Import target {verdict}**: {result.rows:,} rows in {result.seconds:.1f} s "
            f"end to end (target < {IMPORT_TARGET_S:.0f} s), peak RSS "
            f"{result.maxrss_kib / 1024:.0f} MiB."
        )
        if imp:
            line += (
                f" In the profiled import, {pct(imp.get('fn:transaction', 0))} is the one locked "
                f"transaction per learner: creating lock and temporary files "
                f"{pct(imp.get('file_create', 0))}, fsync {pct(imp.get('fsync', 0))}, JSON "
                f"encoding {pct(imp.get('json_encode', 0))}; validating the rows is "
                f"{pct(imp.get('fn:_validate_rows', 0))}."
            )
        out.append(line)
    return out


def machine() -> dict[str, str]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kib = int(Path("/proc/meminfo").read_text(encoding="utf-8").split()[1])
        mem = f"{kib / 1024**2:.1f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    versions = {name: metadata.version(name) for name in ("tinydb", "filelock", "pydantic")}
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": f"{cpu}, {os.cpu_count()} logical CPUs",
        "memory": mem,
        "os": platform.platform(),
        "python": platform.python_version(),
        "libraries": ", ".join(f"{k} {v}" for k, v in versions.items())
        + f", SQLite {sqlite3.sqlite_version}",
    }


def filesystem(path: Path) -> str:
    """The mount (device, type) holding ``path``, from /proc/mounts."""
    best = ("", "", "")
    try:
        for line in Path("/proc/mounts").read_text(encoding="utf-8").splitlines():
            dev, mnt, kind = line.split()[:3]
            if str(path.resolve()).startswith(mnt) and len(mnt) >= len(best[1]):
                best = (dev, mnt, kind)
    except OSError:
        return "unknown"
    return f"{best[2]} on {best[0]} (mounted at {best[1]})"


HEAD = """\
# Storage benchmark{quick}

Generated by `benchmarks/bench_storage.py`: do not edit by hand, run it again.

## How to run

```sh
.venv/bin/python benchmarks/bench_storage.py          # full run; rewrites this file
.venv/bin/python benchmarks/bench_storage.py --quick  # 1k and 10k, 10k-row import; prints only
```

Options: `--samples N` (submissions measured per size, default 200), `--import-rows N`,
`--workdir DIR` (where the workbooks are made: the disk matters, see *fsync floor*),
`--out FILE` (where to write the report). `make bench` runs the full benchmark.

## Machine

| | |
|---|---|
"""

LATENCY = """\
## Submission latency

Time for one `Workbook.submit_review` call to return, in milliseconds; when it returns the
review is durable (fsynced, renamed into place, folder fsynced). Each measured submission is
a new review by a learner of the class, and consecutive submissions come from different
learners, as in a lesson. Stored reviews are spread evenly over the learners (at 100k, each
learner's shard holds 100 reviews). The *worst case* row adds one learner with 1,000 reviews
in their own shard, who then makes every measured submission.

- **tinydb**: the default backend (a JSON shard per learner: lock, rewrite, fsync, rename).
- **SQLite reference**: a plain table `reviews(id PRIMARY KEY, doc)` with one JSON row per
  review, WAL, `synchronous=FULL`, one long-lived connection, pre-filled with the same
  reviews. It inserts the very review tinydb just stored, one transaction each: the cost of
  durability alone, with no validation and no lookups.
- **sqlite backend**: the project's `storage="sqlite"` workbook through `submit_review`.
- **first**: the first submission on a freshly opened workbook (a new Voila kernel, so its
  read cache is empty); not included in the percentiles.
- The three are interleaved sample by sample, so machine noise hits them alike.

| stored | learners | in own shard | store | p50 | p95 | p99 | max | first |
|---:|---:|---:|---|---:|---:|---:|---:|---:|
"""

IMPORT = """\
## Bulk import

A generated reviews CSV (columns resource URL, reviewer, overall, confidence, comment,
created_at; 1,000 learners × 100 reviews for 100k rows) imported into a fresh tinydb workbook
whose catalogue holds the 1,500 resources. *Peak RSS* is the importing process's maximum
resident memory (`ru_maxrss` from `wait4`/`getrusage`). Target: under {target:.0f} s.

| how | rows | seconds | rows/s | peak RSS | < {target:.0f} s | note |
|---|---:|---:|---:|---:|---|---|
"""


def render(
    rows: list[Row],
    floor: Series,
    imports: list[ImportResult],
    submit_profile: tuple[Profile, Profile],
    import_profile: tuple[Profile, Profile],
    info: dict[str, str],
    args: argparse.Namespace,
    elapsed: float,
) -> str:
    quick = " (a --quick run: not the reference numbers)" if args.quick else ""
    out = [HEAD.format(quick=quick)]
    add = out.append
    info = {
        **info,
        "workbooks on": filesystem(args.workdir),
        "load average": f"{args.load_before} before, {args.load_after} after "
        "(a shared machine: other work ran during the benchmark)",
        "run time": f"{elapsed / 60:.1f} min, {args.samples} measured submissions per row",
    }
    for key, value in info.items():
        add(f"| {key} | {value} |\n")
    add("\n" + LATENCY)
    for row in rows:
        for name, series in (
            ("tinydb", row.tinydb),
            ("SQLite reference", row.raw_sqlite),
            ("sqlite backend", row.sqlite_backend),
        ):
            add(
                f"| {row.label} | {row.learners:,} | {row.own_shard:,} | {name} | "
                f"{ms(series.pct(50))} | {ms(series.pct(95))} | {ms(series.pct(99))} | "
                f"{ms(max(series.samples))} | {ms(series.first)} |\n"
            )
    add(
        f"\n*fsync floor*: writing 4 KiB, fsync, rename and fsync of the folder takes "
        f"p50 {ms(floor.pct(50))} ms, p95 {ms(floor.pct(95))} ms on this disk. Every tinydb\n"
        "submission pays this at least once; a SQLite WAL commit pays one fsync of the WAL.\n"
    )

    add(f"\n## Target: p95 submission ≤ {TARGET_RATIO:.0f}× SQLite's p95 at 100k\n\n")
    add("| stored | tinydb p95 | SQLite reference p95 | ratio | target | sqlite backend p95 |\n")
    add("|---:|---:|---:|---:|---|---:|\n")
    verdicts = []
    for row in rows:
        ratio = row.tinydb.pct(95) / row.raw_sqlite.pct(95)
        met = ratio <= TARGET_RATIO
        if row.stored >= 100_000:
            verdicts.append((row.label, ratio, met))
        add(
            f"| {row.label} | {ms(row.tinydb.pct(95))} | {ms(row.raw_sqlite.pct(95))} | "
            f"{ratio:.2f}× | {'met' if met else '**missed**'} | "
            f"{ms(row.sqlite_backend.pct(95))} |\n"
        )
    add("\n")
    for label, ratio, met in verdicts:
        verdict = "**met**" if met else "**missed**"
        add(f"- {label}: tinydb's p95 is {ratio:.2f}× the SQLite reference's: {verdict}.\n")
    if not verdicts:
        add("- This run has no 100k row (`--quick`): the target was not assessed.\n")

    add("\n" + IMPORT.format(target=IMPORT_TARGET_S))
    for result in imports:
        verdict = "met" if result.seconds < IMPORT_TARGET_S else "**missed**"
        add(
            f"| {result.how} | {result.rows:,} | {result.seconds:.1f} | "
            f"{result.rows / result.seconds:,.0f} | {result.maxrss_kib / 1024:.0f} MiB | "
            f"{verdict} | {result.note.replace(chr(10), ' ')} |\n"
        )

    add("\n## Notes: the targets, and where the time goes\n\n")
    for note in notes(rows, floor, imports, args):
        add(f"- {note}\n")
    add("\n## Where the time goes (cProfile)\n\n")
    add("For each profile: Appraise's own functions by time *including* what they call, and the\n")
    add("most expensive functions by their *own* time. Shares are of the profiled total; the\n")
    add("profiler's overhead inflates pure-Python parts.\n\n")
    for title, (cum, own) in (
        (f"100 tinydb submissions at {args.profile_label}", submit_profile),
        (f"`import_reviews` of {args.profile_rows:,} rows", import_profile),
    ):
        add(f"**{title}**\n\n")
        add("| Appraise function | s incl. callees | share | function | own s | share |\n")
        add("|---|---:|---:|---|---:|---:|\n")
        for a, b in zip(cum, own, strict=False):
            add(f"| `{a[0]}` | {a[1]:.3f} | {a[2]:.0%} | `{b[0]}` | {b[1]:.3f} | {b[2]:.0%} |\n")
        add("\n")
    return "".join(out).rstrip("\n")


def load_average() -> str:
    try:
        return " / ".join(f"{v:.1f}" for v in os.getloadavg())
    except OSError:
        return "unknown"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="1k and 10k only, smaller import")
    parser.add_argument("--samples", type=int, default=None, help="submissions per size")
    parser.add_argument("--import-rows", type=int, default=None)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--out", type=Path, default=None, help="report file (full run: README)")
    parser.add_argument(
        "--import-worker", nargs=2, metavar=("WORKBOOK", "CSV"), help=argparse.SUPPRESS
    )
    parser.add_argument("--profile-to", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.import_worker:
        import_worker(Path(args.import_worker[0]), Path(args.import_worker[1]), args.profile_to)
        return

    sizes = QUICK_SIZES if args.quick else FULL_SIZES
    args.samples = args.samples or (50 if args.quick else 200)
    args.import_rows = args.import_rows or (10_000 if args.quick else 100_000)
    args.profile_rows = args.import_rows // 5
    out = args.out or (None if args.quick else README)
    made = args.workdir is None
    workdir = Path(tempfile.mkdtemp(prefix="appraise-bench-")) if made else args.workdir
    workdir.mkdir(parents=True, exist_ok=True)
    args.workdir = workdir
    args.load_before = load_average()
    started = time.perf_counter()
    try:
        print("submission latency", flush=True)
        rows = []
        for size in sizes:
            last = size is sizes[-1]
            args.profile_label = f"{size.reviews // 1000}k"
            rows.append(
                measure_submissions(
                    workdir,
                    f"{size.reviews // 1000}k",
                    size,
                    args.samples,
                    profile_dir=workdir if last else None,
                )
            )
        if not args.quick:
            rows.append(
                measure_submissions(workdir, "100k worst case", sizes[-1], args.samples, heavy=True)
            )
        floor = fsync_floor(workdir, args.samples)
        print("bulk import", flush=True)
        imports = measure_imports(workdir, args.import_rows, 1_000)
        profile_import(workdir, args.profile_rows, 1_000, workdir / "import.prof")
        submit_profile = (
            top_functions(workdir / "submit-tinydb.prof", 10, cumulative=True),
            top_functions(workdir / "submit-tinydb.prof", 10),
        )
        args.shares = {
            "tinydb": shares(workdir / "submit-tinydb.prof"),
            "sqlite": shares(workdir / "submit-sqlite.prof"),
            "import": shares(workdir / "import.prof"),
        }
        import_profile = (
            top_functions(workdir / "import.prof", 8, cumulative=True),
            top_functions(workdir / "import.prof", 8),
        )
        args.load_after = load_average()
        report = render(
            rows,
            floor,
            imports,
            submit_profile,
            import_profile,
            machine(),
            args,
            time.perf_counter() - started,
        )
    finally:
        if made:
            shutil.rmtree(workdir, ignore_errors=True)
    if out is None:
        print(report)
    else:
        out.write_text(report + "\n", encoding="utf-8")
        print(f"wrote {out}")
        print(report)


if __name__ == "__main__":
    main()
