"""``appraise check``: report every damaged or hand-edited record, with where it is stored.

It only reads. Nothing is repaired or overwritten: a human decides what the right data is.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pydantic

from reviews.domain.errors import AppraiseError
from reviews.domain.model import (
    Assignment,
    Comment,
    Correction,
    ModerationEvent,
    Person,
    Resource,
    Review,
    Vote,
    problems,
)
from reviews.workbook import Workbook

MODELS: dict[str, type[pydantic.BaseModel]] = {
    "resources": Resource,
    "people": Person,
    "reviews": Review,
    "corrections": Correction,
    "votes": Vote,
    "comments": Comment,
    "events": ModerationEvent,
    "assignments": Assignment,
}

# kind -> (field that refers to another record, kinds it may refer to)
REFERENCES = {
    "reviews": ("resource_id", ("resources",)),
    "corrections": ("resource_id", ("resources",)),
    "votes": ("correction_id", ("corrections",)),
    "comments": ("target_id", ("resources", "corrections")),
    "assignments": ("resource_id", ("resources",)),
}


def check_workbook(path: Path) -> tuple[list[str], dict[str, int]]:
    """(problems, number of valid records per kind) for the workbook at ``path``."""
    try:
        wb = Workbook.open(path)
    except AppraiseError as exc:
        return [str(exc)], {}
    found = [str(p) for p in wb.store.problems()]
    found += [f"{path / 'rubrics'}/{p}" for p in wb.rubric_problems()]
    rubrics = wb.rubrics()
    if wb.config.default_rubric not in rubrics:
        found.append(f"{path / 'workbook.yaml'}: default_rubric {wb.config.default_rubric!r} "
                     "is not a rubric of this workbook")  # fmt: skip
    valid: dict[str, list[tuple[str, Any]]] = {kind: [] for kind in MODELS}
    for where, kind, doc in wb.store.scan():
        model = MODELS.get(kind)
        if model is None:
            continue
        try:
            valid[kind].append((where, model.model_validate(doc)))
        except pydantic.ValidationError as exc:
            found.append(f"{where}: " + "; ".join(problems(exc)))
        except AppraiseError as exc:
            found.append(f"{where}: {exc}")
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
