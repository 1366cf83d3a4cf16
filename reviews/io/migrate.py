"""``appraise migrate``: copy a TinyDB workbook into an empty PostgreSQL database, losslessly.

Every stored document is copied as it is (ids, revisions, soft deletes, moderation events,
pseudonym numbers, fields this version does not know), into the same shard: the catalogue,
the people, or its author's. The copy is one database transaction, so it lands whole or not
at all, and the new workbook directory is removed again if anything fails. The source is only
read: it stays a complete workbook, and ``appraise check`` on both gives the same counts.
"""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from reviews.classroom.roster import ROSTER_FILE
from reviews.classroom.sessions import SECRET_FILE
from reviews.domain.errors import StorageError, ValidationError
from reviews.store.base import SHARED_KINDS, Doc
from reviews.store.sql_store import SQLStore
from reviews.store.tinydb_store import TinyDBStore, read_json, shard_file_name
from reviews.store.validate import CheckedStore
from reviews.workbook import Workbook

# Who a contribution belongs to, per kind: the shard the Workbook wrote it to.
AUTHOR_FIELDS = {
    "reviews": "reviewer",
    "corrections": "author",
    "votes": "voter",
    "comments": "author",
    "events": "actor",
}


@dataclass(frozen=True)
class Migration:
    """What was copied: the new workbook and the number of records per kind."""

    target: Path
    database: str
    counts: dict[str, int]


def shard_of(path: Path, data: dict[str, dict[str, Doc]]) -> str:
    """The author whose shard file ``path`` is: the one author field naming this file."""
    for kind, field in AUTHOR_FIELDS.items():
        for doc in data.get(kind, {}).values():
            author = doc.get(field)
            if isinstance(author, str) and shard_file_name(author) == path.name:
                return author
    raise StorageError(f"{path}: cannot tell whose records these are; nothing was copied")


def tinydb_rows(store: TinyDBStore) -> Iterator[tuple[str, str, Doc]]:
    """Every document of a TinyDB workbook as (shard, kind, document)."""
    for shard in dict.fromkeys(SHARED_KINDS.values()):
        for kind, docs in read_json(store.path_for(shard)).items():
            for doc in docs.values():
                yield shard, kind, doc
    for path in store.contribution_paths():
        data = read_json(path)
        author = shard_of(path, data)
        for kind, docs in data.items():
            for doc in docs.values():
                yield author, kind, doc


#: Files of the workbook directory that are not records and must come along: the session and
#: code keys (reviews/classroom/sessions.py), the roster, the tutors' abbreviations.
WORKBOOK_FILES = (SECRET_FILE, ROSTER_FILE, "abbreviations.yaml")


def migrate(source: Path, database: str, target: Path) -> Migration:
    """Copy the TinyDB workbook at ``source`` into ``database`` (which must be empty), as a
    new workbook directory ``target`` with the same settings and rubrics."""
    wb = Workbook.open(source)
    raw = wb.store.inner if isinstance(wb.store, CheckedStore) else wb.store  # as stored
    if not isinstance(raw, TinyDBStore):
        raise ValidationError(f"{source} does not keep its records in TinyDB files: nothing to do")
    problems = wb.store.problems()
    if problems:
        raise StorageError(
            f"{problems[0]} ({len(problems)} problem(s)); run `appraise check --workbook "
            f"{source}` and repair it first: nothing was copied"
        )
    if target.exists() and any(target.iterdir()):
        raise ValidationError(f"{target} is not empty; choose a new directory with --into")
    settings = wb.config.model_dump(exclude={"storage", "database", "title"})
    target.mkdir(parents=True, exist_ok=True)
    try:
        if (source / "rubrics").is_dir():
            shutil.copytree(source / "rubrics", target / "rubrics", dirs_exist_ok=True)
        made = Workbook.create(
            target, title=wb.config.title, rubric=wb.config.default_rubric, database=database
        )
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise
    try:
        target_store = made.store.inner if isinstance(made.store, CheckedStore) else made.store
        assert isinstance(target_store, SQLStore)
        expected = Counter(kind for _, kind, _ in tinydb_rows(raw))
        target_store.load(tinydb_rows(raw))
        copied = target_store.counts()
        if copied != dict(expected):
            raise StorageError(f"copied {copied} but the workbook holds {dict(expected)}")
        made.update_settings(**settings)  # the same id, join code, tutors, passphrase hash
        for name in WORKBOOK_FILES:  # sessions and personal codes keep working
            if (source / name).is_file():
                shutil.copy2(source / name, target / name)
    except BaseException:
        made.store.clear()  # type: ignore[attr-defined]
        shutil.rmtree(target, ignore_errors=True)
        raise
    assert made.config.database is not None
    return Migration(target, made.config.database, dict(expected))


__all__ = ["Migration", "migrate"]
