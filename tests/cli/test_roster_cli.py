"""`appraise roster` and `appraise sessions`: codes and slips written once, privately; one-line
errors with line numbers; and `init` giving the workbook its secret."""

from __future__ import annotations

import csv
import stat
from pathlib import Path

import pytest

from reviews import Workbook
from reviews.classroom.sessions import SECRET_FILE, Identified
from tests.cli.test_cli import assert_one_line_error, run_main, write


@pytest.fixture
def book(tmp_path: Path) -> Path:
    Workbook.create(tmp_path / "wb", title="Cardio <b>block</b>", tutors=["dr-lee"])
    return tmp_path / "wb"


def test_init_gives_the_workbook_a_private_secret(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, _ = run_main(capsys, "init", str(tmp_path / "new"), "--tutor", "dr-lee")
    secret = tmp_path / "new" / SECRET_FILE
    assert code == 0 and stat.S_IMODE(secret.stat().st_mode) == 0o600


def test_roster_import_writes_codes_and_escaped_slips_once(
    book: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    roster = write(
        tmp_path / "class.csv",
        "\ufeffname,email,group\nDana Scully,dana@example.org,A\n<img src=x onerror=alert(1)>,,B\n"
        '=HYPERLINK("x"),,C\n',
    )
    codes, slips = tmp_path / "codes.csv", tmp_path / "slips.html"
    args = ["roster", "import", str(roster), "-w", str(book), "--codes-out", str(codes),
            "--slips", str(slips), "--url", "https://appraise.example.org/?a=1&b=2"]  # fmt: skip
    code, out, _ = run_main(capsys, *args)
    assert code == 0 and "3 learners" in out
    rows = list(csv.DictReader(codes.open(encoding="utf-8")))
    assert [r["name"] for r in rows] == ["Dana Scully", "<img src=x onerror=alert(1)>",
                                         "'=HYPERLINK(\"x\")"]  # fmt: skip
    assert stat.S_IMODE(codes.stat().st_mode) == 0o600
    page = slips.read_text()
    assert "<img" not in page and "&lt;img src=x" in page and "Cardio &lt;b&gt;" in page
    assert "https://appraise.example.org/?a=1&amp;b=2" in page
    wb = Workbook.open(book)
    for row in rows:
        learner = wb.learner_with_code(row["code"])
        assert learner is not None and row["code"] in page
    code, _, err = run_main(capsys, *args)  # never overwrites a file of codes
    assert_one_line_error(code, err, "already exists")
    assert len(wb.roster().learners()) == 3


def test_a_bad_roster_file_names_its_lines_and_imports_nothing(
    book: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    roster = write(tmp_path / "class.csv", "name\nDana\ndr-l\u0435\u0435\nDana\n")
    codes = tmp_path / "codes.csv"
    code, _, err = run_main(
        capsys, "roster", "import", str(roster), "-w", str(book), "--codes-out", str(codes)
    )
    lines = err.splitlines()
    assert code == 1 and lines[0].startswith("line 3:") and lines[1].startswith("line 4:")
    assert lines[-1].startswith("Error: nothing imported")
    assert not codes.exists() and not Workbook.open(book).has_roster()


def test_roster_list_add_remove_and_reset_code(
    book: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run_main(capsys, "roster", "list", "-w", str(book))
    assert code == 0 and "open workshop" in out
    code, out, _ = run_main(capsys, "roster", "add", "Dana", "-w", str(book), "--group", "A")
    first = out.split("personal code ")[1].strip()
    code, out, _ = run_main(capsys, "roster", "list", "-w", str(book))
    assert "Dana,,A," in out and first not in out
    code, out, _ = run_main(capsys, "roster", "reset-code", "dana", "-w", str(book))
    second = out.split("new personal code ")[1].strip()
    wb = Workbook.open(book)
    assert wb.learner_with_code(first) is None and wb.learner_with_code(second) is not None
    code, out, _ = run_main(capsys, "roster", "remove", "Dana", "-w", str(book))
    assert code == 0 and Workbook.open(book).roster().learners() == []
    code, _, err = run_main(capsys, "roster", "remove", "Dana", "-w", str(book))
    assert_one_line_error(code, err, "not on the roster")
    actions = [(e.action, e.via) for e in Workbook.open(book).audit_log()]
    assert actions == [("roster", "administrator")] * 3


def test_sessions_rotate_signs_everyone_out(book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    wb = Workbook.open(book)
    token = wb.session_token(Identified("Dana", "join code"))
    assert token is not None and wb.session_from_token(token) is not None
    code, out, _ = run_main(capsys, "sessions", "rotate", "-w", str(book))
    assert code == 0 and "signs in again" in out
    assert Workbook.open(book).session_from_token(token) is None


def test_command_line_actions_are_audited_as_the_administrators(
    book: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    links = write(tmp_path / "links.csv", "url,title\nhttps://example.org/a,A\n")
    code, _, _ = run_main(capsys, "import", "resources", str(links), "-w", str(book))
    assert code == 0
    (event,) = Workbook.open(book).audit_log()
    assert event.action == "import" and event.via == "administrator"
