"""The nouns of a workbook: config, Resource, Review, Correction, Vote, Comment, ModerationEvent.

Every stored record is one of these pydantic models dumped to JSON: an opaque id, a
``schema_version`` and timezone-aware UTC times. Text limits are declared here once (``LIMITS``)
and documented in docs/architecture.md; :func:`build` turns pydantic's errors into one readable
line per problem, so a learner's mistake never surfaces as a traceback.
"""

from __future__ import annotations

import re
import secrets
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Annotated, Any, Literal, TypeVar

import pydantic
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from reviews.domain.errors import AppraiseError, ValidationError
from reviews.domain.names import BadName, canonical_name
from reviews.domain.passphrase import PATTERN as PASSPHRASE_PATTERN
from reviews.domain.urls import KINDS, normalise_url

SCHEMA_VERSION: Literal[1] = 1

#: Maximum lengths in characters, one place for the models, the docs and the widgets.
LIMITS: dict[str, int] = {
    "name": 100,  # reviewer, author, tutor names
    "title": 300,
    "short": 200,  # locator, creator, licence, topic
    "text": 2000,  # claim, correction, description, reason, evidence
    "comment": 5000,
    "topics": 20,
    "url": 2048,
}

FLAGS = (
    "misinformation",
    "outdated",
    "undeclared_promotion",
    "confidentiality",
    "unprofessional",
    "broken_link",
)
BLOOM_LEVELS = ("remember", "understand", "apply", "analyse", "evaluate", "create")
SEVERITIES = ("minor", "major", "patient-safety")
PUBLISHER_TYPES = (
    "academic",
    "journal",
    "professional_body",
    "individual_clinician",
    "student",
    "industry",
    "unknown",
)
CONFIDENCE = {1: "unsure", 2: "fairly sure", 3: "very sure"}
EVENT_ACTIONS = (
    "hide",
    "restore",
    "verify",
    "reject",
    "import",
    "calibrate",  # a tutor's review becomes the reference of a calibration resource
    "uncalibrate",
    "export",  # an export that included learners' real names
    "passphrase",  # the tutor passphrase was set or changed
    "sign-in",  # a tutor signed in (``via`` says how they were identified)
    "lockout",  # a sign-in form locked after too many wrong codes or passphrases
    "sessions",  # the session key was rotated: every remembered browser signed out
    "roster",  # learners added to or removed from the roster, a personal code reset
    "assign",  # a tutor assigned reviews (target: the allocation's batch id)
    "unassign",  # a tutor withdrew the assignments of one batch
    "reveal",  # a learner chose to see a resource's class view before reviewing it
    "hub-tutor",  # the hub vouched that a person is in hub_tutor_group (target: the group)
    "hub-tutor-left",  # the hub vouched that a recorded member no longer is
)
#: How the person behind an action was identified (``ModerationEvent.via``).
IDENTIFIED_BY = (
    "hub",  # JupyterHub's user
    "passphrase",  # a tutor's name and the tutor passphrase
    "remembered session",  # a session cookie signed with the workbook's secret
    "join code",  # open workshop: a display name and the join code
    "personal code",  # roster: the learner's personal code
    "administrator",  # the command line, with file access to the workbook
)
#: Events a learner writes about themselves: not tutor actions, so not in the audit log.
LEARNER_ACTIONS = ("reveal",)

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def now() -> datetime:
    """The current time, timezone-aware UTC (never naive)."""
    return datetime.now(UTC)


def new_id(prefix: str) -> str:
    """An opaque id such as ``rev_3f9c…``; the prefix only helps a human reading a file."""
    return f"{prefix}_{uuid.uuid4().hex}"


