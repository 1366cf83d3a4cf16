"""The Workbook: one classroom's shared catalogue, rubrics and reviews, in one directory.

This is the API the dashboards, the CLI, the tests and scripts use. Every method validates its
input completely before it writes anything, and raises a subclass of
:class:`reviews.domain.errors.AppraiseError` with a message the learner or tutor can act on.

Layout of a workbook directory::

    workbook.yaml             settings (WorkbookConfig), written by `appraise init` and tutors
    rubrics/*.yaml            the workbook's own rubrics (built-ins need no file)
    catalogue.json            resources (tinydb backend)
    contributions/<who>.json  one shard per contributor: reviews, corrections, votes, comments,
                              moderation events (tinydb backend)
    appraise.sqlite           everything, when the workbook uses the sqlite backend
    .appraise-secret          the keys that sign sessions and hash personal codes (0600; see
                              reviews/classroom/sessions.py); never exported
    roster.json               the class roster, when there is one (reviews/classroom/roster.py)
    .pgpass                   the PostgreSQL password (mode 0600), when the workbook's records
                              live in PostgreSQL (``storage: postgresql``, ``database: URL``)
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pydantic
import yaml
from filelock import FileLock, Timeout

from reviews.classroom.access import Access
from reviews.classroom.assignments import Assignments
from reviews.classroom.discussion import Discussion
from reviews.classroom.guessing import Throttle
from reviews.classroom.hub_tutors import HubTutors
from reviews.classroom.identity import Identity
from reviews.classroom.moderation import Moderation
from reviews.classroom.roles import Actor, audit_note, require_tutor_or_administrator, via_of
from reviews.classroom.sessions import (
    HUB,
    JOIN_CODE,
    PASSPHRASE,
    PERSONAL_CODE,
    SECRET_FILE,
    Identified,
    ensure_secret,
)
from reviews.domain.errors import (
    AppraiseError,
    NotFound,
    PermissionDenied,
    StorageError,
    ValidationError,
)
from reviews.domain.model import (
    ModerationEvent,
    Record,
    Resource,
    Review,
    Revision,
    WorkbookConfig,
    build,
    new_id,
    new_join_code,
    now,
    problems,
    valid_models,
)
from reviews.domain.names import looks_like, name_key
from reviews.domain.passphrase import hash_passphrase, verify_passphrase
from reviews.domain.rubric import Rubric
from reviews.domain.rubric_files import load_rubrics
from reviews.domain.urls import infer_kind, infer_platform, normalise_url
from reviews.store import CATALOGUE, Problem, Store, open_store, upgrade_store
from reviews.store.validate import checked

if TYPE_CHECKING:
    from datetime import datetime

    import pandas as pd

    from reviews.quality.snapshot import CatalogueSnapshot

CONFIG_FILE = "workbook.yaml"


def _read_config(path: Path) -> WorkbookConfig:
    file = path / CONFIG_FILE
    try:
        raw = yaml.safe_load(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise NotFound(
            f"{path} is not an Appraise workbook (no {CONFIG_FILE}); "
            f"create one with `appraise init {path}`"
        ) from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise StorageError(f"{file} cannot be read: {exc}".replace("\n", " ")) from None
    try:
        return WorkbookConfig.model_validate(raw)
    except pydantic.ValidationError as exc:
        raise StorageError(f"{file}: " + "; ".join(problems(exc))) from None


class Workbook(Identity, Discussion, Moderation, Access, Assignments, HubTutors):
    """A workbook directory. Cheap to open; safe to use from many processes at once."""

    def __init__(self, path: Path, config: WorkbookConfig, store: Store) -> None:
        self.path = path
        self.config = config
        self.store: Store = checked(store)  # every record validated on read, any backend
        self.registered: set[str] = set()  # names seen with a pseudonym (see Identity.register)
        # Resources seen in the catalogue: a resource is never deleted (a tutor hides it with
        # an event), so one seen once exists for good and a submission need not look again.
        self._resources_seen: set[str] = set()

    # -- lifecycle -------------------------------------------------------------------------

    @classmethod
    def create(
        cls,
        path: str | os.PathLike[str],
        title: str,
        tutors: Iterable[str] = (),
        rubric: str = "stars",
        storage: str = "tinydb",
        database: str | None = None,
        **settings: Any,
    ) -> Workbook:
        """Create a workbook in ``path`` (made if missing; must not already be a workbook).

        ``database`` (a PostgreSQL URL, or ``APPRAISE_DATABASE_URL`` with
        ``storage="postgresql"``) keeps the records in that empty database; its password, if
        the URL has one, goes to ``<path>/.pgpass`` (mode 0600), never to workbook.yaml."""
        from reviews.store.database import (  # SQLAlchemy only for workbooks that need it
            ENV_URL,
            database_from_environment,
            parse_url,
            without_password,
            write_passfile,
        )

        root = Path(path)
        settings.setdefault("blind_until_reviewed", True)  # new classes start blind
        if (root / CONFIG_FILE).exists():
            raise ValidationError(f"{root} is already a workbook; open it instead")
        if storage == "postgresql" and database is None:
            database = database_from_environment()
            if database is None:
                raise ValidationError(
                    f"PostgreSQL storage needs a database URL: pass --database or set {ENV_URL}"
                )
        password = None
        if database is not None:
            url = parse_url(database)
            storage, password, database = "postgresql", url.password, without_password(url)
        config = build(
            WorkbookConfig,
            "workbook",
            **{"id": new_id("wb"), "join_code": new_join_code(), **settings},
            title=title,
            tutors=list(tutors),
            default_rubric=rubric,
            storage=storage,
            database=database,
        )
        rubrics, _ = load_rubrics(root / "rubrics")
        if config.default_rubric not in rubrics:
            raise NotFound(f"unknown rubric {rubric!r}; choose one of {', '.join(rubrics)}")
        made = [p for p in (root, root / "rubrics", root / SECRET_FILE) if not p.exists()]
        (root / "rubrics").mkdir(parents=True, exist_ok=True)
        ensure_secret(root)
        if password:
            made.append(write_passfile(root, password))
        try:
            store = open_store(root, config.storage, config.database, create=True)
        except AppraiseError:  # (an unreachable database): leave nothing this call made
            for made_path in reversed(made):
                with contextlib.suppress(OSError):  # a folder someone filled meanwhile stays
                    if made_path.is_dir():
                        made_path.rmdir()
                    else:
                        made_path.unlink()
            raise
        write_atomic_text(root / CONFIG_FILE, config_yaml(config))
        return cls(root, config, store)

    @classmethod
    def open(cls, path: str | os.PathLike[str]) -> Workbook:
        """Open a workbook; one made before sessions had a secret gets its secret now."""
        root = Path(path)
        config = _read_config(root)
        with contextlib.suppress(OSError):  # a read-only copy (a backup being checked)
            ensure_secret(root)
        return cls(root, config, open_store(root, config.storage, config.database))

    @staticmethod
    def upgrade_database(path: str | os.PathLike[str]) -> str:
        """Bring the schema of the workbook's SQL database up to this code's (``appraise
        upgrade-db``); a sentence saying what was done."""
        root = Path(path)
        config = _read_config(root)
        return upgrade_store(root, config.storage, config.database)

    def __repr__(self) -> str:
        return f"Workbook({str(self.path)!r}, title={self.config.title!r})"

    # -- rubrics and roles -----------------------------------------------------------------

    def rubrics(self) -> dict[str, Rubric]:
        """Built-in rubrics plus the workbook's own ``rubrics/*.yaml`` (broken files skipped)."""
        return load_rubrics(self.path / "rubrics")[0]

    def damage(self) -> list[Problem]:
        """What reads skip: unreadable files and invalid records, with where they are (the
        tutors' banner; ``appraise check`` reports these and more)."""
        return checked(self.store).damage()

    def rubric_problems(self) -> list[str]:
        return load_rubrics(self.path / "rubrics")[1]

    def rubric(self, rubric_id: str | None = None) -> Rubric:
        rubric_id = rubric_id or self.config.default_rubric
        rubrics = self.rubrics()
        if rubric_id not in rubrics:
            raise NotFound(f"unknown rubric {rubric_id!r}; choose one of {', '.join(rubrics)}")
        return rubrics[rubric_id]

    def min_reviewers(self, rubric: Rubric) -> int:
        return self.config.min_reviewers or rubric.min_reviewers

    def is_tutor(self, name: str) -> bool:
        """Is ``name`` a tutor's, compared in canonical form (``"dr-lee\u00a0"`` is
        ``dr-lee``; see :mod:`reviews.domain.names`)? The recorded members of the workbook's
        hub tutor group count too, in every process (:mod:`reviews.classroom.hub_tutors`)."""
        return self.tutor_named(name) is not None

    def tutor_names(self) -> list[str]:
        """Every tutor: ``workbook.yaml``'s, then the recorded hub-group tutors."""
        return [*self.config.tutors, *self.hub_tutors()]

    def tutor_named(self, name: str) -> str | None:
        """The tutor's name as ``workbook.yaml`` spells it (or as the hub gave it), if ``name``
        is one."""
        key = name_key(name)
        return next((t for t in self.tutor_names() if name_key(t) == key), None)

    def tutor_lookalike(self, name: str) -> str | None:
        """The tutor whose name ``name`` looks like (confusable skeleton), if any."""
        return next((t for t in self.tutor_names() if looks_like(name, t)), None)

    def append(self, kind: str, record: Record, author: str) -> None:
        """Store a new record in its author's shard and give the author a pseudonym."""
        with self.store.transaction(author) as shard:
            shard.add(kind, record.model_dump(mode="json"))
        self.register([author])

    def require_tutor(self, actor: str) -> None:
        """Refuse a tutor action to anyone not named as a tutor in ``workbook.yaml``."""
        if not self.is_tutor(actor):
            raise PermissionDenied(f"only a tutor of this workbook can do that ({actor!r} is not)")

    # -- settings and the tutor passphrase -------------------------------------------------

    def update_settings(self, **changes: Any) -> WorkbookConfig:
        """Change settings in ``workbook.yaml``. The file is re-read under a lock first, so a
        change made meanwhile by another process is kept, not overwritten."""
        try:
            with FileLock(str(self.path / f".{CONFIG_FILE}.lock"), timeout=30):
                current = _read_config(self.path).model_dump()
                config = build(WorkbookConfig, "workbook", **{**current, **changes})
                write_atomic_text(self.path / CONFIG_FILE, config_yaml(config))
        except Timeout:
            raise StorageError(f"{CONFIG_FILE} is busy (locked for over 30 s); try again") from None
        self.config = config
        return config

    def has_tutor_passphrase(self) -> bool:
        """Has a tutor passphrase been set (read afresh from ``workbook.yaml``)?"""
        return _read_config(self.path).tutor_passphrase_hash is not None

    def check_tutor_passphrase(self, passphrase: str) -> bool:
        """Is ``passphrase`` the tutor passphrase (standalone tutor login)? False when none is
        set. Reads ``workbook.yaml`` afresh, so a changed passphrase applies at once."""
        stored = _read_config(self.path).tutor_passphrase_hash
        return verify_passphrase(passphrase, stored)

    def set_tutor_passphrase(self, passphrase: str, actor: Actor) -> None:
        """Store a salted scrypt hash of a new tutor passphrase (tutors and the administrator
        only); the audit log records who set or changed it, never the passphrase."""
        who = require_tutor_or_administrator(self, actor, "set the tutor passphrase")
        had_one = _read_config(self.path).tutor_passphrase_hash is not None
        self.update_settings(tutor_passphrase_hash=hash_passphrase(passphrase))
        what = "tutor passphrase changed" if had_one else "tutor passphrase set"
        self.log_event("passphrase", self.config.id, who, what + audit_note(actor), via_of(actor))

    # -- resources -------------------------------------------------------------------------

    def add_resource(
        self,
        url: str,
        title: str,
        added_by: str,
        kind: str | None = None,
        **fields: Any,
    ) -> Resource:
        """Catalogue a resource; an already catalogued (normalised) URL returns that resource."""
        canonical = normalise_url(url)
        resource = build(
            Resource,
            "resource",
            id=new_id("res"),
            url=canonical,
            title=title,
            kind=kind or infer_kind(canonical),
            platform=fields.pop("platform", None) or infer_platform(canonical),
            added_by=added_by,
            **fields,
        )
        with self.store.transaction(CATALOGUE) as shard:
            existing = shard.find("resources", url=canonical)
            if existing:
                return Resource.model_validate(existing[0])
            shard.add("resources", resource.model_dump(mode="json"))
        self._resources_seen.add(resource.id)
        self.register([resource.added_by])
        return resource

    def resources(self) -> list[Resource]:
        return sorted(
            valid_models(Resource, self.store.records("resources")), key=lambda r: r.created_at
        )

    def resource(self, resource_id: str) -> Resource:
        doc = self.store.get("resources", resource_id)
        if doc is not None:
            self._resources_seen.add(resource_id)  # (the page a learner submits from)
            return Resource.model_validate(doc)
        raise NotFound(f"no resource with id {resource_id!r} in this workbook")

    def require_resource(self, resource_id: str) -> None:
        """Refuse an unknown resource id (cheaper than :meth:`resource`: no model is built,
        and a resource this object has seen is not looked up again: none is ever deleted)."""
        if resource_id in self._resources_seen:
            return
        if self.store.get("resources", resource_id) is None:
            raise NotFound(f"no resource with id {resource_id!r} in this workbook")
        self._resources_seen.add(resource_id)

    def find_resource(self, url: str) -> Resource | None:
        """The resource catalogued under ``url`` (any form of it), if any."""
        canonical = normalise_url(url)
        for doc in self.store.records("resources"):
            if doc.get("url") == canonical:
                return Resource.model_validate(doc)
        return None

    # -- reviews ---------------------------------------------------------------------------

    def submit_review(
        self,
        resource_id: str,
        reviewer: str,
        scores: Mapping[str, Any],
        rubric: str | None = None,
        comment: str = "",
        confidence: int | None = None,
        flags: Iterable[str] = (),
        bloom: Iterable[str] = (),
    ) -> Review:
        """Save ``reviewer``'s review of a resource; a second submission edits the first and
        keeps what it replaced in ``revisions``."""
        rubric_ = self.rubric(rubric)
        self.require_resource(resource_id)
        clean = rubric_.validate_scores(scores)
        draft = build(
            Review,
            "review",
            id=new_id("rev"),
            resource_id=resource_id,
            reviewer=reviewer,
            rubric=rubric_.id,
            scores=clean,
            comment=comment,
            confidence=confidence,
            flags=list(flags),
            bloom=list(bloom),
        )
        with self.store.transaction(draft.reviewer) as shard:
            live = [
                d
                for d in shard.find("reviews", resource_id=resource_id, rubric=rubric_.id)
                if d.get("deleted_at") is None and d.get("reviewer") == draft.reviewer
            ]
            if live:
                draft = revise(Review.model_validate(live[0]), draft)
                shard.put("reviews", draft.model_dump(mode="json"))
            else:
                shard.add("reviews", draft.model_dump(mode="json"))
        self.register([draft.reviewer])
        return draft

    def review_of(
        self, resource_id: str, reviewer: str, rubric: str | None = None
    ) -> Review | None:
        """``reviewer``'s live review of a resource, to pre-fill the form for editing."""
        rubric_id = rubric or self.config.default_rubric
        for review in self.reviews(resource_id=resource_id):
            if review.reviewer == reviewer and review.rubric == rubric_id:
                return review
        return None

    def delete_review(self, review_id: str, actor: str) -> Review:
        """Soft-delete one's own review: it leaves summaries but stays visible to tutors."""
        with self.store.transaction(actor) as shard:
            doc = shard.get("reviews", review_id)
            if doc is None:
                if any(r.get("id") == review_id for r in self.store.records("reviews")):
                    raise PermissionDenied(
                        "you can only delete your own reviews (tutors hide reviews instead)"
                    )
                raise NotFound(f"no review with id {review_id!r}")
            review = Review.model_validate(doc)
            if review.deleted_at is None:
                review.deleted_at = now()
                shard.put("reviews", review.model_dump(mode="json"))
        return review

    def reviews(
        self,
        resource_id: str | None = None,
        include_hidden: bool = False,
        include_deleted: bool = False,
    ) -> list[Review]:
        """Live reviews; tutors may ask for hidden and deleted ones too."""
        if resource_id is None:
            docs = self.store.records("reviews")
        else:
            docs = self.store.find("reviews", resource_id=resource_id)
        hidden = set() if include_hidden else self.moderation().hidden
        out = [
            r
            for r in valid_models(Review, docs)
            if r.id not in hidden and (include_deleted or r.deleted_at is None)
        ]
        return sorted(out, key=lambda r: r.created_at)

    # -- tables ----------------------------------------------------------------------------

    def reviews_frame(self, rubric: str | None = None) -> pd.DataFrame:
        """One row per live review and rubric item (see :mod:`reviews.quality.frames`)."""
        from reviews.quality.frames import reviews_frame

        return reviews_frame(self, rubric)

    def summary(self, rubric: str | None = None) -> pd.DataFrame:
        """One row per resource: the quality summary (see :mod:`reviews.quality.summary`)."""
        from reviews.quality.summary import summary

        return summary(self, rubric)

    def catalogue_snapshot(self, wait: float = 5.0) -> CatalogueSnapshot:
        """The learners' catalogue computed once per change of the data and shared by every
        process (see :mod:`reviews.quality.snapshot`); reading it needs no pandas."""
        from reviews.quality.snapshot import fresh_snapshot

        return fresh_snapshot(self, wait)

    def agreement(self, rubric: str | None = None) -> pd.DataFrame:
        """Krippendorff's alpha per rubric item (see :mod:`reviews.quality.agreement`)."""
        from reviews.quality.agreement import agreement

        return agreement(self, rubric)

    def corrections_summary(
        self, resource_id: str | None = None, rubric: str | None = None
    ) -> pd.DataFrame:
        """Visible corrections, best supported first (see :mod:`reviews.quality.corrections`)."""
        from reviews.quality.corrections import corrections_summary

        return corrections_summary(self, resource_id, rubric)

    def reviewer_stats(
        self,
        actor: Actor | None = None,
        rubric: str | None = None,
        identities: bool | None = None,
    ) -> pd.DataFrame:
        """Per reviewer bias, reliability and weight in the quality model, with the reason
        when down-weighted; real names for tutors only (see :mod:`reviews.classroom.reviewers`)."""
        from reviews.classroom.reviewers import reviewer_stats

        return reviewer_stats(self, actor, rubric, identities)

    # -- tutors' views (see reviews/participation.py and reviews/calibration.py) -----------

    def participation(
        self, actor: Actor | None = None, identities: bool = False, roster: Iterable[str] = ()
    ) -> pd.DataFrame:
        """One row per learner: contributions and how they fared; real names (``identities``)
        for tutors only (see :func:`reviews.classroom.participation.participation`)."""
        from reviews.classroom.participation import participation

        return participation(self, actor, identities, roster)

    def weekly_activity(self, actor: Actor | None = None, identities: bool = False) -> pd.DataFrame:
        """Contributions per learner and ISO week (see :mod:`reviews.classroom.participation`)."""
        from reviews.classroom.participation import weekly_activity

        return weekly_activity(self, actor, identities)

    def set_calibration(
        self,
        resource_id: str,
        actor: str,
        scores: Mapping[str, Any] | None = None,
        rubric: str | None = None,
        note: str = "",
    ) -> ModerationEvent:
        """Make the tutor's review of a resource its calibration reference (tutors only;
        audited). See :mod:`reviews.classroom.calibration`."""
        from reviews.classroom.calibration import set_calibration

        return set_calibration(self, resource_id, actor, scores, rubric, note)

    def unset_calibration(
        self, resource_id: str, actor: str, reason: str = ""
    ) -> list[ModerationEvent]:
        from reviews.classroom.calibration import unset_calibration

        return unset_calibration(self, resource_id, actor, reason)

    def reveal(self, resource_id: str, learner: str) -> ModerationEvent:
        """``learner`` chose to see a resource's class view before reviewing it (recorded;
        their review of it then leaves their calibration). See classroom/blind.py."""
        from reviews.classroom.blind import reveal

        return reveal(self, resource_id, learner)

    def blind_for(self, user: str) -> bool:
        """Does "blind until you rate" apply to ``user`` (the setting is on; not a tutor)?"""
        from reviews.classroom.blind import is_blind

        return is_blind(self, user)

    def revealed(self, learner: str) -> set[str]:
        """The resources ``learner`` chose to see without reviewing."""
        from reviews.classroom.blind import revealed

        return {resource_id for _, resource_id in revealed(self, learner)}

    def sees_class_view(self, resource_id: str, user: str) -> bool:
        """May ``user`` see the class's score, reviews and corrections of this resource now?"""
        if not self.blind_for(user):
            return True
        if any(r.reviewer == user for r in self.reviews(resource_id=resource_id)):
            return True
        return resource_id in self.revealed(user)

    def calibration_resources(self) -> pd.DataFrame:
        """The calibration resources, their reference reviews and who marked them."""
        from reviews.classroom.calibration import calibration_resources

        return calibration_resources(self)

    def moderation_queue(
        self, actor: Actor, identities: bool = False, since: datetime | None = None
    ) -> pd.DataFrame:
        """What waits for a tutor, most urgent first: patient-safety corrections and
        confidentiality flags, new and disputed corrections, flagged reviews, comments (tutors
        only; see :mod:`reviews.classroom.moderation_queue`)."""
        from reviews.classroom.moderation_queue import moderation_queue

        return moderation_queue(self, actor, identities, since)

    def audit_table(self, actor: Actor) -> pd.DataFrame:
        """The audit log as a table, newest first (tutors only)."""
        from reviews.classroom.moderation_queue import audit_table

        return audit_table(self, actor)

    def calibration(self, actor: Actor | None = None, identities: bool = False) -> pd.DataFrame:
        """Per learner agreement with the tutors' reference reviews (see
        :mod:`reviews.classroom.calibration` for the formula); real names for tutors only."""
        from reviews.classroom.calibration import calibration

        return calibration(self, actor, identities)


def revise(old: Review, new: Review) -> Review:
    """``new`` as an edit of ``old``: same id and creation time, ``old`` kept as a revision."""
    kept = Revision(
        scores=old.scores,
        confidence=old.confidence,
        comment=old.comment,
        flags=old.flags,
        bloom=old.bloom,
        saved_at=old.updated_at,
    )
    return new.model_copy(
        update={
            "id": old.id,
            "created_at": old.created_at,
            "updated_at": now(),
            "revisions": [*old.revisions, kept],
        }
    )


def config_yaml(config: WorkbookConfig) -> str:
    header = "# Appraise workbook settings: see docs/tutor-guide.md#settings\n"
    data = config.model_dump(mode="json")
    if data.get("database") is None:
        data.pop("database", None)  # only PostgreSQL workbooks name a database
    return header + yaml.safe_dump(data, sort_keys=False)


def write_atomic_text(path: Path, text: str) -> None:
    """Replace a small text file atomically (temp file, fsync, rename)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


# For the dashboards, which import the facade rather than the classroom layer.
__all__ = [
    "CONFIG_FILE",
    "HUB",
    "JOIN_CODE",
    "PASSPHRASE",
    "PERSONAL_CODE",
    "Identified",
    "Throttle",
    "Workbook",
]
