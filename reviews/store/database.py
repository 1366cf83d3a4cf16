"""Which database a workbook's records live in, and where its password comes from.

``workbook.yaml`` keeps the database URL *without* its password, so the file can be shared,
committed or printed. The password is looked up at connection time, first match wins:

1. ``APPRAISE_DATABASE_URL``, when it names the same database and carries a password;
2. ``<workbook>/.pgpass``: a libpq password file (``*:*:*:*:password``) that
   ``Workbook.create`` writes with mode 0600 when the URL it was given had a password
   (libpq ignores the file if others can read it);
3. libpq's own ``PGPASSWORD``, ``PGPASSFILE`` or ``~/.pgpass``.

Every URL shown or logged goes through :func:`reviews.store.sql_store.safe_url`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from reviews.domain.errors import ValidationError

ENV_URL = "APPRAISE_DATABASE_URL"
PASSFILE = ".pgpass"
SCHEMES = ("postgresql", "postgresql+psycopg", "postgres")


def parse_url(text: str) -> URL:
    """A PostgreSQL URL, or a one-line message saying what one looks like."""
    try:
        url = make_url(text.strip())
    except ArgumentError:
        url = None
    if url is None or url.drivername not in SCHEMES or not url.database:
        raise ValidationError(
            "the database must be a PostgreSQL URL such as "
            "postgresql://appraise@db.example.org:5432/cardiology"
        )
    return url.set(drivername="postgresql")


def without_password(url: URL) -> str:
    """The URL as ``workbook.yaml`` stores it."""
    # (URL.set(password=None) would keep the password: None there means "unchanged")
    bare = URL.create(url.drivername, url.username, None, url.host, url.port, url.database,
                      url.query)  # fmt: skip
    return bare.render_as_string(hide_password=False)


def database_from_environment() -> str | None:
    return os.environ.get(ENV_URL) or None


def write_passfile(root: Path, password: str) -> Path:
    """Keep ``password`` in ``<root>/.pgpass`` (mode 0600 from the start, never world-readable)."""
    path = root / PASSFILE
    escaped = password.replace("\\", "\\\\").replace(":", "\\:")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(f"*:*:*:*:{escaped}\n")
    os.chmod(path, 0o600)
    return path


def connection(root: Path, stored: str) -> tuple[URL, dict[str, Any]]:
    """(URL to connect with, psycopg connect arguments) for the database in workbook.yaml."""
    url = parse_url(stored)
    env = database_from_environment()
    if env:
        try:
            given = parse_url(env)
        except ValidationError:
            given = None
        if (
            given is not None
            and given.password
            and without_password(given) == without_password(url)
        ):
            return given, {}
    passfile = root / PASSFILE
    if url.password is None and passfile.exists():
        return url, {"passfile": str(passfile)}
    return url, {}
