"""The tutor passphrase: how a tutor proves they are one when the workbook is not under
JupyterHub (where the hub's user name does that job).

Only a salted scrypt hash is stored (``tutor_passphrase_hash`` in ``workbook.yaml``), never the
passphrase. The stored text carries its own parameters, so they can be raised later without
breaking workbooks made today::

    scrypt$32768$8$1$<salt, base64>$<derived key, base64>

Parameters: N = 2**15 (CPU/memory cost), r = 8 (block size), p = 1 (parallelism), a random
16-byte salt per workbook and a 32-byte derived key. That is 32 MiB of memory and roughly a
tenth of a second per guess on a laptop: slow enough to make guessing from a copied
``workbook.yaml`` expensive, fast enough for a tutor logging in. Comparison is constant-time.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import re

from reviews.domain.errors import ValidationError

N, R, P = 2**15, 8, 1
SALT_BYTES = 16
KEY_BYTES = 32
MIN_LENGTH = 8

#: The shape of a stored hash; ``WorkbookConfig`` refuses anything else.
PATTERN = r"^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$"

# Bounds on parameters read back from a (hand-editable) file, so that an edited workbook.yaml
# cannot make every login allocate gigabytes or spin for minutes.
_MAX_N, _MAX_R, _MAX_P = 2**20, 32, 16


def _derive(passphrase: str, salt: bytes, n: int, r: int, p: int, dklen: int = KEY_BYTES) -> bytes:
    # maxmem must exceed 128 * r * n bytes (32 MiB here); OpenSSL's default is exactly 32 MiB.
    return hashlib.scrypt(
        passphrase.encode("utf-8"),
        salt=salt,
        n=n,
        r=r,
        p=p,
        maxmem=2 * 128 * r * n * p + 2**20,
        dklen=dklen,
    )


def check_strength(passphrase: str) -> None:
    """Refuse a passphrase too short to be worth hashing."""
    if len(passphrase) < MIN_LENGTH:
        raise ValidationError(
            f"the tutor passphrase needs at least {MIN_LENGTH} characters "
            "(a few unrelated words are easy to remember and hard to guess)"
        )


def hash_passphrase(passphrase: str) -> str:
    """The text to store for ``passphrase``: parameters, a fresh random salt and the key."""
    check_strength(passphrase)
    salt = os.urandom(SALT_BYTES)
    key = _derive(passphrase, salt, N, R, P)
    encode = base64.b64encode
    return f"scrypt${N}${R}${P}${encode(salt).decode()}${encode(key).decode()}"


def verify_passphrase(passphrase: str, stored: str | None) -> bool:
    """Does ``passphrase`` match ``stored``? False when nothing is stored or it is malformed."""
    if not stored or not re.match(PATTERN, stored):
        return False
    _, n_, r_, p_, salt_, key_ = stored.split("$")
    n, r, p = int(n_), int(r_), int(p_)
    if not (1 < n <= _MAX_N and n & (n - 1) == 0 and 1 <= r <= _MAX_R and 1 <= p <= _MAX_P):
        return False
    try:
        salt, key = base64.b64decode(salt_, validate=True), base64.b64decode(key_, validate=True)
    except binascii.Error:
        return False
    if not 16 <= len(key) <= 64:
        return False
    return hmac.compare_digest(_derive(passphrase, salt, n, r, p, len(key)), key)
