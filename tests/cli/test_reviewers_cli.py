"""`appraise reviewers`, and `appraise summary` with the quality model's columns."""

from __future__ import annotations

import io
import json
import re
from typing import Any

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner, Result

from reviews import Workbook
from reviews.cli import cli, main


@pytest.fixture(autouse=True)
def no_workbook_in_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("APPRAISE_WORKBOOK", raising=False)


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def no_nan(token: str) -> Any:
    raise AssertionError(f"{token} is not JSON")


@pytest.fixture
def room(wb: Workbook) -> Workbook:
    """Five learners and a lazy account (always 4 stars) rate ten resources; a tutor rates
    one, and flags it."""
    ids = [
        wb.add_resource(f"https://example.org/{i}", f"Page {i}", added_by="tutor-1").id
        for i in range(10)
    ]
    rng = np.random.default_rng(4)
    quality = [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    for j in range(5):
        for i, rid in enumerate(ids):
            stars = int(np.clip(round(quality[i] + rng.normal(0, 0.6)), 1, 5))
            wb.submit_review(rid, f"learner-{j}", {"overall": stars})
    for rid in ids:
        wb.submit_review(rid, "lazy", {"overall": 4})
    wb.submit_review(ids[0], "tutor-1", {"overall": 2}, flags=["confidentiality"])
    wb.add_resource("https://example.org/new", "Nobody read me", added_by="tutor-1")
    return wb


def test_reviewers_help_has_an_example() -> None:
    result = invoke("reviewers", "--help")
    assert result.exit_code == 0
    assert "appraise reviewers" in result.stdout.split("Example", 1)[1]
    assert "--names" in result.stdout and "--actor" in result.stdout


def test_reviewers_table_shows_pseudonyms_and_why(room: Workbook) -> None:
    result = invoke("reviewers", "-w", str(room.path))

    assert result.exit_code == 0
    assert "learner-" not in result.stdout and "Reviewer " in result.stdout
    assert "always gives the same score" in result.stdout
    assert not re.search(r"\bnan\b", result.stdout, re.IGNORECASE)
    assert "Tutor tutor-1" in result.stdout


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_reviewers_csv_and_json_have_every_column(room: Workbook, fmt: str) -> None:
    result = invoke("reviewers", "-w", str(room.path), "--format", fmt)

    assert result.exit_code == 0
    if fmt == "csv":
        frame = pd.read_csv(io.StringIO(result.stdout))
    else:
        frame = pd.DataFrame(json.loads(result.stdout, parse_constant=no_nan))
    assert {"reviewer", "bias", "reliability", "weight", "n_reviews", "why"} <= set(frame)
    assert {"n_with_tutor", "tutor_diff", "down_weighted"} <= set(frame)
    assert len(frame) == 7 and "reviewer_name" not in frame


def test_names_are_shown_to_a_tutor_only(room: Workbook, capsys: pytest.CaptureFixture) -> None:
    named = invoke("reviewers", "-w", str(room.path), "--names", "--actor", "tutor-1",
                   "--format", "json")  # fmt: skip
    rows = json.loads(named.stdout)
    assert {r["reviewer_name"] for r in rows} >= {"lazy", "learner-0"}

    for extra in (["--actor", "learner-0"], []):
        with pytest.raises(SystemExit) as exit_:
            main(["reviewers", "-w", str(room.path), "--names", *extra])
        out, err = capsys.readouterr()
        assert exit_.value.code != 0 and out == ""
        assert len(err.splitlines()) == 1 and err.startswith("Error: ")
        assert "tutor" in err and "learner-0\n" not in err


def test_reviewers_of_an_empty_workbook(wb: Workbook) -> None:
    assert "No reviews yet" in invoke("reviewers", "-w", str(wb.path)).stdout
    assert json.loads(invoke("reviewers", "-w", str(wb.path), "--format", "json").stdout) == []


def test_summary_table_shows_interval_mean_and_attention(room: Workbook) -> None:
    result = invoke("summary", "-w", str(room.path))

    assert result.exit_code == 0
    header, *lines = result.stdout.splitlines()
    assert header.split() == ["id", "kind", "title", "n_reviews", "score", "likely", "mean",
                              "verdict", "!"]  # fmt: skip
    assert not re.search(r"\bnan\b", result.stdout, re.IGNORECASE)
    unreviewed = next(line for line in lines if "Nobody read me" in line)
    assert unreviewed.split()[-4:] == ["-", "-", "-", "unrated"]
    flagged = next(line for line in lines if "Page 0" in line)
    assert flagged.rstrip().endswith("!") and re.search(r"\d\.\d-\d\.\d", flagged)


def test_summary_json_carries_the_model_columns_and_never_nan(room: Workbook) -> None:
    result = invoke("summary", "-w", str(room.path), "--format", "json")

    rows = json.loads(result.stdout, parse_constant=no_nan)
    by_title = {r["title"]: r for r in rows}
    assert by_title["Nobody read me"]["score"] is None
    assert by_title["Nobody read me"]["score_low95"] is None
    page = by_title["Page 0"]
    assert page["needs_attention"] is True and page["attention_reason"] == "1 confidentiality flag"
    assert page["score_low80"] <= page["score"] <= page["score_high80"]
    scores = [r.scores["overall"] for r in room.reviews(page["id"])]
    assert page["mean"] == pytest.approx(np.mean(scores)) and len(scores) == 7
    assert page["url"] == "https://example.org/0"
