"""Bring resources and reviews in from CSV files (a class's paper or web-form ratings).

All or nothing: every row is validated before anything is written, and every bad row is
reported with its line number (the header is line 1) and the reason. The writes (reviews,
resources added with them, pseudonyms, the audit event) are then committed together: a full
disk or a damaged shard leaves the workbook as it was (see :mod:`reviews.store.staged`).
With ``skip_invalid`` the valid rows are imported and the rest reported.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from reviews.classroom.identity import number_people
from reviews.domain.errors import AppraiseError, ImportRowsError, StorageError, ValidationError
from reviews.domain.model import LIMITS, Resource, Review, build, new_id
from reviews.domain.urls import infer_kind, infer_platform, normalise_url
from reviews.store import CATALOGUE, staged
from reviews.store.base import PEOPLE, Shard
from reviews.workbook import Workbook, revise

RESOURCE_COLUMNS = ("url", "title")
RESOURCE_OPTIONAL = ("kind", "topics", "creator", "publisher_type", "description")
REVIEW_COLUMNS = ("resource", "reviewer")
REVIEW_OPTIONAL = ("comment", "confidence", "created_at")

Row = tuple[int, dict[str, str]]
EXTRA = "\x00extra"  # marks a row with more values than the header has columns


@dataclass
class ImportReport:
    imported: int = 0
    already_there: int = 0
    problems: list[tuple[int, str]] = field(default_factory=list)
    added_resources: int = 0


def read_rows(path: Path, required: tuple[str, ...], optional: tuple[str, ...]) -> list[Row]:
    """Parse a UTF-8 CSV (with or without BOM) into (line, row) pairs, checking the header."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ValidationError(f"{path} does not exist") from None
    except OSError as exc:
        raise ValidationError(f"{path} cannot be read: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError(
            f"{path} is not UTF-8 text (byte 0x{raw[exc.start]:02x} at position {exc.start}); "
            "save it as 'CSV UTF-8' in Excel, or choose the UTF-8 character set when exporting"
        ) from None
    if not text.strip():  # after decoding: a file holding only a BOM is empty too
        raise ValidationError(
            f"{path} is empty: it needs a header line with the columns {', '.join(required)}"
        )
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [h.strip().lower() for h in next(reader)]
        missing = [c for c in required if c not in header]
        if missing:
            raise ValidationError(
                f"{path}: the header line lacks the column(s) {', '.join(missing)} "
                f"(found: {', '.join(header) or 'nothing'})"
            )
        unnamed = [str(i + 1) for i, h in enumerate(header) if not h]
        if unnamed:
            raise ValidationError(
                f"{path}: column(s) {', '.join(unnamed)} of the header line have no name; "
                "name them or delete them (and any values below them)"
            )
        twice = sorted({h for h in header if header.count(h) > 1})
        if twice:
            raise ValidationError(
                f"{path}: the header line has the column(s) {', '.join(twice)} more than once"
            )
        unknown = [h for h in header if h not in required + optional]
        if unknown:
            raise ValidationError(
                f"{path}: unknown column(s) {', '.join(unknown)}; "
                f"the columns are {', '.join(required + optional)}"
            )
        rows: list[Row] = []
        start = reader.line_num + 1
        for values in reader:
            if any(v.strip() for v in values):
                row = dict(zip(header, values, strict=False))
                if len(values) > len(header):
                    row[EXTRA] = f"{len(values)} values but the header has {len(header)} columns"
                rows.append((start, row))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise ValidationError(f"{path}: line {reader.line_num}: {exc}") from None
    return rows


def _validate_rows(
    rows: list[Row], parse: Callable[[int, dict[str, str]], Any], skip_invalid: bool
) -> tuple[list[Any], list[tuple[int, str]]]:
    good, bad = [], []
    for line, row in rows:
        try:
            if EXTRA in row:
                raise ValidationError(row[EXTRA])
            good.append(parse(line, row))
        except AppraiseError as exc:
            bad.append((line, str(exc)))
    if bad and not skip_invalid:
        raise ImportRowsError(
            f"nothing was imported: {len(bad)} of {len(rows)} row(s) are invalid "
            "(fix them, or use --skip-invalid to import the others)",
            bad,
        )
    return good, bad


def import_resources(
    wb: Workbook, path: Path, added_by: str, skip_invalid: bool = False
) -> ImportReport:
    """Catalogue every row of a resources CSV; URLs already catalogued are left as they are."""
    seen: dict[str, int] = {}

    def parse(line: int, row: dict[str, str]) -> Resource:
        url = normalise_url(row.get("url", ""))
        if url in seen:
            raise ValidationError(f"the same resource as line {seen[url]} ({url})")
        kind = (row.get("kind") or "").strip().lower() or infer_kind(url)
        resource = build(
            Resource,
            "resource",
            id=new_id("res"),
            url=url,
            title=row.get("title", ""),
            kind=kind,
            platform=infer_platform(url),
            creator=row.get("creator") or "",
            publisher_type=(row.get("publisher_type") or "unknown").strip().lower(),
            topics=[t.strip() for t in (row.get("topics") or "").split(";") if t.strip()],
            description=row.get("description") or "",
            added_by=added_by,
        )
        seen[url] = line
        return resource

    rows = read_rows(path, RESOURCE_COLUMNS, RESOURCE_OPTIONAL)
    good, bad = _validate_rows(rows, parse, skip_invalid)
    report = ImportReport(problems=bad)
    with staged.transactions(wb.store, [CATALOGUE, added_by]) as shards:
        known = {d.get("url") for d in shards[CATALOGUE].all("resources")}
        new = [r.model_dump(mode="json") for r in good if r.url not in known]
        shards[CATALOGUE].put_many("resources", new)
        if new:
            reason = f"{len(new)} resources from {path.name}"
            shards[added_by].add("events", _event(wb, added_by, wb.config.id, reason))
    report.imported, report.already_there = len(new), len(good) - len(new)
    return report


