"""Real processes on one PostgreSQL database: a killed writer, a restarted server.

Children are separate ``python -c`` processes that open the workbook, wait at a barrier and
submit reviews, reporting each acknowledged submission (``submit_review`` returned) on stdout
as it happens. The parent then checks that exactly what was acknowledged is stored.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from reviews.io.check import check_workbook
from reviews.workbook import Workbook
from tests.store.test_concurrency import (
    CHILD_TIMEOUT_S,
    add_resources,
    barrier,
    child_env,
    kill_all,
    stored_reviews,
)
from tests.support.postgres import Postgres

pytestmark = [pytest.mark.slow, pytest.mark.timeout(240)]
ROOT = Path(__file__).resolve().parents[2]

# Submit ``count`` reviews (or until killed, with "forever"), acknowledging each one. With
# "retry", a StorageError (the database went away) is reported and the submission retried.
CHILD = r"""
import json
import random
import sys
import time

from reviews.domain.errors import StorageError
from reviews.workbook import Workbook

job = json.loads(sys.argv[1])
wb = Workbook.open(job["workbook"])
rng = random.Random(job["seed"])
print("ready", flush=True)
if sys.stdin.readline().strip() != "go":
    sys.exit(3)
resources = job["resources"]
i = 0
while i < job["count"] or job.get("forever"):
    resource_id = resources[i % len(resources)]
    score = rng.randint(1, 5)
    deadline = time.monotonic() + 60
    while True:
        try:
            review = wb.submit_review(resource_id, job["learner"], {"overall": score})
            break
        except StorageError as exc:
            if not job.get("retry") or time.monotonic() > deadline:
                raise
            print("error " + str(exc).replace("\n", " "), flush=True)
            time.sleep(0.05)  # back off before retrying; the deadline bounds the wait
    record = {"id": review.id, "resource_id": resource_id, "score": score, "seq": i}
    print("ack " + json.dumps(record), flush=True)
    i += 1
print("done", flush=True)
"""


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


def read_acks(
    proc: subprocess.Popen[str], until: int | None = None
) -> tuple[list[dict], list[str]]:
    """Acknowledged submissions and reported errors: ``until`` acks, or to the end."""
    assert proc.stdout is not None
    acks: list[dict[str, Any]] = []
    errors: list[str] = []
    for line in proc.stdout:
        if line.startswith("ack ") and line.endswith("\n"):
            acks.append(json.loads(line.removeprefix("ack ")))
        elif line.startswith("error "):
            errors.append(line.removeprefix("error ").strip())
        elif line == "done\n":
            break
        if until is not None and len(acks) >= until:
            break
    return acks, errors


def assert_acknowledged_stored(path: Path, learner: str, acks: list[dict[str, Any]]) -> None:
    """Each acknowledged score is stored, in order, as the review's current score or one of
    its revisions (a review's later submissions are edits of it)."""
    stored = [r for r in stored_reviews(path).values() if r.reviewer == learner]
    by_resource = {r.resource_id: r for r in stored}
    history: dict[str, list[int]] = {}
    for ack in acks:
        history.setdefault(ack["resource_id"], []).append(ack["score"])
    for resource_id, scores in history.items():
        got = by_resource.get(resource_id)
        assert got is not None, f"{learner}'s acknowledged review of {resource_id} was lost"
        seen = [rev.scores["overall"] for rev in got.revisions] + [got.scores["overall"]]
        assert seen[: len(scores)] == scores, f"{learner}: an acknowledged edit was lost"
        assert len(seen) - len(scores) in (0, 1)  # at most the one unacknowledged submission


def appraise_check(path: Path) -> None:
    appraise = Path(sys.executable).parent / "appraise"
    result = subprocess.run(
        [str(appraise), "check", "--workbook", str(path)],
        capture_output=True, text=True, timeout=CHILD_TIMEOUT_S, env=child_env(), check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("OK:")


def test_24_writers_one_killed_mid_burst_lose_nothing_acknowledged(
    postgres_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "wb"
    wb = Workbook.create(path, title="Cardiology block", tutors=["tutor-1"], database=postgres_url)
    ids = add_resources(wb, tmp_path, 40)
    jobs = [
        {"workbook": str(path), "learner": f"learner-{k:02d}", "count": 20, "seed": k,
         "resources": [ids[(k + j) % 40] for j in range(20)]}
        for k in range(24)
    ]  # fmt: skip
    jobs[0].update(forever=True, resources=ids[:15])  # the victim edits its reviews too
    procs = [start(job) for job in jobs]
    try:
        barrier(procs)
        acks, _ = read_acks(procs[0], until=12)
        procs[0].send_signal(signal.SIGKILL)
        more, _ = read_acks(procs[0])
        procs[0].wait(timeout=CHILD_TIMEOUT_S)
        assert procs[0].returncode == -signal.SIGKILL
        results = [read_acks(proc) for proc in procs[1:]]
        for proc in procs[1:]:
            _, err = proc.communicate(timeout=CHILD_TIMEOUT_S)
            assert proc.returncode == 0, err
    finally:
        kill_all(procs)

    assert_acknowledged_stored(path, "learner-00", acks + more)
    stored = stored_reviews(path)
    for got, _ in results:
        assert len(got) == 20
        for ack in got:
            assert stored[ack["id"]].scores == {"overall": ack["score"]}
    victim_reviews = len({a["resource_id"] for a in acks + more})
    assert len(stored) - 23 * 20 in (victim_reviews, victim_reviews + 1)
    numbers = [p.number for p in Workbook.open(path).people()]
    assert sorted(numbers) == list(range(1, len(numbers) + 1)), "pseudonym numbers collided"
    problems, counts = check_workbook(path)
    assert problems == [] and counts["reviews"] == len(stored)
    appraise_check(path)


def test_a_database_restart_mid_burst_loses_nothing_acknowledged(
    postgres: Postgres, postgres_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "wb"
    wb = Workbook.create(path, title="Cardiology block", tutors=["tutor-1"], database=postgres_url)
    ids = add_resources(wb, tmp_path, 30)
    jobs = [
        {"workbook": str(path), "learner": f"learner-{k}", "count": 30, "seed": k, "retry": True,
         "resources": ids}
        for k in range(6)
    ]  # fmt: skip
    procs = [start(job) for job in jobs]
    try:
        barrier(procs)
        first = [read_acks(proc, until=3) for proc in procs]  # every writer is mid-burst
        postgres.restart()
        rest = [read_acks(proc) for proc in procs]
        for proc in procs:
            _, err = proc.communicate(timeout=CHILD_TIMEOUT_S)
            assert proc.returncode == 0, err
    finally:
        kill_all(procs)

    errors = [e for (_, a), (_, b) in zip(first, rest, strict=True) for e in a + b]
    for error in errors:  # a clear sentence, never a driver's traceback
        assert "try again" in error or "cannot be reached" in error, error
    for job, (a, _), (b, _) in zip(jobs, first, rest, strict=True):
        acks = a + b
        assert [x["seq"] for x in acks] == list(range(30))
        assert_acknowledged_stored(path, job["learner"], acks)
    problems, counts = check_workbook(path)
    assert problems == [] and counts["reviews"] == 6 * 30
    appraise_check(path)
