"""Real processes writing one workbook at once, as a classroom of Voila pages does.

Every child is a separate ``python -c`` process. Children open the workbook, print ``ready``
and block reading stdin; the parent writes ``go`` to all of them only when every child is
ready, so their writes really overlap. Children report what they stored (review ids and
scores) on stdout; the parent checks that exactly that is in the workbook afterwards.
Nothing here sleeps: the parent only ever waits on pipes and process exits.
"""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pytest

from reviews.io.check import check_workbook
from reviews.io.importer import import_resources
from reviews.store import CATALOGUE
from reviews.store.tinydb_store import TinyDBStore
from reviews.workbook import Workbook

pytestmark = [pytest.mark.slow, pytest.mark.timeout(240)]

ROOT = Path(__file__).resolve().parents[2]
CHILD_TIMEOUT_S = 120

# The child: open the workbook, wait at the barrier, then add resources and submit reviews.
# With "ack", every review is reported on its own line as soon as submit_review returned.
CHILD = r"""
import json
import random
import sys
import time

from reviews.workbook import Workbook

job = json.loads(sys.argv[1])
wb = Workbook.open(job["workbook"])
rng = random.Random(job["seed"])
print("ready", flush=True)
if sys.stdin.readline().strip() != "go":
    sys.exit(3)
began = time.monotonic()
urls = job.get("add_urls", [])
added = {}
submitted = []
resources = job["resources"]
i = 0
while i < len(resources) or job.get("forever"):  # "forever": until killed, editing reviews
    resource_id = resources[i % len(resources)]
    if i < len(urls):
        resource = wb.add_resource(urls[i], title=f"Added by {job['learner']}",
                                   added_by=job["learner"])
        added[urls[i]] = resource.id
    score = rng.randint(1, 5)
    review = wb.submit_review(resource_id, job["learner"], {"overall": score})
    record = {"id": review.id, "resource_id": resource_id, "reviewer": job["learner"],
              "score": score, "seq": i}
    if job.get("ack"):
        sys.stdout.write("ack " + json.dumps(record) + "\n")
        sys.stdout.flush()
    submitted.append(record)
    i += 1
report = {"reviews": submitted, "added": added, "began": began, "ended": time.monotonic()}
print("done " + json.dumps(report), flush=True)
"""


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env.pop("APPRAISE_WORKBOOK", None)
    return env


def start(job: dict[str, Any]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, json.dumps(job)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=child_env(),
    )


def barrier(procs: Sequence[subprocess.Popen[str]]) -> None:
    """Wait until every child is ready, then release them all at once."""
    for proc in procs:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        if line != "ready\n":
            _, err = proc.communicate(timeout=CHILD_TIMEOUT_S)
            pytest.fail(f"child did not get ready (said {line!r}):\n{err}")
    for proc in procs:
        assert proc.stdin is not None
        proc.stdin.write("go\n")
        proc.stdin.flush()


def finish(proc: subprocess.Popen[str]) -> dict[str, Any]:
    """A child's final report; fails the test with its stderr when it did not succeed."""
    out, err = proc.communicate(timeout=CHILD_TIMEOUT_S)
    assert proc.returncode == 0, f"child exited with {proc.returncode}:\n{err}"
    done = [line for line in out.splitlines() if line.startswith("done ")]
    assert len(done) == 1, f"child gave no report:\n{out}\n{err}"
    return json.loads(done[0].removeprefix("done "))


def kill_all(procs: Iterable[subprocess.Popen[str]]) -> None:
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()


def most_at_once(spans: list[tuple[float, float]]) -> int:
    """The largest number of (start, end) spans in progress at one moment."""
    edges = sorted([(start, 1) for start, _ in spans] + [(end, -1) for _, end in spans])
    running = best = 0
    for _, step in edges:
        running += step
        best = max(best, running)
    return best


def assert_files_sound(root: Path) -> None:
    """Every JSON file of the workbook parses, and no temporary file was left behind."""
    for path in root.rglob("*.json"):
        json.loads(path.read_text(encoding="utf-8"))
    assert not list(root.rglob("*.tmp")), "a writer left a temporary file"


