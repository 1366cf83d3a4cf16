"""`appraise assign`: a roster with groups, a due date, a seed; withdrawal; one-line errors."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from reviews import Workbook
from reviews.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as caught:
        main(list(args))
    out, err = capsys.readouterr()
    return int(caught.value.code or 0), out, err


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    wb = Workbook.create(tmp_path / "wb", title="Cardiology block", tutors=["dr-lee"])
    for i in range(6):
        wb.add_resource(f"https://example.org/r{i}", title=f"R{i}", added_by="dr-lee",
                        topics=["ecg"] if i < 4 else ["hf"])  # fmt: skip
    return tmp_path / "wb"


def test_assign_from_a_roster_with_groups_and_a_due_date(
    capsys: pytest.CaptureFixture[str], workbook: Path, tmp_path: Path
) -> None:
    roster = tmp_path / "groups.csv"
    roster.write_text("learner,group\nana,A\nben,A\ncat,B\ndan,B\n", encoding="utf-8")
    code, out, err = run(capsys, "assign", "-w", str(workbook), "--per-learner", "2",
                         "--roster", str(roster), "--topic", "ecg", "--due", "2030-03-01",
                         "--seed", "3", "--actor", "dr-lee")  # fmt: skip
    assert (code, err) == (0, "")
    assert "Assigned 8 reviews to 4 learners" in out and "due 2030-03-01 23:59 UTC" in out
    wb = Workbook.open(workbook)
    made = wb.assignments()
    assert Counter(a.learner for a in made) == {"ana": 2, "ben": 2, "cat": 2, "dan": 2}
    ecg = {r.id for r in wb.resources() if "ecg" in r.topics}
    assert {a.resource_id for a in made} <= ecg
    for group in ("A", "B"):  # each group covers the four ECG resources once
        assert len({a.resource_id for a in made if a.group == group}) == 4
    event = wb.audit_log()[-1]
    assert event.action == "assign" and event.actor == "dr-lee"
    assert "as administrator" in event.reason

    code, out, err = run(capsys, "assign", "-w", str(workbook), "--withdraw", made[0].batch,
                         "--reason", "wrong week")  # fmt: skip
    assert code == 0 and "Withdrew" in out
    assert Workbook.open(workbook).assignments() == []


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        ((), "--per-learner"),
        (("--per-learner", "0"), "at least one"),
        (("--per-learner", "2", "--due", "next friday"), "not a date"),
        (("--per-learner", "2", "--topic", "nephrology"), "no resource has the topic"),
        (("--per-learner", "2"), "nobody to assign"),
        (("--withdraw", "asg_nope", "--reason", "x"), "no current assignments"),
    ],
)
def test_mistakes_are_one_line_and_write_nothing(
    capsys: pytest.CaptureFixture[str], workbook: Path, args: tuple[str, ...], fragment: str
) -> None:
    code, _, err = run(capsys, "assign", "-w", str(workbook), *args)
    assert code != 0 and "Traceback" not in err
    assert len(err.splitlines()) == 1 and fragment in err
    assert Workbook.open(workbook).assignments() == []


def test_a_roster_without_a_learner_column_is_refused(
    capsys: pytest.CaptureFixture[str], workbook: Path, tmp_path: Path
) -> None:
    roster = tmp_path / "r.csv"
    roster.write_text("name\nana\n", encoding="utf-8")
    code, _, err = run(capsys, "assign", "-w", str(workbook), "--per-learner", "1",
                       "--roster", str(roster))  # fmt: skip
    assert code == 1 and "'learner' column" in err