def new_join_code() -> str:
    """A short code learners type on first visit; no 0/O/1/I to misread."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(6))


def _clean_text(value: str) -> str:
    value = value.strip()
    if _CONTROL.search(value):
        raise ValueError("contains control characters; please retype it")
    return value


def _clean_name(value: str) -> str:
    value = _clean_text(value)
    if not value:
        raise ValueError("must not be empty")
    return value


def _clean_person(value: str) -> str:
    """A person's name in its one canonical form (:func:`reviews.domain.names.canonical_name`):
    NFKC, white space collapsed, no invisible, line-breaking or direction-changing characters."""
    try:
        return canonical_name(value)
    except BadName as exc:
        raise ValueError(str(exc)) from None


def _utc(value: datetime) -> datetime:
    try:
        return value.astimezone(UTC)
    except OverflowError:  # 0001-01-01T00:00+05:00 is before the first moment in UTC
        raise ValueError("is outside the calendar once converted to UTC") from None


def _label(value: str) -> str:
    """``"Undeclared promotion"`` and ``"undeclared-promotion"`` are the same flag."""
    return re.sub(r"[\s-]+", "_", value.strip().lower())


Name = Annotated[str, Field(max_length=LIMITS["name"]), AfterValidator(_clean_person)]
Title = Annotated[str, Field(min_length=1, max_length=LIMITS["title"]), AfterValidator(_clean_name)]
Short = Annotated[str, Field(max_length=LIMITS["short"]), AfterValidator(_clean_text)]
Text = Annotated[str, Field(max_length=LIMITS["text"]), AfterValidator(_clean_text)]
Required = Annotated[str, Field(max_length=LIMITS["text"]), AfterValidator(_clean_name)]
CommentText = Annotated[str, Field(max_length=LIMITS["comment"]), AfterValidator(_clean_text)]
Utc = Annotated[AwareDatetime, AfterValidator(_utc)]


class Record(BaseModel):
    """Fields every stored record has."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    schema_version: Literal[1] = SCHEMA_VERSION
    id: str = Field(min_length=1, max_length=64)
    created_at: Utc = Field(default_factory=now)


class WorkbookConfig(BaseModel):
    """``workbook.yaml``: the classroom's settings, written by ``appraise init`` and tutors."""

    model_config = ConfigDict(extra="forbid")

    schema_version: Literal[1] = SCHEMA_VERSION
    # Written once by `appraise init`, never defaulted when read: a process inventing its own
    # id or join code would disagree with every other process serving the class.
    id: str = Field(min_length=1, max_length=64)
    title: Title
    default_rubric: str = "stars"
    tutors: list[Name] = Field(default_factory=list)
    # Under `appraise serve --hub`, members of this JupyterHub group are tutors too.
    hub_tutor_group: str | None = Field(default=None, min_length=1, max_length=255)
    join_code: str = Field(min_length=4, max_length=32)
    min_reviewers: int | None = Field(default=None, ge=1, le=100)
    # Learners see a resource's class score, reviews and corrections only after reviewing it
    # (reviews/classroom/blind.py). Off when the key is missing (workbooks made before it);
    # Workbook.create turns it on for new ones.
    blind_until_reviewed: bool = False
    expected_learners: int | None = Field(default=None, ge=1, le=1000)  # `serve --expect`
    storage: Literal["tinydb", "sqlite", "postgresql"] = "tinydb"
    # The PostgreSQL URL of ``storage: postgresql``, never with a password (see
    # reviews/store/database.py for where the password comes from).
    database: str | None = Field(
        default=None, max_length=500, pattern=r"^[^:/@]+://[^:@/]*@?[^@]*$"
    )
    created_at: Utc = Field(default_factory=now)
    # A salted scrypt hash (see reviews/passphrase.py), never the passphrase itself.
    tutor_passphrase_hash: str | None = Field(default=None, pattern=PASSPHRASE_PATTERN)

    @model_validator(mode="before")
    @classmethod
    def _renamed(cls, data: Any) -> Any:
        """``hide_reviews_until_submitted`` (the setting's first name) still works."""
        if isinstance(data, dict) and "hide_reviews_until_submitted" in data:
            data = dict(data)
            old = data.pop("hide_reviews_until_submitted")
            data.setdefault("blind_until_reviewed", old)
        return data


class Resource(Record):
    url: str = Field(max_length=LIMITS["url"])
    title: Title
    kind: Literal[KINDS]  # type: ignore[valid-type]
    platform: Short
    creator: Short = ""
    publisher_type: Literal[PUBLISHER_TYPES] = "unknown"  # type: ignore[valid-type]
    topics: list[Short] = Field(default_factory=list, max_length=LIMITS["topics"])
    licence: Short = ""
    description: Text = ""
    added_by: Name

    @field_validator("url")
    @classmethod
    def _normalised(cls, value: str) -> str:
        return normalise_url(value)

    @field_validator("topics")
    @classmethod
    def _topics(cls, value: list[str]) -> list[str]:
        return sorted({t.lower() for t in value if t})


class Person(Record):
    """Someone who has contributed, with the stable number behind their pseudonym."""

    name: Name
    number: int = Field(ge=1)


class Revision(BaseModel):
    """A review as it was before an edit; kept so that edits never erase what was said."""

    model_config = ConfigDict(extra="forbid")

    scores: dict[str, int | None]
    confidence: int | None = None
    comment: str = ""
    flags: list[str] = Field(default_factory=list)
    bloom: list[str] = Field(default_factory=list)
    saved_at: Utc


