"""Who a remembered browser is: session tokens signed with the workbook's own secret.

The secret is 2 x 32 random bytes in ``.appraise-secret`` in the workbook directory (mode
0600), made by ``appraise init`` or, for an older workbook, on first open: one key signs
sessions, the other keys the hashes of the roster's personal codes. It is never in
``workbook.yaml``, an export, a log or a page, so nothing a learner can read (the workbook id
printed in exports, the join code every learner has) lets them make a session.
``appraise sessions rotate`` replaces the session key: every remembered browser is signed out;
personal codes keep working.

A token is ``v2.<payload>.<mac>``, base64url: the payload is JSON with who (``n``), how they
were identified (``h``: ``join-code`` or ``personal-code``) and when it expires (``e``, Unix
seconds); the mac is HMAC-SHA256 (RFC 2104) over the workbook id, the payload and a *binding*:
the join code for open-workshop sign-ins, the learner's code hash for roster sign-ins, so that
a new join code or a reset personal code also signs those browsers out.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import hmac
import json
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock, Timeout

from reviews.domain.errors import StorageError
from reviews.domain.model import IDENTIFIED_BY

SECRET_FILE = ".appraise-secret"
VERSION = "v2"
LIFETIME_S = 90 * 86400

#: How a person was identified, as recorded in sessions and the audit log.
METHODS = IDENTIFIED_BY
HUB, PASSPHRASE, SESSION, JOIN_CODE, PERSONAL_CODE, ADMINISTRATOR = IDENTIFIED_BY


@dataclass(frozen=True)
class Identified:
    """Who is at a dashboard and how we know: ``how`` is one of :data:`METHODS`."""

    name: str
    how: str
    remembered: bool = False  # came from a session cookie rather than this page's sign-in


@dataclass(frozen=True)
class Secret:
    session_key: bytes
    code_key: bytes


def _encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _secret_text(session_key: bytes, code_key: bytes) -> str:
    return json.dumps({"sessions": _encode(session_key), "codes": _encode(code_key)}) + "\n"


def write_private(path: Path, text: str) -> Path:
    """A temporary file beside ``path`` readable by its owner only, fsynced."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    return tmp


def ensure_secret(root: Path) -> None:
    """Give the workbook a secret if it has none. Race-safe across processes: the file is
    written aside and linked into place, which fails if another process got there first."""
    path = root / SECRET_FILE
    if path.exists():
        return
    text = _secret_text(os.urandom(32), os.urandom(32))
    tmp = write_private(path, text)
    try:
        os.link(tmp, path)
    except FileExistsError:
        pass  # another process made it first: theirs is the secret
    except OSError:  # a file system without hard links: exclusive creation instead
        with contextlib.suppress(FileExistsError):
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
    finally:
        tmp.unlink(missing_ok=True)


def read_secret(root: Path) -> Secret:
    """The workbook's secret (made first if missing)."""
    ensure_secret(root)
    path = root / SECRET_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        secret = Secret(_decode(data["sessions"]), _decode(data["codes"]))
    except (OSError, ValueError, KeyError, TypeError, binascii.Error):
        raise StorageError(
            f"{path} is damaged; run `appraise sessions rotate --workbook {root}` (everyone "
            "signs in again) and, with a roster, `appraise roster reset-code` for each learner"
        ) from None
    if len(secret.session_key) < 16 or len(secret.code_key) < 16:
        raise StorageError(f"{path} holds keys too short to be safe; rotate it")
    return secret


def rotate_session_key(root: Path) -> None:
    """A new session key: every remembered browser must sign in again (codes unchanged)."""
    path = root / SECRET_FILE
    try:
        with FileLock(str(root / f".{SECRET_FILE}.lock"), timeout=30):
            try:
                code_key = read_secret(root).code_key
            except StorageError:
                code_key = os.urandom(32)  # damaged: codes must be reset anyway
            tmp = write_private(path, _secret_text(os.urandom(32), code_key))
            os.replace(tmp, path)
    except Timeout:
        raise StorageError(f"{SECRET_FILE} is busy (locked for over 30 s); try again") from None


def code_hash(secret: Secret, code: str) -> str:
    """The keyed hash stored for a personal code (HMAC-SHA256 with the code key)."""
    mac = hmac.new(secret.code_key, b"appraise-code\0" + code.encode(), hashlib.sha256)
    return _encode(mac.digest())


def _mac(secret: Secret, workbook_id: str, payload: str, binding: str) -> str:
    message = "\0".join(("appraise-session", workbook_id, payload, binding)).encode()
    return _encode(hmac.new(secret.session_key, message, hashlib.sha256).digest())


def issue(
    secret: Secret,
    workbook_id: str,
    name: str,
    how: str,
    binding: str,
    lifetime_s: int = LIFETIME_S,
    now: float | None = None,
) -> str:
    """A token remembering ``name`` (identified by ``how``) until ``lifetime_s`` from now."""
    expires = int((time.time() if now is None else now) + lifetime_s)
    payload = _encode(
        json.dumps(
            {"n": name, "h": how, "e": expires}, separators=(",", ":"), ensure_ascii=False
        ).encode()
    )
    return f"{VERSION}.{payload}.{_mac(secret, workbook_id, payload, binding)}"


def claims(token: str) -> tuple[str, str, int] | None:
    """(name, how, expiry) as the token *says*, not yet checked; None if malformed."""
    parts = token.split(".")
    if len(parts) != 3 or parts[0] != VERSION:
        return None
    try:
        data = json.loads(_decode(parts[1]))
        name, how, expires = data["n"], data["h"], data["e"]
    except (ValueError, KeyError, TypeError, binascii.Error):
        return None
    if not (isinstance(name, str) and how in METHODS and isinstance(expires, int)):
        return None
    return name, how, expires


def verify(
    secret: Secret, workbook_id: str, token: str, binding: str, now: float | None = None
) -> bool:
    """Is ``token`` genuine for this workbook, this binding and not expired?"""
    said = claims(token)
    if said is None:
        return False
    payload, mac = token.split(".")[1:]
    if not hmac.compare_digest(mac, _mac(secret, workbook_id, payload, binding)):
        return False
    return (time.time() if now is None else now) < said[2]