def add_resources(wb: Workbook, tmp_path: Path, count: int) -> list[str]:
    """Catalogue ``count`` resources in one transaction; their ids in CSV order."""
    csv_path = tmp_path / "resources.csv"
    urls = [f"https://example.org/handout-{i:03d}" for i in range(count)]
    with open(csv_path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["url", "title"])
        writer.writerows([url, f"Handout {i}"] for i, url in enumerate(urls))
    report = import_resources(wb, csv_path, added_by="tutor-1")
    assert report.imported == count
    by_url = {r.url: r.id for r in wb.resources()}
    return [by_url[url] for url in urls]


def stored_reviews(path: Path) -> dict[str, Any]:
    return {r.id: r for r in Workbook.open(path).reviews(include_hidden=True)}


# One new video, spelt the ways learners paste it: all must become one resource.
SAME_VIDEO = [
    "https://www.youtube.com/watch?v=dQw4w9WgXcQ&si=share1",
    "https://youtu.be/dQw4w9WgXcQ",
    "https://m.youtube.com/watch?v=dQw4w9WgXcQ&feature=shared",
    "https://youtube.com/watch?v=dQw4w9WgXcQ",
]
SAME_ARTICLE = [
    "https://en.wikipedia.org/wiki/Heart_failure",
    "https://en.m.wikipedia.org/wiki/Heart_failure#Signs_and_symptoms",
    "http://en.wikipedia.org/wiki/Heart failure",
    "https://en.wikipedia.org/wiki/Heart_failure?fbclid=xyz",
]
SAME_BLOG = [f"https://litfl.com/atrial-flutter-ecg-library/{tail}" for tail in ("", "#a", "", "")]


def test_concurrent_writers_lose_nothing(tmp_path: Path, backend: str) -> None:
    """16 processes × 25 submissions at once: all 400 reviews stored, exactly as reported.

    Twelve processes are separate learners, who share nothing but the catalogue. Two pairs of
    processes write as the same learner (two browser tabs), so they contend for one shard's
    lock. Four processes also add the same three new resources, each with its own spelling of
    the URLs, while the others submit: every URL must end up catalogued exactly once.
    """
    path = tmp_path / "wb"
    wb = Workbook.create(path, title="Cardiology block", tutors=["tutor-1"], storage=backend)
    ids = add_resources(wb, tmp_path, 50)
    jobs = []
    for k in range(16):
        if k < 12:
            learner, mine = f"learner-{k:02d}", [ids[(k + j) % 50] for j in range(25)]
        else:  # two tabs per learner, each reviewing a different half of the catalogue
            learner, mine = f"two-tabs-{(k - 12) // 2}", ids[:25] if k % 2 else ids[25:]
        job: dict[str, Any] = {"workbook": str(path), "learner": learner, "resources": mine}
        job["seed"] = k
        if k < 4:
            job["add_urls"] = [SAME_VIDEO[k], SAME_ARTICLE[k], SAME_BLOG[k]]
        jobs.append(job)

    procs = [start(job) for job in jobs]
    try:
        barrier(procs)
        reports = [finish(proc) for proc in procs]
    finally:
        kill_all(procs)

    # CLOCK_MONOTONIC is one clock for every process: check that the bursts overlapped.
    # (All 16 usually are; half is required, so that a loaded machine cannot fail the test.)
    assert most_at_once([(r["began"], r["ended"]) for r in reports]) >= 8

    reported = [review for report in reports for review in report["reviews"]]
    assert len(reported) == 400
    assert len({r["id"] for r in reported}) == 400
    stored = stored_reviews(path)
    assert len(stored) == 400
    for review in reported:
        got = stored[review["id"]]
        assert (got.reviewer, got.resource_id) == (review["reviewer"], review["resource_id"])
        assert got.scores == {"overall": review["score"]}
        assert got.revisions == []

    resources = Workbook.open(path).resources()
    assert len(resources) == 50 + 3
    by_url: dict[str, list[str]] = {}
    for resource in resources:
        by_url.setdefault(resource.url, []).append(resource.id)
    assert all(len(found) == 1 for found in by_url.values()), "a URL was catalogued twice"
    for spellings in (SAME_VIDEO, SAME_ARTICLE, SAME_BLOG):
        returned = {report["added"][spellings[k]] for k, report in enumerate(reports[:4])}
        assert len(returned) == 1, f"add_resource gave different ids for {spellings[0]}"
        assert returned <= {rid for found in by_url.values() for rid in found}

    assert_files_sound(path)
    problems, counts = check_workbook(path)
    assert problems == []
    assert counts["reviews"] == 400
    assert counts["resources"] == 53