class Review(Record):
    resource_id: str
    reviewer: Name
    rubric: str
    scores: dict[str, int | None]
    confidence: int | None = Field(default=None, ge=1, le=3)
    comment: CommentText = ""
    flags: list[str] = Field(default_factory=list)
    bloom: list[str] = Field(default_factory=list)
    updated_at: Utc = Field(default_factory=now)
    revisions: list[Revision] = Field(default_factory=list)
    deleted_at: Utc | None = None

    @field_validator("flags")
    @classmethod
    def _flags(cls, value: list[str]) -> list[str]:
        return _choices(value, FLAGS, "flag")

    @field_validator("bloom")
    @classmethod
    def _bloom(cls, value: list[str]) -> list[str]:
        return _choices([v.replace("analyze", "analyse") for v in value], BLOOM_LEVELS, "level")


class Correction(Record):
    resource_id: str
    author: Name
    locator: Short = ""
    claim: Required
    correction: Required
    evidence: Required
    severity: Literal[SEVERITIES] = "minor"  # type: ignore[valid-type]


class Vote(Record):
    correction_id: str
    voter: Name
    agree: bool
    reason: Text = ""
    updated_at: Utc = Field(default_factory=now)


class Comment(Record):
    target_id: str
    author: Name
    text: Annotated[str, Field(max_length=LIMITS["comment"]), AfterValidator(_clean_name)]
    parent_id: str | None = None


class ModerationEvent(Record):
    """One line of the append-only audit log."""

    action: Literal[EVENT_ACTIONS]  # type: ignore[valid-type]
    target_id: str
    actor: Name
    reason: Text = ""
    via: Literal[IDENTIFIED_BY] | None = None  # type: ignore[valid-type]


class Assignment(Record):
    """A resource a tutor asked one learner to review, maybe by a due date.

    Assignments made together share a ``batch`` id, which the audit log names and which a
    tutor withdraws as a whole. ``group`` records the learner's group when the allocation was
    made within groups.
    """

    learner: Name
    resource_id: str
    assigned_by: Name
    batch: str = Field(min_length=1, max_length=64)
    group: Short = ""
    due: Utc | None = None


def _choices(values: list[str], allowed: tuple[str, ...], what: str) -> list[str]:
    out = []
    for raw in values:
        value = _label(raw)
        if value not in allowed:
            raise ValueError(f"unknown {what} {raw!r}; choose from {', '.join(allowed)}")
        if value not in out:
            out.append(value)
    return out


M = TypeVar("M", bound=BaseModel)

_FRIENDLY = {
    "string_too_long": "is too long; the limit is {max_length} characters",
    "string_too_short": "must not be empty",
    "too_long": "has too many entries (the limit is {max_length})",
    "missing": "is required",
    "extra_forbidden": "is not a field we know; check its spelling",
    "greater_than_equal": "must be at least {ge}",
    "less_than_equal": "must be at most {le}",
    "literal_error": "must be one of {expected}",
    "timezone_aware": "needs a time zone, for example 2026-03-01T09:00:00Z",
}


def problems(exc: pydantic.ValidationError) -> list[str]:
    """One line per problem, ``field: what is wrong``, never echoing the (maybe huge) input."""
    lines = []
    for err in exc.errors(include_url=False, include_input=False):
        where = ".".join(str(p) for p in err["loc"]) or "value"
        ctx = dict(err.get("ctx") or {})
        template = _FRIENDLY.get(err["type"])
        if template:
            try:
                message = template.format(**ctx)
            except (KeyError, IndexError):
                message = err["msg"]
        else:
            message = err["msg"].removeprefix("Value error, ")
        lines.append(f"{where}: {message}")
    return lines


def build(model: type[M], what: str = "", **data: Any) -> M:
    """Validate ``data`` as ``model`` or raise :class:`ValidationError` naming every problem."""
    try:
        return model(**data)
    except pydantic.ValidationError as exc:
        label = what or model.__name__.lower()
        raise ValidationError(f"This {label} can't be saved: " + "; ".join(problems(exc))) from None


def valid_models(model: type[M], docs: Iterable[dict[str, Any]]) -> list[M]:
    """Models for the stored documents that validate. The others (hand-edited or damaged) are
    left out of every view and reported, with their file, by `appraise check`."""
    out = []
    for doc in docs:
        try:
            out.append(model.model_validate(doc))
        except (pydantic.ValidationError, AppraiseError):
            continue
    return out
