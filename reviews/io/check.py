"""``appraise check``: report every damaged or hand-edited record, with where it is stored.

It only reads. Nothing is repaired or overwritten: a human decides what the right data is.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import yaml

from reviews.domain.errors import AppraiseError
from reviews.domain.rubric_files import load_rubrics
from reviews.store import BACKENDS, Store, open_store
from reviews.store.validate import MODELS, checked, record_problem
from reviews.workbook import CONFIG_FILE, Workbook

# kind -> (field that refers to another record, kinds it may refer to)
REFERENCES = {
    "reviews": ("resource_id", ("resources",)),
    "corrections": ("resource_id", ("resources",)),
    "votes": ("correction_id", ("corrections",)),
    "comments": ("target_id", ("resources", "corrections")),
    "assignments": ("resource_id", ("resources",)),
}


def check_workbook(path: Path) -> tuple[list[str], dict[str, int]]:
    """(problems, number of valid records per kind) for the workbook at ``path``.

    Every problem is listed, never only the first: a damaged ``workbook.yaml`` is reported
    and the records are still checked (in the backend the file names, else the default).
    """
    found: list[str] = []
    try:
        wb = Workbook.open(path)
    except AppraiseError as exc:
        found.append(str(exc))
        if not (path / CONFIG_FILE).is_file():
            return found, {}
        store: Store = checked(open_store(path, *_storage_named_in(path)))
        rubrics, broken = load_rubrics(path / "rubrics")
    else:
        store, (rubrics, broken) = wb.store, load_rubrics(path / "rubrics")
        if wb.config.default_rubric not in rubrics:
            found.append(f"{path / CONFIG_FILE}: default_rubric {wb.config.default_rubric!r} "
                         "is not a rubric of this workbook")  # fmt: skip
    found += [str(p) for p in store.problems()]
    found += [f"{path / 'rubrics'}/{p}" for p in broken]
    valid: dict[str, list[tuple[str, Any]]] = {kind: [] for kind in MODELS}
    for where, kind, doc in store.scan():
        if kind not in MODELS:
            continue
        problem = record_problem(kind, doc)
        if problem is None:
            valid[kind].append((where, MODELS[kind].model_validate(doc)))
        else:
            found.append(f"{where}: {problem}")
    ids = {kind: {record.id for _, record in records} for kind, records in valid.items()}
    for kind, (field, targets) in REFERENCES.items():
        known = set().union(*(ids[t] for t in targets))
        for where, record in valid[kind]:
            if getattr(record, field) not in known:
                found.append(f"{where}: {field} {getattr(record, field)!r} does not exist")
    for where, review in valid["reviews"]:
        rubric = rubrics.get(review.rubric)
        if rubric is None:
            found.append(f"{where}: rubric {review.rubric!r} is not available")
            continue
        try:
            rubric.validate_scores(review.scores)
        except AppraiseError as exc:
            found.append(f"{where}: {exc}")
    counts = Counter({kind: len(records) for kind, records in valid.items()})
    return found, dict(counts)


def _storage_named_in(path: Path) -> tuple[str, str | None]:
    """The backend (and database URL) a damaged ``workbook.yaml`` still names, else the
    default backend."""
    try:
        raw = yaml.safe_load((path / CONFIG_FILE).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError, UnicodeDecodeError):
        return "tinydb", None
    raw = raw if isinstance(raw, dict) else {}
    storage, database = raw.get("storage"), raw.get("database")
    if storage not in BACKENDS:
        return "tinydb", None
    return storage, database if isinstance(database, str) else None
