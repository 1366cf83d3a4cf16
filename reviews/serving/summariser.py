"""The summariser: one process beside Voila that keeps the catalogue snapshot fresh.

`appraise serve` starts it (``python -m reviews.serving.summariser WORKBOOK``). It holds
``.cache/summariser.lock`` in the workbook for as long as it runs, so learners' kernels know
to wait for it rather than fit the quality model themselves (see
:mod:`reviews.quality.snapshot`), and every ``INTERVAL_S`` seconds it compares the workbook's
data version with the snapshot's and rebuilds the snapshot when they differ. For a workbook
on a database the version includes the database's own (one small query), so writes made
through another server, on another machine, reach this server's snapshot too. It is the only
process of a classroom server that imports pandas. It stops when the server that started it
stops (its parent process changes). A second server on the same workbook starts a second
summariser, which waits for the lock and takes over if the first server stops.
"""

from __future__ import annotations

import os
import sys
import time
import traceback
from pathlib import Path

from filelock import FileLock, Timeout

from reviews.domain.errors import AppraiseError
from reviews.quality.snapshot import (
    SUMMARISER_LOCK,
    cache_dir,
    open_snapshot,
    refresh,
    snapshot_path,
    source_version,
)
from reviews.workbook import Workbook

INTERVAL_S = 0.25


def keep_fresh(root: Path) -> None:
    """Rebuild the snapshot whenever the data changes, until the parent process is gone."""
    parent = os.getppid()
    cache_dir(root).mkdir(exist_ok=True)
    lock = FileLock(cache_dir(root) / SUMMARISER_LOCK)
    while os.getppid() == parent:
        try:
            lock.acquire(timeout=1)
            break
        except Timeout:
            continue  # another server's summariser is at work: stand by
    else:
        return
    try:
        watched: Workbook | None = None  # whose store's version (a database's) is watched
        while os.getppid() == parent:
            snap = open_snapshot(snapshot_path(root))
            try:
                watched = watched or Workbook.open(root)
                stale = snap is None or snap.version != source_version(watched)
            except AppraiseError as exc:  # the database is away: say so, try again later
                print(f"appraise summariser: {exc}", file=sys.stderr, flush=True)
                watched, stale = None, False
            if stale:
                try:
                    refresh(Workbook.open(root))  # settings and rubrics read afresh
                except AppraiseError as exc:
                    print(f"appraise summariser: {exc}", file=sys.stderr, flush=True)
                except Exception as exc:  # a bug: log it, keep serving the last snapshot
                    traceback.print_exception(exc, file=sys.stderr)
            time.sleep(INTERVAL_S)  # the polling interval of a background loop
    finally:
        lock.release()


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        sys.exit("usage: python -m reviews.serving.summariser WORKBOOK")
    keep_fresh(Path(args[0]))


if __name__ == "__main__":
    main()
