"""A review import lands whole or not at all, even when the disk fills up halfway.

As root (CI) the workbook lives on a real 2 MB tmpfs that the test mounts and nearly fills;
otherwise the file system's ENOSPC is injected into the store's writes.
"""

from __future__ import annotations

import errno
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from reviews import StorageError, Workbook
from reviews.io.check import check_workbook
from reviews.io.importer import import_resources, import_reviews
from reviews.store import tinydb_store
from tests.io.test_importer import write_csv

REVIEWS = 60


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A folder on a 2 MB file system (a tmpfs when root may mount one)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0:
        yield mount
        return
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)], check=True)
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=True)


def _fill(folder: Path, leave: int) -> None:
    """Fill the file system of ``folder`` until only about ``leave`` bytes are free."""
    st = os.statvfs(folder)
    free = st.f_bavail * st.f_frsize
    with open(folder / "filler", "wb") as fh:
        fh.write(b"\0" * max(free - leave, 0))


def _state(wb: Workbook) -> tuple[int, int, int]:
    fresh = Workbook.open(wb.path)
    return len(fresh.reviews()), len(fresh.people()), len(fresh.audit_log())


def test_an_import_that_fills_the_disk_writes_nothing(
    small_disk: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    wb = Workbook.create(small_disk / "wb", title="T", tutors=["tutor-1"])
    res = wb.add_resource(url="https://example.org/a", title="A", added_by="tutor-1")
    rows = [["resource", "reviewer", "overall", "comment"]]
    rows += [[res.id, f"learner-{n}", "4", "x" * 4000] for n in range(REVIEWS)]
    csv_path = write_csv(tmp_path / "reviews.csv", rows)
    before = _state(wb)
    if os.geteuid() == 0:
        _fill(small_disk, leave=120_000)  # room for about a quarter of the reviews
    else:
        real, calls = tinydb_store.os.fsync, []

        def fsync(fd: int) -> None:
            calls.append(fd)
            if len(calls) > 2 * REVIEWS // 4:
                raise OSError(errno.ENOSPC, "No space left on device")
            real(fd)

        monkeypatch.setattr(tinydb_store.os, "fsync", fsync)
    with pytest.raises(StorageError, match="No space left on device"):
        import_reviews(wb, csv_path, "stars", actor="tutor-1")
    monkeypatch.undo()
    assert _state(wb) == before  # no review, pseudonym or audit event of it
    assert not [p for p in (small_disk / "wb").rglob("*.tmp")]  # no staged file left behind
    (small_disk / "filler").unlink(missing_ok=True)
    found, _ = check_workbook(wb.path)
    assert found == []
    report = import_reviews(wb, csv_path, "stars", actor="tutor-1")  # room again: all of it
    assert report.imported == REVIEWS
    assert _state(wb) == (REVIEWS, before[1] + REVIEWS, before[2] + 1)


def test_an_import_lands_whole_on_every_backend(wb: Workbook, tmp_path: Path) -> None:
    resources = write_csv(tmp_path / "r.csv", [["url", "title"], ["https://example.org/b", "B"]])
    import_resources(wb, resources, added_by="tutor-1")
    rows = [["resource", "reviewer", "overall"], ["https://example.org/b", "learner-1", "3"]]
    rows += [["https://example.org/c", "tutor-1", "5"]]
    report = import_reviews(wb, write_csv(tmp_path / "v.csv", rows), "stars", "tutor-1",
                            add_missing=True)  # fmt: skip
    assert (report.imported, report.added_resources) == (2, 1)
    assert len(wb.reviews()) == 2 and len(wb.resources()) == 2
    assert [e.action for e in wb.audit_log()] == ["import", "import"]
    assert {p.name for p in wb.people()} == {"tutor-1", "learner-1"}
