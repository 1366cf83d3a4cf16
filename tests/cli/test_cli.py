"""The `appraise` command: every command's behaviour, its help, and one-line errors."""

from __future__ import annotations

import io
import json
import math
import os
import re
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml
from click.testing import CliRunner, Result

from reviews import Workbook
from reviews.cli import cli, main
from reviews.domain.model import Resource

AF_URL = "https://en.wikipedia.org/wiki/Atrial_fibrillation"
VIDEO_URL = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
HF_URL = "https://example.org/heart-failure"
HF_TITLE = 'Heart failure, explained "simply"'


# -- helpers ---------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def no_workbook_in_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests choose the workbook themselves; a developer's APPRAISE_WORKBOOK must not leak in."""
    monkeypatch.delenv("APPRAISE_WORKBOOK", raising=False)


def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
    """Run the click group in-process; exceptions propagate so that a failure shows them."""
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def run_main(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run the real entry point ``reviews.cli.main``: (exit status, stdout, stderr)."""
    with pytest.raises(SystemExit) as caught:
        main(list(args))
    out, err = capsys.readouterr()
    code = caught.value.code
    return (code if isinstance(code, int) else 1), out, err


def assert_one_line_error(code: int, err: str, *fragments: str) -> str:
    """A user's mistake: non-zero exit, exactly one line on stderr starting 'Error:'."""
    assert code != 0
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("Error: "), err
    for fragment in fragments:
        assert fragment in lines[0]
    return lines[0]


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


@pytest.fixture
def filled(wb: Workbook) -> dict[str, Resource]:
    """A reviewed resource (two learners) and one nobody has reviewed yet."""
    reviewed = wb.add_resource(AF_URL, "Atrial fibrillation", added_by="tutor-1")
    unreviewed = wb.add_resource(HF_URL, HF_TITLE, added_by="tutor-1")
    wb.submit_review(reviewed.id, "learner-1", {"overall": 4})
    wb.submit_review(reviewed.id, "learner-2", {"overall": 3})
    return {"reviewed": reviewed, "unreviewed": unreviewed}


# -- help ------------------------------------------------------------------------------------

COMMANDS = [
    [],
    ["init"],
    ["import"],
    ["import", "resources"],
    ["import", "reviews"],
    ["summary"],
    ["check"],
    ["serve"],
    ["demo"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "appraise")
def test_every_command_has_help_with_an_example(command: list[str]) -> None:
    result = invoke(*command, "--help")

    assert result.exit_code == 0
    assert "Usage: " in result.stdout
    assert "Example" in result.stdout
    assert "appraise " in result.stdout.split("Example", 1)[1]


def test_help_through_the_entry_point_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_main(capsys, "import", "reviews", "-h")

    assert (code, err) == (0, "")
    assert "--add-missing" in out
    assert "Example" in out


def test_version_is_printed() -> None:
    result = invoke("--version")

    assert result.exit_code == 0
    assert re.search(r"\d+\.\d+\.\d+", result.stdout)


# -- init ------------------------------------------------------------------------------------


def test_init_creates_workbook_yaml_and_prints_the_join_code(tmp_path: Path) -> None:
    folder = tmp_path / "cardio"

    result = invoke(
        "init", str(folder), "--title", "Cardiology block", "--rubric", "air",
        "--tutor", "dr-lee", "--tutor", "dr-okafor",
    )  # fmt: skip

    assert result.exit_code == 0
    config = yaml.safe_load((folder / "workbook.yaml").read_text(encoding="utf-8"))
    assert config["title"] == "Cardiology block"
    assert config["default_rubric"] == "air"
    assert config["tutors"] == ["dr-lee", "dr-okafor"]
    assert f"Join code for learners: {config['join_code']}" in result.stdout
    assert Workbook.open(folder).config.join_code == config["join_code"]


def test_init_defaults_to_the_star_rubric_and_no_tutors(tmp_path: Path) -> None:
    invoke("init", str(tmp_path / "wb"))

    config = Workbook.open(tmp_path / "wb").config
    assert (config.default_rubric, config.tutors, config.storage) == ("stars", [], "tinydb")


def test_init_can_choose_the_sqlite_backend(tmp_path: Path) -> None:
    invoke("init", str(tmp_path / "wb"), "--storage", "sqlite")

    assert Workbook.open(tmp_path / "wb").store.name == "sqlite"


def test_init_twice_is_a_one_line_error_and_keeps_the_first_workbook(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "wb"
    invoke("init", str(folder), "--title", "First")
    before = (folder / "workbook.yaml").read_bytes()

    code, _, err = run_main(capsys, "init", str(folder), "--title", "Second")

    assert_one_line_error(code, err, "already a workbook")
    assert (folder / "workbook.yaml").read_bytes() == before


def test_init_with_an_unknown_rubric_is_a_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run_main(capsys, "init", str(tmp_path / "wb"), "--rubric", "likert")

    assert_one_line_error(code, err, "unknown rubric 'likert'", "stars")
    assert not (tmp_path / "wb" / "workbook.yaml").exists()


# -- user mistakes through the real entry point ----------------------------------------------


def test_missing_workbook_directory_is_a_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_main(capsys, "summary", "--workbook", str(tmp_path / "nowhere"))

    assert_one_line_error(code, err, "not an Appraise workbook", "appraise init")
    assert out == ""


def test_directory_that_is_not_a_workbook_is_a_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "todo.txt").write_text("revise ECGs", encoding="utf-8")

    code, _, err = run_main(capsys, "check", "-w", str(tmp_path / "notes"))

    assert_one_line_error(code, err, "not an Appraise workbook")


def test_damaged_workbook_yaml_is_a_one_line_error(
    wb: Workbook, capsys: pytest.CaptureFixture[str]
) -> None:
    (wb.path / "workbook.yaml").write_text("title: [unclosed\n  storage: ???\n", encoding="utf-8")

    code, _, err = run_main(capsys, "summary", "-w", str(wb.path))

    assert_one_line_error(code, err, "workbook.yaml")


def test_workbook_that_is_a_file_is_a_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path / "wb", "not a folder")

    code, _, err = run_main(capsys, "summary", "-w", str(tmp_path / "wb"))

    assert_one_line_error(code, err, "is a file")


@pytest.mark.parametrize(
    "command",
    [["summary", "--rubric", "likert"], ["import", "reviews", "REVIEWS", "--rubric", "likert"]],
    ids=["summary", "import-reviews"],
)
def test_unknown_rubric_is_a_one_line_error(
    wb: Workbook, tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    reviews = write(tmp_path / "reviews.csv", "resource,reviewer,overall\n")
    args = [str(reviews) if a == "REVIEWS" else a for a in command]

    code, _, err = run_main(capsys, *args, "--workbook", str(wb.path))

    assert_one_line_error(code, err, "unknown rubric 'likert'")


@pytest.mark.parametrize(
    ("content", "encoding", "fragment"),
    [
        (f"url,title\n{AF_URL},Fibrillation auriculaire (résumé)\n", "latin-1", "UTF-8"),
        ("", "utf-8", "empty"),
        ("\ufeff", "utf-8", "empty"),
        (f"link,title\n{AF_URL},AF\n", "utf-8", "url"),
        (f"url,title,stars\n{AF_URL},AF,5\n", "utf-8", "stars"),
        (f'url,title\n{AF_URL},"AF\n', "utf-8", "line 2"),
    ],
    ids=["latin-1", "empty", "bom-only", "missing-column", "unknown-column", "open-quote"],
)
def test_unreadable_csv_is_a_one_line_error(
    wb: Workbook,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    content: str,
    encoding: str,
    fragment: str,
) -> None:
    path = write(tmp_path / "links.csv", content, encoding)

    code, _, err = run_main(capsys, "import", "resources", str(path), "-w", str(wb.path))

    assert_one_line_error(code, err, fragment)
    assert wb.resources() == []


def test_missing_csv_file_is_a_one_line_error(
    wb: Workbook, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run_main(
        capsys, "import", "resources", str(tmp_path / "nope.csv"), "-w", str(wb.path)
    )

    assert_one_line_error(code, err, "nope.csv", "does not exist")


def test_invalid_rows_are_listed_before_one_error_line_and_nothing_is_imported(
    wb: Workbook, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(
        tmp_path / "links.csv",
        f'url,title,description\n{AF_URL},AF,"two\nlines"\nnot a link,Broken,\n'
        f"{VIDEO_URL},,\n{HF_URL},Heart failure,\n",
    )

    code, out, err = run_main(capsys, "import", "resources", str(path), "-w", str(wb.path))

    assert code == 1
    assert "Traceback" not in err
    lines = err.splitlines()
    assert [line.split(":")[0] for line in lines[:-1]] == ["line 4", "line 5"]
    assert lines[-1].startswith("Error: nothing was imported")
    assert "--skip-invalid" in lines[-1]
    assert out == ""
    assert wb.resources() == []


def test_unknown_option_is_a_one_line_error_pointing_to_help(
    wb: Workbook, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run_main(capsys, "summary", "-w", str(wb.path), "--colour")

    line = assert_one_line_error(code, err, "--colour")
    assert code == 2
    assert "appraise summary --help" in line


def test_invalid_choice_is_a_one_line_error(
    wb: Workbook, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run_main(capsys, "summary", "-w", str(wb.path), "--format", "xlsx")

    assert_one_line_error(code, err, "xlsx")
    assert code == 2


def test_unknown_command_is_a_one_line_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_main(capsys, "sumary")

    assert_one_line_error(code, err, "sumary")


def test_missing_argument_is_a_one_line_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_main(capsys, "import", "resources")

    line = assert_one_line_error(code, err, "FILE")
    assert code == 2
    assert "appraise import resources --help" in line


def test_missing_workbook_option_is_a_one_line_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_main(capsys, "summary")

    assert_one_line_error(code, err, "--workbook")


def test_workbook_comes_from_appraise_workbook_when_the_option_is_absent(
    wb: Workbook,
    filled: dict[str, Resource],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("APPRAISE_WORKBOOK", str(wb.path))

    code, out, err = run_main(capsys, "summary", "--format", "json")

    assert (code, err) == (0, "")
    assert {row["id"] for row in json.loads(out)} == {r.id for r in filled.values()}


def test_workbook_option_wins_over_appraise_workbook(
    wb: Workbook, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("APPRAISE_WORKBOOK", str(tmp_path / "nowhere"))
    links = write(tmp_path / "links.csv", f"url,title\n{AF_URL},AF\n")

    result = invoke("import", "resources", str(links), "--workbook", str(wb.path))

    assert result.exit_code == 0
    assert [r.url for r in wb.resources()] == [AF_URL]


def test_appraise_workbook_that_is_not_a_workbook_is_a_one_line_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("APPRAISE_WORKBOOK", str(tmp_path))

    code, _, err = run_main(capsys, "check")

    assert_one_line_error(code, err, "not an Appraise workbook")


def _python_m_appraise(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k != "APPRAISE_WORKBOOK"}
    return subprocess.run(
        [sys.executable, "-m", "reviews.cli", *args],
        cwd=cwd,
        env={**base, **(env or {})},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_real_process_prints_one_error_line_without_a_traceback(tmp_path: Path) -> None:
    latin1 = write(tmp_path / "links.csv", "url,title\nhttps://example.org,Résumé\n", "latin-1")
    Workbook.create(tmp_path / "wb", title="Cardiology block")

    cases = [
        (["summary", "--workbook", "missing-dir"], "not an Appraise workbook"),
        (["import", "resources", str(latin1), "-w", "wb"], "UTF-8"),
        (["check", "-w", "wb", "--verbose"], "--verbose"),
    ]
    for args, fragment in cases:
        done = _python_m_appraise(*args, cwd=tmp_path)
        assert done.returncode != 0, args
        assert_one_line_error(done.returncode, done.stderr, fragment)


def test_real_process_reads_appraise_workbook(tmp_path: Path) -> None:
    wb = Workbook.create(tmp_path / "wb", title="Cardiology block")
    wb.add_resource(AF_URL, "Atrial fibrillation", added_by="tutor-1")

    done = _python_m_appraise(
        "summary", "--format", "csv", cwd=tmp_path, env={"APPRAISE_WORKBOOK": "wb"}
    )

    assert (done.returncode, done.stderr) == (0, "")
    assert pd.read_csv(io.StringIO(done.stdout))["url"].tolist() == [AF_URL]


# -- import ----------------------------------------------------------------------------------


def test_import_resources_reports_new_and_already_catalogued(wb: Workbook, tmp_path: Path) -> None:
    wb.add_resource(AF_URL, "Atrial fibrillation", added_by="tutor-1")
    links = write(
        tmp_path / "links.csv",
        "\ufeffurl,title,kind,topics\n"
        f"http://en.m.wikipedia.org/wiki/Atrial_fibrillation,AF,,cardiology\n"
        f"{VIDEO_URL},AF in 10 minutes,,cardiology;ECG\n"
        f'{HF_URL},"Heart failure, explained ""simply""",article,\n',
    )

    result = invoke("import", "resources", str(links), "-w", str(wb.path), "--actor", "dr-lee")

    assert result.exit_code == 0
    assert result.stdout.strip() == "Imported 2 resources, 1 already catalogued."
    assert result.stderr == ""
    assert {r.title for r in wb.resources()} == {
        "Atrial fibrillation",
        "AF in 10 minutes",
        HF_TITLE,
    }
    assert [(e.action, e.actor) for e in wb.audit_log()] == [("import", "dr-lee")]


def test_import_resources_skip_invalid_reports_the_rest_on_stderr(
    wb: Workbook, tmp_path: Path
) -> None:
    links = write(tmp_path / "links.csv", f"url,title\n{AF_URL},AF\nnot a link,X\n{HF_URL},HF\n")

    result = invoke("import", "resources", str(links), "-w", str(wb.path), "--skip-invalid")

    assert result.exit_code == 0
    assert result.stderr.startswith("line 3: ")
    assert len(result.stderr.splitlines()) == 1
    assert "Imported 2 resources, 1 invalid row(s) skipped." in result.stdout
    assert len(wb.resources()) == 2


def test_default_actor_is_the_login_name(wb: Workbook, tmp_path: Path) -> None:
    links = write(tmp_path / "links.csv", f"url,title\n{AF_URL},AF\n")

    invoke("import", "resources", str(links), "-w", str(wb.path))

    [event] = wb.audit_log()
    assert event.actor.startswith("cli:")
    assert wb.resources()[0].added_by == event.actor


def test_default_actor_works_without_a_login_name(
    wb: Workbook, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_login() -> str:
        raise KeyError("getpwuid(): uid not found: 1000680000")

    monkeypatch.setattr("reviews.cli.options.getpass.getuser", no_login)
    links = write(tmp_path / "links.csv", f"url,title\n{AF_URL},AF\n")

    result = invoke("import", "resources", str(links), "-w", str(wb.path))

    assert result.exit_code == 0
    assert wb.resources()[0].added_by == "cli:unknown"


def test_import_reviews_with_a_rubric_and_add_missing(
    wb: Workbook, filled: dict[str, Resource], tmp_path: Path
) -> None:
    ratings = write(
        tmp_path / "ratings.csv",
        "resource,reviewer,recency,accuracy,utility,ebm,referenced,comment\n"
        f"{AF_URL},learner-1,7,6,6,5,4,Good overview\n"
        f"{filled['unreviewed'].id},learner-1,3,4,4,2,1,\n"
        "https://example.org/new,learner-2,5,5,5,5,5,\n",
    )

    result = invoke(
        "import", "reviews", str(ratings), "-w", str(wb.path), "--rubric", "air", "--add-missing"
    )

    assert result.exit_code == 0
    assert "Imported 3 reviews." in result.stdout
    assert "Catalogued 1 new resources" in result.stdout
    air = [r for r in wb.reviews() if r.rubric == "air"]
    assert len(air) == 3
    assert len(wb.resources()) == 3


def test_import_reviews_uses_the_workbook_rubric_by_default(tmp_path: Path) -> None:
    invoke("init", str(tmp_path / "wb"), "--rubric", "gqs")
    wb = Workbook.open(tmp_path / "wb")
    wb.add_resource(AF_URL, "AF", added_by="tutor-1")
    ratings = write(tmp_path / "ratings.csv", f"resource,reviewer,gqs\n{AF_URL},learner-1,4\n")

    result = invoke("import", "reviews", str(ratings), "-w", str(wb.path))

    assert result.exit_code == 0
    assert [(r.rubric, r.scores) for r in wb.reviews()] == [("gqs", {"gqs": 4})]


def test_import_reviews_of_unknown_resources_fails_without_add_missing(
    wb: Workbook, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ratings = write(tmp_path / "ratings.csv", f"resource,reviewer,overall\n{AF_URL},learner-1,4\n")

    code, _, err = run_main(capsys, "import", "reviews", str(ratings), "-w", str(wb.path))

    assert code == 1
    first, last = err.splitlines()
    assert first.startswith("line 2: ")
    assert "--add-missing" in first
    assert last.startswith("Error: nothing was imported")
    assert wb.reviews() == [] and wb.resources() == []


# -- summary ---------------------------------------------------------------------------------


def test_summary_csv_parses_with_pandas(wb: Workbook, filled: dict[str, Resource]) -> None:
    result = invoke("summary", "-w", str(wb.path), "--format", "csv")

    assert result.exit_code == 0
    frame = pd.read_csv(io.StringIO(result.stdout)).set_index("id")
    assert {"url", "title", "kind", "n_reviews", "score"} <= set(frame.columns)
    assert list(pd.read_csv(io.StringIO(result.stdout)).columns[:4]) == [
        "id",
        "url",
        "title",
        "kind",
    ]
    reviewed, unreviewed = frame.loc[filled["reviewed"].id], frame.loc[filled["unreviewed"].id]
    assert (reviewed["url"], reviewed["kind"], reviewed["n_reviews"]) == (AF_URL, "wiki", 2)
    assert reviewed["score"] == pytest.approx(3.5)
    assert unreviewed["title"] == HF_TITLE
    assert unreviewed["n_reviews"] == 0
    assert math.isnan(unreviewed["score"])


def test_summary_json_is_a_list_of_records_with_null_scores(
    wb: Workbook, filled: dict[str, Resource]
) -> None:
    def no_nan(token: str) -> Any:
        raise AssertionError(f"{token} is not JSON")

    result = invoke("summary", "-w", str(wb.path), "--format", "json")

    assert result.exit_code == 0
    rows = json.loads(result.stdout, parse_constant=no_nan)
    assert isinstance(rows, list)
    assert all(isinstance(row, dict) for row in rows)
    by_id = {row["id"]: row for row in rows}
    assert set(by_id) == {r.id for r in filled.values()}
    for row in rows:
        assert {"id", "url", "title", "kind", "n_reviews", "score"} <= set(row)
    assert by_id[filled["unreviewed"].id]["score"] is None
    assert by_id[filled["unreviewed"].id]["n_reviews"] == 0
    assert by_id[filled["unreviewed"].id]["title"] == HF_TITLE
    assert by_id[filled["reviewed"].id]["score"] == pytest.approx(3.5)
    assert by_id[filled["reviewed"].id]["n_reviews"] == 2


def test_summary_table_shows_a_dash_for_missing_scores(
    wb: Workbook, filled: dict[str, Resource]
) -> None:
    result = invoke("summary", "-w", str(wb.path))

    assert result.exit_code == 0
    assert not re.search(r"\bnan\b", result.stdout, re.IGNORECASE)
    lines = {line.split()[0]: line for line in result.stdout.splitlines()[1:]}
    assert re.search(r"\s-\s", lines[filled["unreviewed"].id])
    assert "3.50" in lines[filled["reviewed"].id]


def test_summary_of_an_empty_workbook_says_how_to_add_resources(wb: Workbook) -> None:
    table = invoke("summary", "-w", str(wb.path))
    records = invoke("summary", "-w", str(wb.path), "--format", "json")

    assert "appraise import resources" in table.stdout
    assert json.loads(records.stdout) == []


def test_summary_for_another_rubric(wb: Workbook, filled: dict[str, Resource]) -> None:
    scores = {"recency": 7, "accuracy": 7, "utility": 6, "ebm": 5, "referenced": 5}
    wb.submit_review(filled["unreviewed"].id, "learner-3", scores, rubric="air")

    result = invoke("summary", "-w", str(wb.path), "--format", "json", "--rubric", "air")

    by_id = {row["id"]: row for row in json.loads(result.stdout)}
    assert by_id[filled["unreviewed"].id]["score"] == 30
    assert by_id[filled["reviewed"].id]["score"] is None


# -- check -----------------------------------------------------------------------------------


def test_check_passes_a_good_workbook(wb: Workbook, filled: dict[str, Resource]) -> None:
    result = invoke("check", "-w", str(wb.path))

    assert result.exit_code == 0
    assert result.stdout.startswith("OK: ")
    assert "2 resources" in result.stdout
    assert "2 reviews" in result.stdout
    assert result.stderr == ""


def corrupt_learner_shard(wb: Workbook, learner: str) -> tuple[str, Callable[[], bytes]]:
    """Damage ``learner``'s stored reviews; (path expected in reports, read the damage back)."""
    if wb.store.name == "tinydb":
        path = wb.store.path_for(learner)  # type: ignore[attr-defined]
        assert path.parent.name == "contributions" and path.exists()
        path.write_bytes(b"{not json")
        return str(path), path.read_bytes
    import sqlalchemy as sa  # the SQL backends (sqlite, postgresql): one row of the table

    [review] = [r for r in wb.reviews() if r.reviewer == learner]
    engine = wb.store.engine  # type: ignore[attr-defined]
    row = "kind = 'reviews' AND id = :id"
    # jsonb (PostgreSQL) holds only JSON: damage it there with JSON that is not a document
    damage = "'{not json'" if wb.store.name == "sqlite" else "'\"not a document\"'"
    with engine.begin() as conn:
        conn.execute(sa.text(f"UPDATE documents SET doc = {damage} WHERE {row}"), {"id": review.id})

    def stored() -> bytes:
        with engine.connect() as conn:
            doc = conn.execute(sa.text(f"SELECT doc FROM documents WHERE {row}"), {"id": review.id})
            return str(doc.scalar_one()).encode()

    return next(wb.store.shard_names()), stored


def test_check_reports_a_damaged_shard_and_leaves_it_untouched(
    wb: Workbook, filled: dict[str, Resource]
) -> None:
    where, stored = corrupt_learner_shard(wb, "learner-2")
    damaged = stored()

    result = invoke("check", "-w", str(wb.path))

    assert result.exit_code == 1
    assert where in result.stderr
    assert "problem(s) found" in result.stderr
    assert "Traceback" not in result.stderr
    assert stored() == damaged
    reopened = Workbook.open(wb.path)
    assert [r.reviewer for r in reopened.reviews()] == ["learner-1"]
    assert {r.id for r in reopened.resources()} == {r.id for r in filled.values()}
    summary = invoke("summary", "-w", str(wb.path), "--format", "json")
    assert summary.exit_code == 0
    assert stored() == damaged


def test_import_into_a_damaged_shard_is_a_one_line_error_and_imports_nothing(
    wb: Workbook,
    filled: dict[str, Resource],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, stored = corrupt_learner_shard(wb, "learner-2")
    damaged = stored()
    ratings = write(
        tmp_path / "ratings.csv",
        f"resource,reviewer,overall\n{HF_URL},learner-3,4\n{HF_URL},learner-2,2\n",
    )

    code, _, err = run_main(capsys, "import", "reviews", str(ratings), "-w", str(wb.path))

    assert_one_line_error(code, err, "damaged", "appraise check")
    assert stored() == damaged
    assert [r.reviewer for r in wb.reviews()] == ["learner-1"]


def hand_edit_review(wb: Workbook, review_id: str, edit: Callable[[dict[str, Any]], None]) -> str:
    """Change a stored review as someone with a text editor would; return where it is."""
    if wb.store.name == "tinydb":
        for path in sorted((wb.path / "contributions").glob("*.json")):
            data = json.loads(path.read_text(encoding="utf-8"))
            for doc in data.get("reviews", {}).values():
                if doc["id"] == review_id:
                    edit(doc)
                    path.write_text(json.dumps(data), encoding="utf-8")
                    return str(path)
        raise AssertionError(f"review {review_id} not found")
    import sqlalchemy as sa

    kind = "jsonb" if wb.store.name == "postgresql" else "text"
    with wb.store.engine.begin() as conn:  # type: ignore[attr-defined]
        found = conn.execute(
            sa.text("SELECT CAST(doc AS text) FROM documents WHERE id = :id"), {"id": review_id}
        )
        doc = json.loads(found.scalar_one())
        edit(doc)
        conn.execute(
            sa.text(f"UPDATE documents SET doc = CAST(:doc AS {kind}) WHERE id = :id"),
            {"doc": json.dumps(doc), "id": review_id},
        )
    return next(wb.store.shard_names())


@pytest.mark.parametrize(
    ("edit", "fragments"),
    [
        (lambda doc: doc["scores"].update(overall=9), ["overall", "1", "5"]),
        (lambda doc: doc.update(mood="happy"), ["mood", "is not a field we know"]),
        (lambda doc: doc.update(confidence=7), ["confidence"]),
        (lambda doc: doc.update(resource_id="res_gone"), ["resource_id", "res_gone"]),
    ],
    ids=["score-out-of-range", "unknown-field", "confidence", "dangling-resource"],
)
def test_check_reports_a_hand_edited_review_with_its_path_and_field(
    wb: Workbook,
    filled: dict[str, Resource],
    edit: Callable[[dict[str, Any]], None],
    fragments: list[str],
) -> None:
    review = wb.review_of(filled["reviewed"].id, "learner-2")
    assert review is not None
    where = hand_edit_review(wb, review.id, edit)

    result = invoke("check", "-w", str(wb.path))

    assert result.exit_code == 1
    [line] = [line for line in result.stderr.splitlines() if line.startswith(where)]
    for fragment in fragments:
        assert fragment in line
    assert result.stderr.splitlines()[-1].startswith("1 problem(s) found")


def test_check_of_a_missing_workbook_is_a_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run_main(capsys, "check", "-w", str(tmp_path / "nowhere"))

    assert_one_line_error(code, err, "not an Appraise workbook")


def test_check_reports_a_damaged_workbook_yaml(
    wb: Workbook, capsys: pytest.CaptureFixture[str]
) -> None:
    config = wb.path / "workbook.yaml"
    config.write_text("title: [unclosed\n", encoding="utf-8")

    code, _, err = run_main(capsys, "check", "-w", str(wb.path))

    assert code == 1
    assert str(config) in err
    assert "Traceback" not in err
    assert config.read_text(encoding="utf-8") == "title: [unclosed\n"


# -- serve -----------------------------------------------------------------------------------


@pytest.fixture
def busy_port() -> Iterator[int]:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


@pytest.fixture
def no_voila(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Dashboards that exist, and an exec that fails the test instead of starting Voila."""
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    (notebooks / "learner.ipynb").write_text("{}", encoding="utf-8")
    monkeypatch.setenv("APPRAISE_NOTEBOOKS", str(notebooks))

    def refuse(*args: object) -> None:
        raise AssertionError("serve tried to start Voila")

    monkeypatch.setattr("reviews.serving.voila.os.execve", refuse)


@pytest.mark.usefixtures("no_voila")
def test_serve_on_a_busy_port_is_a_one_line_error(
    wb: Workbook, busy_port: int, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_main(capsys, "serve", "-w", str(wb.path), "--port", str(busy_port))

    assert_one_line_error(code, err, str(busy_port), "--port")
    assert out == ""


@pytest.mark.usefixtures("no_voila")
def test_serve_needs_a_workbook(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_main(capsys, "serve", "-w", str(tmp_path / "nowhere"))

    assert_one_line_error(code, err, "not an Appraise workbook")


@pytest.mark.usefixtures("no_voila")
def test_serve_refuses_a_port_out_of_range(
    wb: Workbook, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run_main(capsys, "serve", "-w", str(wb.path), "--port", "70000")

    assert_one_line_error(code, err, "70000")


# -- demo ------------------------------------------------------------------------------------


def test_demo_creates_a_workbook_with_resources_and_reviews(tmp_path: Path) -> None:
    folder = tmp_path / "demo"

    result = invoke("demo", str(folder))

    assert result.exit_code == 0
    wb = Workbook.open(folder)
    assert len(wb.resources()) >= 50
    assert len(wb.reviews()) >= 50
    assert str(len(wb.resources())) in result.stdout
    assert invoke("check", "-w", str(folder)).exit_code == 0

    again = invoke("demo", str(folder))

    assert again.exit_code == 0
    assert "already" in again.stdout
    assert len(Workbook.open(folder).resources()) == len(wb.resources())
