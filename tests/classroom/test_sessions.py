"""Sessions signed with the workbook's own secret: the forged-tutor findings as regressions."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import multiprocessing
import stat
from pathlib import Path

import pytest

from reviews import Workbook
from reviews.classroom.roles import Administrator
from reviews.classroom.sessions import (
    JOIN_CODE,
    PERSONAL_CODE,
    SECRET_FILE,
    Identified,
    ensure_secret,
    issue,
    read_secret,
)
from reviews.export import export_to

ADMIN = Administrator("cli:root")
DISGUISED_TUTOR = ["dr-lee ", "dr-lee\u00a0", "dr-lee\u2003"]


@pytest.fixture
def wb(tmp_path: Path) -> Workbook:
    return Workbook.create(tmp_path / "wb", title="Cardiology block", tutors=["dr-lee"])


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def old_forgery(wb: Workbook, name: str) -> str:
    """The v1 cookie of issue 11: an HMAC keyed by the join code over workbook id + name."""
    key = wb.config.join_code.upper().encode()
    mac = hmac.new(key, f"{wb.config.id}\0{name}".encode(), hashlib.sha256).digest()
    return f"v1.{b64(name.encode())}.{base64.urlsafe_b64encode(mac[:18]).decode()}"


def forgeries(wb: Workbook, name: str, how: str = JOIN_CODE) -> list[str]:
    """Every token a learner could make from what learners know: the workbook id (printed in
    exports) and the join code, alone or together, as keys or bindings."""
    payload = b64(json.dumps({"n": name, "h": how, "e": 2**40}, separators=(",", ":")).encode())
    known = [wb.config.id, wb.config.join_code, wb.config.join_code.upper()]
    keys = [*known, wb.config.id + wb.config.join_code, ""]
    tokens = [old_forgery(wb, name)]
    for key in keys:
        for binding in ["join:" + wb.config.join_code.upper(), *known, ""]:
            message = "\0".join(("appraise-session", wb.config.id, payload, binding)).encode()
            mac = hmac.new(key.encode(), message, hashlib.sha256).digest()
            tokens.append(f"v2.{payload}.{b64(mac)}")
    return tokens


@pytest.mark.parametrize("name", DISGUISED_TUTOR)
def test_a_forged_cookie_for_a_tutors_name_is_refused(wb: Workbook, name: str) -> None:
    for token in forgeries(wb, name):
        assert wb.session_from_token(token) is None
    # even the server itself never remembers a tutor, however the name is spelled
    assert wb.session_token(Identified(name, JOIN_CODE)) is None
    binding = "join:" + wb.config.join_code.upper()
    signed = issue(read_secret(wb.path), wb.config.id, name, JOIN_CODE, binding)
    assert wb.session_from_token(signed) is None  # signed with the real secret, still refused


def test_the_workbook_id_and_the_join_code_cannot_make_a_session(wb: Workbook) -> None:
    real = wb.session_token(Identified("Dana", JOIN_CODE))
    assert real is not None and wb.session_from_token(real) == Identified(
        "Dana", JOIN_CODE, remembered=True
    )
    for token in forgeries(wb, "Dana"):
        assert wb.session_from_token(token) is None
    for token in forgeries(wb, "Dana", PERSONAL_CODE):
        assert wb.session_from_token(token) is None


def test_after_rotation_old_cookies_are_refused(wb: Workbook) -> None:
    before = wb.session_token(Identified("Dana", JOIN_CODE))
    assert before is not None and wb.session_from_token(before) is not None
    wb.rotate_sessions(actor=ADMIN)
    assert wb.session_from_token(before) is None
    after = wb.session_token(Identified("Dana", JOIN_CODE))
    assert after is not None and wb.session_from_token(after) is not None
    (event,) = [e for e in wb.audit_log() if e.action == "sessions"]
    assert event.actor == "cli:root" and event.via == "administrator"
    with pytest.raises(Exception, match="only a tutor"):
        wb.rotate_sessions(actor="Dana")


def test_rotation_keeps_personal_codes(wb: Workbook) -> None:
    issued = wb.roster_add("Dana", actor=ADMIN)
    wb.rotate_sessions(actor=ADMIN)
    assert wb.learner_with_code(issued.code) == issued.learner


def test_a_new_join_code_or_an_expired_token_signs_out(wb: Workbook) -> None:
    token = wb.session_token(Identified("Dana", JOIN_CODE))
    assert token is not None
    wb.update_settings(join_code="NEWCODE")
    assert wb.session_from_token(token) is None
    binding = "join:NEWCODE"
    old = issue(read_secret(wb.path), wb.config.id, "Dana", JOIN_CODE, binding, now=0)
    assert wb.session_from_token(old) is None
    fresh = issue(read_secret(wb.path), wb.config.id, "Dana", JOIN_CODE, binding)
    assert wb.session_from_token(fresh) is not None


def test_a_session_is_for_one_workbook(wb: Workbook, tmp_path: Path) -> None:
    other = Workbook.create(tmp_path / "other", title="Other", join_code=wb.config.join_code)
    token = wb.session_token(Identified("Dana", JOIN_CODE))
    assert token is not None and other.session_from_token(token) is None
    assert wb.session_from_token(token.replace("v2.", "v1.")) is None
    assert wb.session_from_token("garbage") is None


def test_a_roster_ends_join_code_sessions_and_a_reset_ends_the_learners(wb: Workbook) -> None:
    open_mode = wb.session_token(Identified("Dana", JOIN_CODE))
    assert open_mode is not None
    issued = wb.roster_add("Dana", actor=ADMIN)
    assert wb.session_from_token(open_mode) is None  # a rostered name + the join code: no
    assert wb.session_token(Identified("Dana", JOIN_CODE)) is None
    assert wb.session_token(Identified("Zed", JOIN_CODE)) is None  # nobody, in roster mode
    rostered = wb.session_token(Identified(issued.learner.name, PERSONAL_CODE))
    assert rostered is not None and wb.session_from_token(rostered) is not None
    wb.roster_reset_code("Dana", actor=ADMIN)
    assert wb.session_from_token(rostered) is None
    assert wb.session_token(Identified("Someone else", PERSONAL_CODE)) is None


def test_the_secret_is_private_and_made_on_first_open(wb: Workbook, tmp_path: Path) -> None:
    path = wb.path / SECRET_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    path.unlink()  # a workbook made before sessions had a secret
    Workbook.open(wb.path)
    assert path.exists() and stat.S_IMODE(path.stat().st_mode) == 0o600
    secret = read_secret(wb.path)
    out = tmp_path / "export.json"
    export_to(wb, "json", out)
    text = out.read_text()
    for key in (secret.session_key, secret.code_key):
        assert b64(key) not in text and key.hex() not in text
    assert SECRET_FILE not in (wb.path / "workbook.yaml").read_text()


def _make_secret(root: str) -> str:
    ensure_secret(Path(root))
    return (Path(root) / SECRET_FILE).read_text()


def test_first_open_is_race_safe_across_processes(tmp_path: Path) -> None:
    roots = [str(tmp_path)] * 8
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        seen = set(pool.map(_make_secret, roots))
    assert len(seen) == 1 and seen == {(tmp_path / SECRET_FILE).read_text()}
    assert not list(tmp_path.glob("*.tmp"))
