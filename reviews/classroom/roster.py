"""The class roster: who the learners are, each with a personal sign-in code.

A workbook with a roster signs learners in by their personal code alone: the name comes from
the roster, so nobody can type a classmate's name. Without a roster the workbook is an *open
workshop* (a display name and the shared join code). The roster is a workbook file,
``roster.json``, replaced atomically (temporary file, fsync, rename) under a file lock, like
``workbook.yaml``: it belongs with the directory's secret (its codes are hashed with it), so it
lives beside it whatever the storage backend.

Codes: 10 characters from a 31-letter alphabet without 0/O, 1/I/l (log2(31^10) = 49.5 bits),
shown as ``ABCDE-FGHJK``; typing ignores case, spaces and hyphens. Only an HMAC-SHA256 of each
code keyed by the workbook secret is stored, so ``roster.json`` does not reveal them; a code
that is lost is reset, not looked up.
"""

from __future__ import annotations

import csv
import io
import json
import math
import secrets
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pydantic
from filelock import FileLock, Timeout
from pydantic import BaseModel, ConfigDict, Field

from reviews.classroom.sessions import Secret, code_hash, read_secret, write_private
from reviews.domain.errors import ImportRowsError, NotFound, StorageError, ValidationError
from reviews.domain.model import LIMITS, Name, Short, Utc, new_id, now, problems
from reviews.domain.names import BadName, canonical_name, looks_like, name_key

ROSTER_FILE = "roster.json"
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L
CODE_LENGTH = 10
CODE_BITS = CODE_LENGTH * math.log2(len(ALPHABET))
COLUMNS = ("name", "email", "group")


