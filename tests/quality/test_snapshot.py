"""The catalogue snapshot: fresh, stale, built once by concurrent processes, never trusted
when damaged, and read without pandas."""

from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

from filelock import FileLock

from reviews import Workbook
from reviews.quality.snapshot import (
    SUMMARISER_LOCK,
    cache_dir,
    data_version,
    fresh_snapshot,
    open_snapshot,
    snapshot_path,
    summariser_alive,
)
from tests.support.classroom import make_classroom


def test_a_fresh_snapshot_is_reused_and_a_write_makes_it_stale(tmp_path: Path) -> None:
    room = make_classroom(tmp_path / "wb")
    first = fresh_snapshot(room.wb)
    assert first.version == data_version(room.wb.path)
    assert fresh_snapshot(room.wb).meta["built_at"] == first.meta["built_at"]  # not rebuilt
    room.wb.submit_review(room.wiki.id, reviewer="cat", scores={"overall": 5})
    assert data_version(room.wb.path) != first.version
    second = fresh_snapshot(room.wb)
    assert second.meta["built_at"] != first.meta["built_at"]
    row = second.row(room.wiki.id, "cat")
    assert row is not None and row["n_reviews"] == 1 and row["mine"]


def test_the_snapshot_pages_searches_and_sorts_like_the_catalogue(tmp_path: Path) -> None:
    room = make_classroom(tmp_path / "wb")
    snap = fresh_snapshot(room.wb)

    class Q:
        text, kind, topic, verdict, unreviewed_only, sort = "", "", "", "", False, "reviews"

    page = snap.page(Q(), 0, 2, "ana")
    assert page.matching == 4 and page.pages == 2 and len(page.rows) == 2
    assert page.rows[0]["id"] == room.video.id  # most reviewed
    Q.text, Q.topic = "af minutes", "ecg"
    assert [r["id"] for r in snap.page(Q(), 0, 20, "ana").rows] == [room.video.id]
    Q.text, Q.topic, Q.unreviewed_only = "", "", True
    assert room.video.id not in {r["id"] for r in snap.page(Q(), 0, 20, "ana").rows}
    assert snap.page(Q(), 99, 20, "ana").page == 0  # clamped to the pages there are


def _refresh(path: str) -> float:
    from reviews.quality.snapshot import refresh

    return float(refresh(Workbook.open(path)).meta["built_at"])


def test_concurrent_refreshes_in_real_processes_build_the_snapshot_once(tmp_path: Path) -> None:
    room = make_classroom(tmp_path / "wb")
    with ProcessPoolExecutor(4, mp_context=get_context("spawn")) as pool:
        built = list(pool.map(_refresh, [str(room.wb.path)] * 4))
    assert len(set(built)) == 1  # one process built it, the others found it fresh
    snap = open_snapshot(snapshot_path(room.wb.path))
    assert snap is not None and snap.version == data_version(room.wb.path)
    assert not list(cache_dir(room.wb.path).glob("*.tmp"))


def test_a_damaged_snapshot_is_rebuilt_never_trusted(tmp_path: Path) -> None:
    room = make_classroom(tmp_path / "wb")
    path = snapshot_path(room.wb.path)
    fresh_snapshot(room.wb)
    for damage in (b"not a database at all", path.read_bytes()[:2048], b""):
        path.write_bytes(damage)
        assert open_snapshot(path) is None
        snap = fresh_snapshot(room.wb)
        assert snap.total == 4 and snap.row(room.video.id) is not None


def test_a_kernel_waits_for_the_summariser_instead_of_building(tmp_path: Path) -> None:
    room = make_classroom(tmp_path / "wb")
    stale = fresh_snapshot(room.wb)
    room.wb.add_comment(room.video.id, author="ben", text="a change")
    cache_dir(room.wb.path).mkdir(exist_ok=True)
    code = (
        "import sys, filelock; lock = filelock.FileLock(sys.argv[1]); lock.acquire(); "
        "print('held', flush=True); sys.stdin.read()"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", code, str(cache_dir(room.wb.path) / SUMMARISER_LOCK)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        assert summariser_alive(room.wb.path)
        shown = fresh_snapshot(room.wb, wait=0.2)  # the "summariser" never delivers
        assert shown.meta["built_at"] == stale.meta["built_at"]  # the previous one, not built
    finally:
        holder.communicate("")
    assert not summariser_alive(room.wb.path)
    with FileLock(cache_dir(room.wb.path) / SUMMARISER_LOCK, timeout=0):
        pass  # released with the process


def test_the_learner_dashboard_reads_the_catalogue_without_pandas_or_numpy(tmp_path: Path) -> None:
    room = make_classroom(tmp_path / "wb")
    fresh_snapshot(room.wb)  # what the summariser does
    code = f"""
import os, sys
os.environ["APPRAISE_WORKBOOK"] = {str(room.wb.path)!r}
from widgets.app import LearnerApp
app = LearnerApp.from_environment()
app.start(environ={{}}, wait=lambda: None)
app.enter("ana", remember=False)
app.open({room.video.id!r})
app.show_catalogue()
heavy = sorted(m for m in ("pandas", "numpy", "scipy", "jupyter_server", "nbconvert")
               if m in sys.modules)
print(type(app).__name__, heavy)
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.stdout.strip() == "LearnerApp []", out.stderr
