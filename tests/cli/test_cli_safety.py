"""A careless or hostile command never harms the workbook or whoever opens its output:
formulas in CSV are defused, exports cannot overwrite the workbook or a file by accident,
a damaged catalogue or workbook.yaml is reported, never hidden."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import pytest
import yaml

from reviews import Workbook
from reviews.io.check import check_workbook
from tests.cli.test_cli import assert_one_line_error, invoke, run_main

EVIL = "=cmd|' /C calc'!A0"
STARTS = ["=1+1", "+1+1", "-1+1", "@SUM(A1)", "\tx", "\rx"]


@pytest.fixture
def hostile(wb: Workbook) -> Workbook:
    """A learner whose name and resource title start as spreadsheet formulas."""
    res = wb.add_resource("https://example.org/a", title=EVIL, added_by=EVIL)
    for n, start in enumerate(STARTS):
        wb.add_resource(f"https://example.org/{n}", title=start + " title", added_by="tutor-1")
    wb.submit_review(res.id, EVIL, {"overall": 4})
    wb.submit_review(res.id, "tutor-1", {"overall": 3})
    return wb


def _cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def _assert_defused(text: str) -> None:
    cells = _cells(text)
    assert not [c for c in cells if c.startswith(("=", "+", "@", "\t", "\r"))]
    assert not [c for c in cells if c.startswith("-") and not _number(c)]


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_summary_csv_defuses_formulas(hostile: Workbook) -> None:
    result = invoke("summary", "-w", str(hostile.path), "--format", "csv")
    assert "'" + EVIL in _cells(result.output)
    _assert_defused(result.output)


def test_reviewers_csv_with_names_defuses_formulas(hostile: Workbook) -> None:
    result = invoke("reviewers", "-w", str(hostile.path), "--names", "--actor", "tutor-1",
                    "--format", "csv")  # fmt: skip
    assert "'" + EVIL in _cells(result.output)
    _assert_defused(result.output)


# -- export output paths -----------------------------------------------------------------------


def test_export_refuses_a_file_inside_the_workbook(
    hostile: Workbook, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    catalogue = hostile.path / "catalogue.json"
    before = catalogue.read_bytes() if catalogue.exists() else None
    link = tmp_path / "link"
    link.symlink_to(hostile.path, target_is_directory=True)
    for target in (catalogue, link / "catalogue.json", hostile.path / "new.csv"):
        code, _, err = run_main(capsys, "export", "-w", str(hostile.path), "--format", "csv",
                                "-o", str(target), "--force")  # fmt: skip
        assert_one_line_error(code, err, "inside the workbook")
    assert not (hostile.path / "new.csv").exists()
    if before is not None:
        assert catalogue.read_bytes() == before
    assert check_workbook(hostile.path)[0] == []


def test_export_refuses_to_overwrite_without_force(
    hostile: Workbook, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "notes.csv"
    target.write_text("my notes", encoding="utf-8")
    code, _, err = run_main(capsys, "export", "-w", str(hostile.path), "--format", "csv",
                            "-o", str(target))  # fmt: skip
    assert_one_line_error(code, err, "already exists", "--force")
    assert target.read_text(encoding="utf-8") == "my notes"
    invoke("export", "-w", str(hostile.path), "--format", "csv", "-o", str(target), "--force")
    assert "'" + EVIL in _cells(target.read_text(encoding="utf-8"))


@pytest.mark.parametrize("target", ["", " ", "."])
def test_export_to_an_empty_or_folder_name_is_a_one_line_error(
    hostile: Workbook, capsys: pytest.CaptureFixture[str], tmp_path: Path, target: str
) -> None:
    os.chdir(tmp_path)
    code, _, err = run_main(capsys, "export", "-w", str(hostile.path), "--format", "csv",
                            "-o", target)  # fmt: skip
    assert_one_line_error(code, err, "--output")


# -- damaged catalogue and settings ------------------------------------------------------------


def test_summary_of_a_damaged_catalogue_reports_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wb = Workbook.create(tmp_path / "wb", title="T")  # catalogue.json: the tinydb backend
    wb.add_resource("https://example.org/a", title="A", added_by="tutor-1")
    (wb.path / "catalogue.json").write_text('{"resources": {"1": ', encoding="utf-8")
    code, out, err = run_main(capsys, "summary", "-w", str(wb.path))
    assert code != 0
    assert "No resources yet" not in out
    assert "catalogue.json" in err and "appraise check" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("field", ["join_code", "id"])
def test_a_workbook_yaml_without_its_identity_fails_check_and_open(
    wb: Workbook, capsys: pytest.CaptureFixture[str], field: str
) -> None:
    path = wb.path / "workbook.yaml"
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    del config[field]
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    found, _ = check_workbook(wb.path)
    assert any("workbook.yaml" in p and field in p for p in found)
    code, _, err = run_main(capsys, "summary", "-w", str(wb.path))
    assert_one_line_error(code, err, "workbook.yaml", field)


def test_init_writes_the_values_every_process_must_share(tmp_path: Path) -> None:
    invoke("init", str(tmp_path / "wb"), "--title", "T")
    config = yaml.safe_load((tmp_path / "wb" / "workbook.yaml").read_text(encoding="utf-8"))
    assert config["id"].startswith("wb_") and len(config["join_code"]) >= 4
    assert Workbook.open(tmp_path / "wb").config.join_code == config["join_code"]