class Learner(BaseModel):
    """One roster entry; ``code_hash`` is the keyed hash of the personal code."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(default_factory=lambda: new_id("ros"))
    name: Name
    email: Short = ""
    group: Short = ""
    code_hash: str = Field(min_length=20, max_length=64)
    code_set_at: Utc = Field(default_factory=now)
    created_at: Utc = Field(default_factory=now)


class RosterFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    schema_version: int = 1
    learners: list[Learner] = Field(default_factory=list)


@dataclass(frozen=True)
class Issued:
    """A learner and the code just given to them (shown once, never stored)."""

    learner: Learner
    code: str


def new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return f"{raw[:5]}-{raw[5:]}"


def normalise_code(typed: str) -> str:
    """``abcde fghjk`` and ``ABCDE-FGHJK`` are the same code."""
    return "".join(c for c in typed.upper() if c.isalnum())


class Roster:
    """The roster of the workbook in ``root``; tutors' names keep learners from looking like
    one of them."""

    def __init__(self, root: Path, tutors: Iterable[str] = ()) -> None:
        self.root = root
        self.path = root / ROSTER_FILE
        self.tutors = list(tutors)

    # -- reading ---------------------------------------------------------------------------

    def exists(self) -> bool:
        """Is there a roster (the workbook is then in roster mode)?"""
        return self.path.exists()

    def learners(self) -> list[Learner]:
        if not self.path.exists():
            return []
        try:
            data = RosterFile.model_validate(json.loads(self.path.read_text(encoding="utf-8")))
        except (OSError, ValueError) as exc:
            detail = "; ".join(problems(exc)) if isinstance(exc, pydantic.ValidationError) else exc
            raise StorageError(f"{self.path} cannot be read ({detail}); repair it") from None
        return sorted(data.learners, key=lambda learner: name_key(learner.name))

    def find(self, name: str) -> Learner | None:
        key = name_key(name)
        return next((r for r in self.learners() if name_key(r.name) == key), None)

    def by_code(self, typed: str, secret: Secret | None = None) -> Learner | None:
        """The learner whose personal code this is, or None."""
        code = normalise_code(typed)
        if len(code) != CODE_LENGTH:
            return None
        wanted = code_hash(secret or read_secret(self.root), code)
        return next((r for r in self.learners() if r.code_hash == wanted), None)

    # -- changing --------------------------------------------------------------------------

    def check_name(self, raw: str) -> str:
        """The canonical name, refused if it is a tutor's or looks like one."""
        name = canonical_name(raw)
        if len(name) > LIMITS["name"]:
            raise BadName(f"a name has at most {LIMITS['name']} characters")
        for tutor in self.tutors:
            if looks_like(name, tutor):
                raise BadName(f"{name!r} is, or looks like, the tutor {tutor!r}")
        return name

    def import_csv(self, text: str) -> list[Issued]:
        """Add every row of a CSV (``name``, optional ``email`` and ``group``), all or nothing:
        an :class:`ImportRowsError` lists each bad row by its line number."""
        rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
        header = [h.strip().lower() for h in (rows[0].keys() if rows else [])]
        if not rows:
            raise ValidationError("the roster file has no learners (a header `name` and a row)")
        if "name" not in header:
            raise ValidationError("the roster file needs a `name` column (and may have `email`,"
                                  " `group`)")  # fmt: skip
        unknown = [h for h in header if h not in COLUMNS]
        if unknown:
            raise ValidationError(
                f"unknown column(s) {', '.join(unknown)}; use {', '.join(COLUMNS)}"
            )
        wanted: list[tuple[str, str, str]] = []
        bad: list[tuple[int, str]] = []
        seen = {name_key(r.name): 0 for r in self.learners()}
        for number, row in enumerate(rows, start=2):
            clean = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}
            try:
                name = self.check_name(clean.get("name", ""))
            except BadName as exc:
                bad.append((number, str(exc)))
                continue
            earlier = seen.get(name_key(name))
            if earlier is not None:
                where = f"line {earlier}" if earlier else "the roster"
                bad.append((number, f"{name!r} is already on {where}"))
                continue
            seen[name_key(name)] = number
            wanted.append((name, clean.get("email", ""), clean.get("group", "")))
        if bad:
            raise ImportRowsError(
                f"nothing imported: {len(bad)} of {len(rows)} rows need fixing", bad
            )
        return self._add(wanted)

    def add(self, name: str, email: str = "", group: str = "") -> Issued:
        checked = self.check_name(name)
        if self.find(checked) is not None:
            raise ValidationError(f"{checked!r} is already on the roster")
        return self._add([(checked, email, group)])[0]

    def remove(self, name: str) -> Learner:
        """Take a learner off the roster: their code stops working (their work stays)."""
        with self._locked():
            learners = self.learners()
            gone = self._require(learners, name)
            self._save([r for r in learners if r.id != gone.id])
        return gone

    def reset_code(self, name: str) -> Issued:
        """A new code for a learner; the old one, and browsers it signed in, stop working."""
        secret = read_secret(self.root)
        with self._locked():
            learners = self.learners()
            old = self._require(learners, name)
            code = self._unused_code(secret, learners)
            new = old.model_copy(update={"code_hash": _hash(secret, code), "code_set_at": now()})
            self._save([new if r.id == old.id else r for r in learners])
        return Issued(new, code)

    # -- internals -------------------------------------------------------------------------

    def _add(self, wanted: list[tuple[str, str, str]]) -> list[Issued]:
        secret = read_secret(self.root)
        with self._locked():
            learners = self.learners()
            taken = {name_key(r.name) for r in learners}
            issued = []
            for name, email, group in wanted:
                if name_key(name) in taken:  # added meanwhile by another process
                    raise ValidationError(f"{name!r} is already on the roster")
                code = self._unused_code(secret, learners)
                try:
                    learner = Learner(
                        name=name, email=email, group=group, code_hash=_hash(secret, code)
                    )
                except pydantic.ValidationError as exc:
                    raise ValidationError(f"{name!r}: " + "; ".join(problems(exc))) from None
                learners.append(learner)
                issued.append(Issued(learner, code))
            self._save(learners)
        return issued

    @staticmethod
    def _unused_code(secret: Secret, learners: list[Learner]) -> str:
        used = {r.code_hash for r in learners}
        while True:  # a collision has odds of n / 31^10: loop, never hand out a duplicate
            code = new_code()
            if _hash(secret, code) not in used:
                return code

    @staticmethod
    def _require(learners: list[Learner], name: str) -> Learner:
        key = name_key(name)
        found = next((r for r in learners if name_key(r.name) == key), None)
        if found is None:
            raise NotFound(f"{name!r} is not on the roster (see `appraise roster list`)")
        return found

    @contextmanager
    def _locked(self) -> Iterator[None]:
        try:
            with FileLock(str(self.root / f".{ROSTER_FILE}.lock"), timeout=30):
                yield
        except Timeout:
            raise StorageError(f"{ROSTER_FILE} is busy (locked for over 30 s); try again") from None

    def _save(self, learners: list[Learner]) -> None:
        text = RosterFile(learners=learners).model_dump_json(indent=1) + "\n"
        write_private(self.path, text).replace(self.path)


def _hash(secret: Secret, code: str) -> str:
    return code_hash(secret, normalise_code(code))