def test_writer_killed_mid_burst_loses_no_acknowledged_submission(
    tmp_path: Path, backend: str
) -> None:
    """SIGKILL a learner's process while it submits in a tight loop, with others writing too.

    The victim submits until it is killed, cycling over its resources, so later submissions
    edit its earlier reviews. A submission counts as acknowledged once ``submit_review``
    returned and the child said so on its stdout pipe. Every acknowledged submission must be
    stored: each review's current score and its revisions are exactly the acknowledged scores
    in order, except that the one submission after the last acknowledged may also have been
    stored (it returned, or committed, just before the kill).
    """
    acks_before_kill = 25
    path = tmp_path / "wb"
    wb = Workbook.create(path, title="Cardiology block", tutors=["tutor-1"], storage=backend)
    ids = add_resources(wb, tmp_path, 160)
    mine = ids[:40]
    victim: dict[str, Any] = {"workbook": str(path), "learner": "victim", "resources": mine}
    victim["forever"] = victim["ack"] = True
    others: list[dict[str, Any]] = [
        {"workbook": str(path), "learner": f"bystander-{k}", "resources": ids[k * 20 :][:30]}
        for k in range(3)
    ]
    # A second tab of the victim's: it needs the victim's shard lock after the kill, too.
    others.append({"workbook": str(path), "learner": "victim", "resources": ids[120:160]})
    for seed, job in enumerate([victim, *others]):
        job["seed"] = seed

    procs = [start(job) for job in [victim, *others]]
    acks: list[dict[str, Any]] = []
    try:
        barrier(procs)
        victim_proc = procs[0]
        assert victim_proc.stdout is not None
        while len(acks) < acks_before_kill:
            line = victim_proc.stdout.readline()
            if not line.startswith("ack "):
                _, err = victim_proc.communicate(timeout=CHILD_TIMEOUT_S)
                pytest.fail(f"the victim stopped by itself ({line!r}):\n{err}")
            acks.append(json.loads(line.removeprefix("ack ")))
        victim_proc.send_signal(signal.SIGKILL)
        # Read on through the same buffered reader: readline() may already hold the next ack
        # lines, which communicate() (reading the raw pipe) would never see. The child is
        # dead, so the pipe ends (EOF) once its buffer is drained.
        rest = victim_proc.stdout.read()
        victim_proc.wait(timeout=CHILD_TIMEOUT_S)
        assert victim_proc.returncode == -signal.SIGKILL
        for line in rest.splitlines(keepends=True):
            if line.startswith("ack ") and line.endswith("\n"):  # a complete ack line
                acks.append(json.loads(line.removeprefix("ack ")))
        reports = [finish(proc) for proc in procs[1:]]
    finally:
        kill_all(procs)

    assert [a["seq"] for a in acks] == list(range(len(acks)))
    history: dict[str, list[int]] = {}  # resource id -> acknowledged scores, in order
    review_id: dict[str, str] = {}
    for ack in acks:
        history.setdefault(ack["resource_id"], []).append(ack["score"])
        assert review_id.setdefault(ack["resource_id"], ack["id"]) == ack["id"]
    unacknowledged = mine[len(acks) % len(mine)]  # the only submission that may be extra
    stored = stored_reviews(path)
    victims = {r.resource_id: r for r in stored.values() if r.reviewer == "victim"}
    for resource_id, scores in history.items():
        got = victims.get(resource_id)
        assert got is not None, f"acknowledged review {review_id[resource_id]} was lost"
        assert got.id == review_id[resource_id]
        seen = [rev.scores["overall"] for rev in got.revisions] + [got.scores["overall"]]
        if resource_id == unacknowledged:
            assert seen[: len(scores)] == scores and len(seen) - len(scores) in (0, 1)
        else:
            assert seen == scores, "an acknowledged score or edit was lost"
    for resource_id in set(victims) & set(mine) - set(history):
        assert resource_id == unacknowledged, "a review appeared that nobody submitted"
        assert victims[resource_id].revisions == []
    for report in reports:
        for review in report["reviews"]:
            assert stored[review["id"]].scores == {"overall": review["score"]}

    # Leftovers of a writer killed between writing its temporary file and renaming it: a
    # half-written shard must never be read as one (tinydb names them .<shard>.<pid>.tmp).
    if backend == "tinydb":
        store = TinyDBStore(path)
        torn = '{"reviews":{"1":{"id":"rev_torn","reviewer":"vic'
        leftovers = [
            path / f".catalogue.json.{2**22 + 1}.tmp",
            store.contrib / f".{store.path_for('victim').name}.{2**22 + 1}.tmp",
            store.contrib / f".{store.path_for('bystander-0').name}.{2**22 + 2}.tmp",
        ]
        for leftover in leftovers:
            leftover.write_text(torn, encoding="utf-8")
        shard_paths = store.shard_paths()
        assert not [p for p in shard_paths if p.suffix != ".json"]
        assert not set(shard_paths) & set(path.rglob("*.tmp"))
        assert store.path_for(CATALOGUE) in shard_paths

    # The kernel released the killed writer's lock: its learner can submit again at once.
    reopened = Workbook.open(path)
    again = reopened.submit_review(ids[-1], "victim", {"overall": 2}, comment="after the kill")
    assert again.revisions, "the victim's second tab reviewed this resource before"

    problems, counts = check_workbook(path)
    assert problems == []
    assert counts["reviews"] == len(stored)
    for json_file in path.rglob("*.json"):
        json.loads(json_file.read_text(encoding="utf-8"))

    appraise = Path(sys.executable).parent / "appraise"
    result = subprocess.run(
        [str(appraise), "check", "--workbook", str(path)],
        capture_output=True,
        text=True,
        timeout=CHILD_TIMEOUT_S,
        env=child_env(),
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("OK:")


def test_a_submission_does_not_rewrite_other_learners_files(tmp_path: Path) -> None:
    """Learner A's submission (in its own process) leaves learner B's shard untouched."""
    path = tmp_path / "wb"
    wb = Workbook.create(path, title="Cardiology block", storage="tinydb")
    ids = add_resources(wb, tmp_path, 3)
    wb.submit_review(ids[0], "learner-a", {"overall": 3})
    wb.submit_review(ids[0], "learner-b", {"overall": 4})
    assert isinstance(wb.store.inner, TinyDBStore)  # type: ignore[attr-defined]
    a_file, b_file = wb.store.path_for("learner-a"), wb.store.path_for("learner-b")
    catalogue = wb.store.path_for(CATALOGUE)

    def fingerprint(file: Path) -> tuple[int, int, int, bytes]:
        st = file.stat()
        return st.st_ino, st.st_mtime_ns, st.st_size, file.read_bytes()

    b_before, catalogue_before, a_before = map(fingerprint, (b_file, catalogue, a_file))
    proc = start({"workbook": str(path), "learner": "learner-a", "resources": ids, "seed": 1})
    try:
        barrier([proc])
        report = finish(proc)
    finally:
        kill_all([proc])

    assert len(report["reviews"]) == 3
    assert fingerprint(b_file) == b_before
    assert fingerprint(catalogue) == catalogue_before
    assert fingerprint(a_file)[3] != a_before[3], "A's shard should hold A's new reviews"
    assert sorted(p.name for p in wb.store.contrib.glob("*.json")) == sorted(
        [a_file.name, b_file.name, wb.store.path_for("tutor-1").name]
    )