def import_reviews(
    wb: Workbook,
    path: Path,
    rubric: str,
    actor: str,
    skip_invalid: bool = False,
    add_missing: bool = False,
) -> ImportReport:
    """Import one review per row: columns resource (URL or id), reviewer, one per rubric item."""
    rubric_ = wb.rubric(rubric)
    items = rubric_.item_ids
    by_id = {d["id"]: d["id"] for d in wb.store.records("resources") if "id" in d}
    by_url = {d["url"]: d["id"] for d in wb.store.records("resources") if "url" in d}
    missing: dict[str, Resource] = {}
    url_cache: dict[str, str] = {}
    pairs: dict[tuple[str, str], int] = {}

    def resolve(value: str) -> str:
        value = value.strip()
        if value in by_id:
            return value
        if not value:
            raise ValidationError("resource is empty: give its URL or id")
        if value not in url_cache:
            url_cache[value] = normalise_url(value)
        url = url_cache[value]
        if url in by_url:
            return by_url[url]
        if not add_missing:
            raise ValidationError(
                f"resource {value!r} is not in the catalogue (--add-missing adds it)"
            )
        if url not in missing:
            missing[url] = build(
                Resource, "resource", id=new_id("res"), url=url, title=_url_title(url),
                kind=infer_kind(url), platform=infer_platform(url), added_by=actor,
            )  # fmt: skip
        return missing[url].id

    def parse(line: int, row: dict[str, str]) -> Review:
        resource_id = resolve(row.get("resource", ""))
        scores = rubric_.validate_scores({i: _number(row.get(i, ""), i) for i in items})
        confidence = _number(row.get("confidence", ""), "confidence")
        when = _when(row.get("created_at", ""))
        review = build(
            Review,
            "review",
            id=new_id("rev"),
            resource_id=resource_id,
            reviewer=row.get("reviewer", ""),
            rubric=rubric_.id,
            scores=scores,
            comment=row.get("comment") or "",
            confidence=confidence,
            **({"created_at": when, "updated_at": when} if when else {}),
        )
        key = (review.reviewer, resource_id)
        if key in pairs:
            raise ValidationError(f"{review.reviewer} already reviewed it on line {pairs[key]}")
        pairs[key] = line
        return review

    required = tuple(i.id for i in rubric_.items if not i.allow_na)
    optional = tuple(i.id for i in rubric_.items if i.allow_na)
    rows = read_rows(path, REVIEW_COLUMNS + required, REVIEW_OPTIONAL + optional)
    good, bad = _validate_rows(rows, parse, skip_invalid)
    report = ImportReport(problems=bad)
    used = {r.resource_id for r in good}
    added = [r.model_dump(mode="json") for r in missing.values() if r.id in used]
    by_reviewer: dict[str, list[Review]] = defaultdict(list)
    for review in good:
        by_reviewer[review.reviewer].append(review)
    names = [*([CATALOGUE] if added else []), *by_reviewer, *([PEOPLE, actor] if good else [])]
    try:
        with staged.transactions(wb.store, names) as shards:
            if added:
                shards[CATALOGUE].put_many("resources", added)
            for reviewer, batch in by_reviewer.items():
                _merge_reviews(shards[reviewer], batch)
            if good:
                number_people(shards[PEOPLE], by_reviewer)
                event = _event(wb, actor, wb.config.id, f"{len(good)} reviews from {path.name}")
                shards[actor].add("events", event)
    except AppraiseError:
        raise
    except ValueError as exc:  # e.g. a damaged JSON document in a database row
        raise StorageError(
            f"a shard this import writes is damaged ({exc}); nothing was imported: "
            "run `appraise check` and repair it"
        ) from None
    report.imported, report.added_resources = len(good), len(added)
    return report


def _merge_reviews(shard: Shard, batch: list[Review]) -> None:
    """Store a reviewer's imported reviews; one replacing a live review keeps it as a revision."""
    live = {
        (d["resource_id"], d["rubric"]): d
        for d in shard.all("reviews")
        if d.get("deleted_at") is None
    }
    docs = []
    for review in batch:
        old = live.get((review.resource_id, review.rubric))
        if old is not None:
            review = revise(Review.model_validate(old), review)
        docs.append(review.model_dump(mode="json"))
    shard.put_many("reviews", docs)


def _event(wb: Workbook, actor: str, target: str, reason: str) -> dict[str, Any]:
    """The audit event of an import, stored with the import's other writes."""
    return wb.audit_event("import", target, actor, reason).model_dump(mode="json")


def _url_title(url: str) -> str:
    """A resource's URL as its provisional title, shortened to the title limit."""
    limit = LIMITS["title"]
    return url if len(url) <= limit else url[: limit - 1] + "…"


def _number(text: str, what: str) -> int | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise ValidationError(f"{what} must be a whole number (got {text[:20]!r})") from None
    if not value.is_integer():
        raise ValidationError(f"{what} must be a whole number (got {text[:20]!r})")
    return int(value)


def _when(text: str) -> datetime | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValidationError(
            f"created_at {text[:40]!r} is not a date-time like 2026-03-01T09:30:00Z"
        ) from None
    value = value if value.tzinfo else value.replace(tzinfo=UTC)  # naive times are UTC
    try:
        return value.astimezone(UTC)  # stored in UTC: the calendar must hold it there too
    except OverflowError:
        raise ValidationError(
            f"created_at {text[:40]!r} is outside the calendar once converted to UTC; "
            "check the year"
        ) from None
