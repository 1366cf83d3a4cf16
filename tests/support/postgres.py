"""A throwaway PostgreSQL server for the test session, from Debian's ``postgresql`` package.

Two facts of the machine shape this: Debian keeps the server binaries off PATH, under
``/usr/lib/postgresql/<version>/bin``, and ``initdb``/``postgres`` refuse to run as root (CI
runs as root), so as root the server runs as the ``postgres`` system user in a temporary
directory that user owns. It listens on a Unix socket in that directory only (no TCP), on a
free port number, with ``trust`` authentication; it is stopped and deleted at the end.

It fails, never skips, when PostgreSQL is missing: `.ci/run` installs it.
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.support.serving import free_port

USER = "appraise"


def server_bin() -> Path:
    """The directory of initdb/pg_ctl: on PATH, or Debian's newest /usr/lib/postgresql/*."""
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).resolve().parent  # a symlink into /usr/lib/postgresql/N/bin
    versions = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"),
        key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0,
    )
    if not versions:
        pytest.fail("PostgreSQL is required for the storage tests: apt-get install -y postgresql")
    return Path(versions[-1]).parent


@dataclass
class Postgres:
    """A running server: its socket directory, port and a counter for fresh databases."""

    bin: Path
    root: Path
    port: int
    as_user: list[str]
    _names: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    @property
    def data(self) -> Path:
        return self.root / "data"

    def url(self, database: str = "postgres", password: str | None = None) -> str:
        auth = f"{USER}:{password}" if password else USER
        return f"postgresql://{auth}@/{database}?host={self.root}&port={self.port}"

    def pg_ctl(self, *args: str) -> None:
        command = [*self.as_user, str(self.bin / "pg_ctl"), "-D", str(self.data), "-w", *args]
        done = subprocess.run(command, capture_output=True, text=True, timeout=60)
        if done.returncode != 0:
            pytest.fail(f"pg_ctl {' '.join(args)} failed:\n{done.stdout}{done.stderr}")

    fsync: bool = False  # the tests need no crash safety of the OS; benchmarks turn it on

    def start(self) -> None:
        options = f"-k {self.root} -p {self.port} -c listen_addresses='' -c max_connections=200"
        if not self.fsync:
            options += " -c fsync=off"
        self.pg_ctl("-o", options, "-l", str(self.root / "server.log"), "start")

    def stop(self, mode: str = "fast") -> None:
        self.pg_ctl("-m", mode, "stop")

    def restart(self) -> None:
        self.stop("fast")
        self.start()

    def psql(self, sql: str, database: str = "postgres") -> str:
        command = [str(self.bin / "psql"), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                   "-h", str(self.root), "-p", str(self.port), "-U", USER, "-d", database,
                   "-c", sql]  # fmt: skip
        done = subprocess.run(command, capture_output=True, text=True, timeout=60)
        if done.returncode != 0:
            pytest.fail(f"psql failed: {done.stderr}")
        return done.stdout.strip()

    def fresh_database(self) -> str:
        """The URL of a new, empty database (one per test: tests never see each other)."""
        name = f"t{os.getpid()}_{next(self._names)}"
        self.psql(f"CREATE DATABASE {name}")
        return self.url(name)


def start_postgres(fsync: bool = False) -> Postgres:
    bin_dir = server_bin()
    root = Path(tempfile.mkdtemp(prefix="appraise-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    os.chmod(root, 0o755)
    server = Postgres(bin_dir, root, free_port(), as_user, fsync=fsync)
    command = [*as_user, str(bin_dir / "initdb"), "-D", str(server.data), "-U", USER,
               "--auth=trust", "--no-sync", "-E", "UTF8", "--locale=C.UTF-8"]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        pytest.fail(f"initdb failed:\n{done.stdout}{done.stderr}")
    # Trust on the Unix socket only: listen_addresses='' means no TCP at all.
    (server.data / "pg_hba.conf").write_text("local all all trust\n")
    server.start()
    return server


def stop_postgres(server: Postgres) -> None:
    try:
        server.stop("fast")
    finally:
        shutil.rmtree(server.root, ignore_errors=True)
