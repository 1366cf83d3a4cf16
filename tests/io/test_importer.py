"""CSV import of resources and reviews: columns, line numbers, all or nothing, encodings."""

from __future__ import annotations

import csv
import io
import json
import re
import tempfile
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reviews import NotFound, StorageError, ValidationError, Workbook
from reviews.domain.errors import ImportRowsError
from reviews.domain.model import LIMITS, Resource, Review
from reviews.io.importer import import_resources, import_reviews
from reviews.store import KINDS

AF_URL = "https://en.wikipedia.org/wiki/Atrial_fibrillation"
VIDEO_URL = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
VIDEO_SHORT = "https://youtu.be/dQw4w9WgXcQ?si=abc123"
ARTICLE_URL = "https://www.ahajournals.org/doi/10.1161/CIR.0000000000001193"
AIR_ITEMS = ("recency", "accuracy", "utility", "ebm", "referenced")
JAMA_ITEMS = ("authorship", "attribution", "disclosure", "currency")


# -- helpers ---------------------------------------------------------------------------------


def write_csv(path: Path, rows: Sequence[Sequence[str]], bom: bool = False) -> Path:
    """Write ``rows`` (the header first) as a UTF-8 CSV, as Excel's 'CSV UTF-8' would."""
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerows(rows)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + buffer.getvalue().encode("utf-8"))
    return path


def snapshot(wb: Workbook) -> dict[str, Any]:
    """Every record of the workbook and, for the JSON backend, every data file's bytes."""
    state: dict[str, Any] = {
        kind: sorted(json.dumps(d, sort_keys=True) for d in wb.store.records(kind))
        for kind in KINDS
    }
    if wb.store.name == "tinydb":
        state["files"] = {
            str(p.relative_to(wb.path)): p.read_bytes() for p in sorted(wb.path.rglob("*.json"))
        }
    return state


def problem_lines(exc: ImportRowsError) -> list[int]:
    return [line for line, _ in exc.problems]


def by_url(wb: Workbook) -> dict[str, Resource]:
    return {r.url: r for r in wb.resources()}


@pytest.fixture
def catalogue(wb: Workbook) -> dict[str, Resource]:
    """A video and an article already catalogued (by a tutor)."""
    return {
        "video": wb.add_resource(VIDEO_URL, "Atrial fibrillation explained", "tutor-1"),
        "article": wb.add_resource(ARTICLE_URL, "2023 AF guideline", "tutor-1"),
    }


# -- resources: columns ----------------------------------------------------------------------


def test_resources_import_reads_every_column(wb: Workbook, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "links.csv",
        [
            ["url", "title", "kind", "topics", "creator", "publisher_type", "description"],
            [
                AF_URL,
                "  Atrial fibrillation  ",
                "Wiki",
                "Cardiology; ECG ;;arrhythmia",
                "Wikipedia editors",
                "Unknown",
                "Overview, with ECG examples",
            ],
            [ARTICLE_URL, "2023 AF guideline", "article", "cardiology", "AHA", "journal", ""],
        ],
    )

    report = import_resources(wb, path, added_by="tutor-1")

    assert (report.imported, report.already_there, report.problems) == (2, 0, [])
    wiki = by_url(wb)[AF_URL]
    assert wiki.title == "Atrial fibrillation"
    assert wiki.kind == "wiki"
    assert wiki.topics == ["arrhythmia", "cardiology", "ecg"]
    assert wiki.creator == "Wikipedia editors"
    assert wiki.publisher_type == "unknown"
    assert wiki.description == "Overview, with ECG examples"
    assert wiki.added_by == "tutor-1"
    assert wiki.platform == "wikipedia"
    article = by_url(wb)[ARTICLE_URL.replace("www.", "")]
    assert (article.kind, article.publisher_type, article.topics) == (
        "article",
        "journal",
        ["cardiology"],
    )


def test_blank_kind_is_inferred_from_the_url(wb: Workbook, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "links.csv",
        [
            ["url", "title", "kind"],
            [VIDEO_URL, "A video", ""],
            [AF_URL, "A wiki page", "  "],
            ["https://pubmed.ncbi.nlm.nih.gov/12345678/", "A paper", ""],
            ["https://example.org/podcast/episode-12", "A podcast", ""],
        ],
    )

    import_resources(wb, path, added_by="tutor-1")

    kinds = {r.title: r.kind for r in wb.resources()}
    assert kinds == {
        "A video": "video",
        "A wiki page": "wiki",
        "A paper": "article",
        "A podcast": "podcast",
    }


def test_header_names_ignore_case_and_surrounding_spaces(wb: Workbook, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "links.csv", [[" URL ", "Title"], [AF_URL, "AF"]])

    assert import_resources(wb, path, added_by="tutor-1").imported == 1


def test_utf8_file_with_a_bom_imports_like_one_without(wb: Workbook, tmp_path: Path) -> None:
    rows = [["url", "title"], [AF_URL, "Fibrillation auriculaire — résumé ♥"]]
    path = write_csv(tmp_path / "excel.csv", rows, bom=True)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")

    report = import_resources(wb, path, added_by="tutor-1")

    assert report.imported == 1
    assert by_url(wb)[AF_URL].title == "Fibrillation auriculaire — résumé ♥"


def test_urls_already_catalogued_are_reported_and_not_duplicated(
    wb: Workbook, tmp_path: Path
) -> None:
    existing = wb.add_resource(AF_URL, "Atrial fibrillation", added_by="learner-1")
    path = write_csv(
        tmp_path / "links.csv",
        [
            ["url", "title"],
            ["http://en.m.wikipedia.org/wiki/Atrial_fibrillation/", "AF again, another title"],
            [VIDEO_URL, "A new video"],
        ],
    )

    report = import_resources(wb, path, added_by="tutor-1")

    assert (report.imported, report.already_there, report.problems) == (1, 1, [])
    resources = wb.resources()
    assert len(resources) == 2
    assert by_url(wb)[AF_URL] == existing  # left as it was, title included


def test_importing_the_same_file_twice_adds_nothing_the_second_time(
    wb: Workbook, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "links.csv", [["url", "title"], [AF_URL, "AF"], [VIDEO_URL, "V"]])
    import_resources(wb, path, added_by="tutor-1")

    again = import_resources(wb, path, added_by="tutor-1")

    assert (again.imported, again.already_there) == (0, 2)
    assert len(wb.resources()) == 2


def test_one_url_in_two_forms_is_an_error_naming_the_first_line(
    wb: Workbook, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "links.csv",
        [
            ["url", "title"],
            [AF_URL, "AF"],
            [VIDEO_URL, "The video"],
            [VIDEO_SHORT, "The same video, shared from the app"],
        ],
    )

    with pytest.raises(ImportRowsError) as caught:
        import_resources(wb, path, added_by="tutor-1")

    [(line, reason)] = caught.value.problems
    assert line == 4
    assert "line 3" in reason
    assert wb.resources() == []


# -- resources: all or nothing ---------------------------------------------------------------


def mixed_resources_file(path: Path) -> Path:
    """Good rows with two bad ones (lines 6 and 8), after a description spanning lines 3-4."""
    path.write_text(
        "url,title,description\n"  # line 1
        f"{AF_URL},Atrial fibrillation,\n"  # line 2
        f'{VIDEO_URL},AF in 10 minutes,"A quick overview;\n'  # line 3
        'it continues here, with ""quotes"""\n'  # line 4
        "https://litfl.com/atrial-fibrillation-ecg-library/,LITFL AF,\n"  # line 5
        "litfl dot com/broken,A broken link,\n"  # line 6: not a web link
        f"{ARTICLE_URL},AHA guideline,\n"  # line 7
        "https://example.org/no-title,   ,\n"  # line 8: blank title
        "https://radiopaedia.org/articles/atrial-fibrillation,Radiopaedia AF,\n",  # line 9
        encoding="utf-8",
    )
    return path


def test_invalid_rows_write_nothing_and_report_every_line(wb: Workbook, tmp_path: Path) -> None:
    wb.add_resource("https://example.org/already-there", "Already there", added_by="tutor-1")
    path = mixed_resources_file(tmp_path / "links.csv")
    before = snapshot(wb)

    with pytest.raises(ImportRowsError) as caught:
        import_resources(wb, path, added_by="tutor-1")

    assert problem_lines(caught.value) == [6, 8]
    reasons = dict(caught.value.problems)
    assert "litfl dot com/broken" in reasons[6]
    assert "title" in reasons[8]
    assert "nothing was imported" in str(caught.value)
    assert snapshot(wb) == before


def test_skip_invalid_imports_the_valid_rows_and_reports_the_rest(
    wb: Workbook, tmp_path: Path
) -> None:
    path = mixed_resources_file(tmp_path / "links.csv")

    report = import_resources(wb, path, added_by="tutor-1", skip_invalid=True)

    assert report.imported == 5
    assert [line for line, _ in report.problems] == [6, 8]
    titles = sorted(r.title for r in wb.resources())
    assert titles == [
        "AF in 10 minutes",
        "AHA guideline",
        "Atrial fibrillation",
        "LITFL AF",
        "Radiopaedia AF",
    ]
    video = by_url(wb)["https://youtube.com/watch?v=dQw4w9WgXcQ"]
    assert video.description == 'A quick overview;\nit continues here, with "quotes"'


def test_row_with_too_many_values_is_reported_with_its_line(wb: Workbook, tmp_path: Path) -> None:
    path = tmp_path / "links.csv"
    path.write_text(
        f"url,title\n{AF_URL},AF\n{VIDEO_URL},A video, with an unquoted comma\n",
        encoding="utf-8",
    )

    with pytest.raises(ImportRowsError) as caught:
        import_resources(wb, path, added_by="tutor-1")

    [(line, reason)] = caught.value.problems
    assert line == 3
    assert "3 values" in reason
    assert "2 columns" in reason
    assert wb.resources() == []


def test_blank_lines_are_skipped_but_still_counted(wb: Workbook, tmp_path: Path) -> None:
    path = tmp_path / "links.csv"
    path.write_text(f"url,title\n\n{AF_URL},AF\n,\n\nnot a link,X\n", encoding="utf-8")

    with pytest.raises(ImportRowsError) as caught:
        import_resources(wb, path, added_by="tutor-1")

    assert problem_lines(caught.value) == [6]


# -- resources: files that cannot be read ----------------------------------------------------


def test_latin1_file_is_refused_with_advice_to_save_as_utf8(wb: Workbook, tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes(f"url,title\n{AF_URL},Fibrillation auriculaire (résumé)\n".encode("latin-1"))
    before = snapshot(wb)

    with pytest.raises(ValidationError, match="UTF-8") as caught:
        import_resources(wb, path, added_by="tutor-1")

    assert not isinstance(caught.value, ImportRowsError)
    assert "\n" not in str(caught.value)
    assert snapshot(wb) == before


@pytest.mark.parametrize(
    "content",
    [b"", b"\n\n", b"   \r\n", b"\xef\xbb\xbf", b"\xef\xbb\xbf\r\n"],
    ids=["zero-bytes", "blank-lines", "spaces", "bom-only", "bom-and-newline"],
)
def test_empty_file_is_refused_clearly(wb: Workbook, tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(content)

    with pytest.raises(ValidationError, match="empty"):
        import_resources(wb, path, added_by="tutor-1")


def test_header_only_file_imports_nothing(wb: Workbook, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "links.csv", [["url", "title"]])

    report = import_resources(wb, path, added_by="tutor-1")

    assert (report.imported, report.problems) == (0, [])


def test_missing_file_is_refused(wb: Workbook, tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="does not exist"):
        import_resources(wb, tmp_path / "nowhere.csv", added_by="tutor-1")


def test_header_missing_a_required_column_is_refused(wb: Workbook, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "links.csv", [["url", "description"], [AF_URL, "AF"]])

    with pytest.raises(ValidationError, match=r"lacks the column.*title") as caught:
        import_resources(wb, path, added_by="tutor-1")

    assert not isinstance(caught.value, ImportRowsError)
    assert wb.resources() == []


def test_unknown_column_is_refused_and_named(wb: Workbook, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "links.csv", [["url", "title", "rating"], [AF_URL, "AF", "5"]])

    with pytest.raises(ValidationError, match=r"unknown column.*rating"):
        import_resources(wb, path, added_by="tutor-1")

    assert wb.resources() == []


def test_header_column_without_a_name_is_refused(wb: Workbook, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "links.csv", [["url", "title", ""], [AF_URL, "AF", ""]])

    with pytest.raises(ValidationError, match=r"column\(s\) 3 of the header line have no name"):
        import_resources(wb, path, added_by="tutor-1")

    assert wb.resources() == []


def test_header_column_given_twice_is_refused(wb: Workbook, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "links.csv", [["url", "title", "Title"], [AF_URL, "AF", "Other"]])

    with pytest.raises(ValidationError, match="title more than once"):
        import_resources(wb, path, added_by="tutor-1")

    assert wb.resources() == []


def test_unterminated_quote_is_refused_with_a_line_number(wb: Workbook, tmp_path: Path) -> None:
    path = tmp_path / "links.csv"
    path.write_text(f'url,title\n{AF_URL},AF\n{VIDEO_URL},"no closing quote\n', encoding="utf-8")

    with pytest.raises(ValidationError, match=r"line \d"):
        import_resources(wb, path, added_by="tutor-1")

    assert wb.resources() == []


# -- resources: CSV round trip (property) ----------------------------------------------------

# Any printable text: unicode, commas, quotes, tabs and line breaks (the model refuses other
# control characters, so they are left out here).
_TEXT_CHARS = st.characters(
    codec="utf-8",
    exclude_categories=("Cc", "Cs"),
    include_characters=',"\n\r\t ',
)
_PADDING = st.sampled_from(["", " ", "  ", "\t", " \n"])
_TITLES = st.builds(
    lambda before, core, after: before + core + after,
    _PADDING,
    st.text(_TEXT_CHARS, min_size=1, max_size=40).filter(lambda t: t.strip()),
    _PADDING,
)
_DESCRIPTIONS = st.text(_TEXT_CHARS, max_size=60)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(_TITLES, _DESCRIPTIONS), min_size=1, max_size=6))
def test_titles_and_descriptions_round_trip_through_csv(rows: list[tuple[str, str]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        wb = Workbook.create(Path(tmp) / "wb", title="Round trip")
        urls = [f"https://example.org/resource/{i}" for i in range(len(rows))]
        path = write_csv(
            Path(tmp) / "links.csv",
            [["url", "title", "description"]]
            + [[url, title, text] for url, (title, text) in zip(urls, rows, strict=True)],
        )

        report = import_resources(wb, path, added_by="tutor-1")

        assert report.imported == len(rows)
        stored = by_url(wb)
        for url, (title, text) in zip(urls, rows, strict=True):
            assert stored[url].title == title.strip()
            assert stored[url].description == text.strip()


def _physical_line(text: str) -> int:
    """The 1-based line at the end of ``text``, counting \\r\\n, \\r and \\n as line breaks."""
    return len(re.findall(r"\r\n|\r|\n", text)) + 1


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_TITLES, min_size=1, max_size=6), st.data())
def test_reported_line_is_the_physical_line_of_the_bad_row(
    titles: list[str], data: st.DataObject
) -> None:
    bad = data.draw(st.integers(0, len(titles)), label="bad row index")
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(["url", "title"])
    expected = 0
    for i in range(len(titles) + 1):
        if i == bad:
            expected = _physical_line(buffer.getvalue())
            writer.writerow(["not a link", "Broken"])
        if i < len(titles):
            writer.writerow([f"https://example.org/r/{i}", titles[i]])
    with tempfile.TemporaryDirectory() as tmp:
        wb = Workbook.create(Path(tmp) / "wb", title="Line numbers")
        path = Path(tmp) / "links.csv"
        path.write_bytes(buffer.getvalue().encode("utf-8"))

        with pytest.raises(ImportRowsError) as caught:
            import_resources(wb, path, added_by="tutor-1")

        assert problem_lines(caught.value) == [expected]
        assert wb.resources() == []


# -- reviews ---------------------------------------------------------------------------------


def reviews_of(wb: Workbook, reviewer: str) -> list[Review]:
    return [r for r in wb.reviews() if r.reviewer == reviewer]


def test_reviews_find_resources_by_any_url_form_and_by_id(
    wb: Workbook, tmp_path: Path, catalogue: dict[str, Resource]
) -> None:
    video, article = catalogue["video"], catalogue["article"]
    path = write_csv(
        tmp_path / "ratings.csv",
        [
            ["resource", "reviewer", "overall"],
            [VIDEO_SHORT, "learner-1", "4"],
            ["https://m.youtube.com/watch?v=dQw4w9WgXcQ&feature=share", "learner-2", "5"],
            [article.id, "learner-1", "3"],
            [ARTICLE_URL.replace("https://www.", "http://") + "/", "learner-2", "2"],
        ],
    )

    report = import_reviews(wb, path, rubric="stars", actor="tutor-1")

    assert (report.imported, report.problems, report.added_resources) == (4, [], 0)
    scores = {(r.reviewer, r.resource_id): r.scores["overall"] for r in wb.reviews()}
    assert scores == {
        ("learner-1", video.id): 4,
        ("learner-2", video.id): 5,
        ("learner-1", article.id): 3,
        ("learner-2", article.id): 2,
    }
    assert {r.rubric for r in wb.reviews()} == {"stars"}
    assert len(wb.resources()) == 2


@pytest.mark.parametrize(
    ("rubric", "items", "values"),
    [
        ("air", AIR_ITEMS, ("7", "6", "5", "4", "1")),
        ("jama", JAMA_ITEMS, ("1", "0", "1", "0")),
        ("gqs", ("gqs",), ("5",)),
    ],
)
def test_item_columns_become_the_rubric_scores(
    wb: Workbook,
    tmp_path: Path,
    catalogue: dict[str, Resource],
    rubric: str,
    items: tuple[str, ...],
    values: tuple[str, ...],
) -> None:
    path = write_csv(
        tmp_path / "ratings.csv",
        [
            ["reviewer", *reversed(items), "resource", "comment"],
            ["learner-1", *reversed(values), VIDEO_URL, "Clear, but no references."],
        ],
    )

    import_reviews(wb, path, rubric=rubric, actor="tutor-1")

    [review] = wb.reviews()
    assert review.rubric == rubric
    assert review.scores == {item: int(v) for item, v in zip(items, values, strict=True)}
    assert review.comment == "Clear, but no references."
    assert review.resource_id == catalogue["video"].id


def test_blank_item_is_an_error_naming_the_item(
    wb: Workbook, tmp_path: Path, catalogue: dict[str, Resource]
) -> None:
    path = write_csv(
        tmp_path / "ratings.csv",
        [
            ["resource", "reviewer", *AIR_ITEMS],
            [VIDEO_URL, "learner-1", "7", "6", "5", "4", "3"],
            [VIDEO_URL, "learner-2", "7", "6", "5", " ", "3"],
        ],
    )

    with pytest.raises(ImportRowsError) as caught:
        import_reviews(wb, path, rubric="air", actor="tutor-1")

    [(line, reason)] = caught.value.problems
    assert line == 3
    assert "ebm" in reason
    assert wb.reviews() == []


@pytest.mark.parametrize(
    ("rubric", "header", "bad_row", "item"),
    [
        ("stars", ["overall"], ["6"], "overall"),
        ("stars", ["overall"], ["0"], "overall"),
        ("air", list(AIR_ITEMS), ["7", "8", "5", "4", "3"], "accuracy"),
        ("jama", list(JAMA_ITEMS), ["1", "1", "2", "0"], "disclosure"),
        ("gqs", ["gqs"], ["-1"], "gqs"),
    ],
)
def test_score_out_of_range_is_reported_with_its_line(
    wb: Workbook,
    tmp_path: Path,
    catalogue: dict[str, Resource],
    rubric: str,
    header: list[str],
    bad_row: list[str],
    item: str,
) -> None:
    good_row = ["1"] * len(header)
    path = write_csv(
        tmp_path / "ratings.csv",
        [
            ["resource", "reviewer", *header],
            [VIDEO_URL, "learner-1", *good_row],
            [ARTICLE_URL, "learner-1", *good_row],
            [ARTICLE_URL, "learner-2", *bad_row],
        ],
    )

    with pytest.raises(ImportRowsError) as caught:
        import_reviews(wb, path, rubric=rubric, actor="tutor-1")

    [(line, reason)] = caught.value.problems
    assert line == 4
    assert item in reason
    assert wb.reviews() == []


@pytest.mark.parametrize("value", ["4.5", "four", "4 stars"])
def test_score_that_is_not_a_whole_number_is_refused(
    wb: Workbook, tmp_path: Path, catalogue: dict[str, Resource], value: str
) -> None:
    path = write_csv(
        tmp_path / "ratings.csv", [["resource", "reviewer", "overall"], [VIDEO_URL, "a", value]]
    )

    with pytest.raises(ImportRowsError) as caught:
        import_reviews(wb, path, rubric="stars", actor="tutor-1")

    [(line, reason)] = caught.value.problems
    assert line == 2
    assert "overall" in reason
    assert "whole number" in reason


def test_whole_number_written_as_a_decimal_is_accepted(
    wb: Workbook, tmp_path: Path, catalogue: dict[str, Resource]
) -> None:
    path = write_csv(
        tmp_path / "ratings.csv", [["resource", "reviewer", "overall"], [VIDEO_URL, "a", "4.0"]]
    )

    import_reviews(wb, path, rubric="stars", actor="tutor-1")

    assert wb.reviews()[0].scores == {"overall": 4}


def test_confidence_is_imported_and_checked(
    wb: Workbook, tmp_path: Path, catalogue: dict[str, Resource]
) -> None:
    rows = [
        ["resource", "reviewer", "overall", "confidence"],
        [VIDEO_URL, "learner-1", "4", "3"],
        [VIDEO_URL, "learner-2", "4", ""],
        [VIDEO_URL, "learner-3", "4", "4"],
        [VIDEO_URL, "learner-4", "4", "sure"],
    ]
    path = write_csv(tmp_path / "ratings.csv", rows)

    with pytest.raises(ImportRowsError) as caught:
        import_reviews(wb, path, rubric="stars", actor="tutor-1")
    assert problem_lines(caught.value) == [4, 5]
    assert all("confidence" in reason for _, reason in caught.value.problems)

    write_csv(path, rows[:3])
    import_reviews(wb, path, rubric="stars", actor="tutor-1")
    confidence = {r.reviewer: r.confidence for r in wb.reviews()}
    assert confidence == {"learner-1": 3, "learner-2": None}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-01T09:30:00Z", datetime(2026, 3, 1, 9, 30, tzinfo=UTC)),
        ("2026-03-01T09:30:00+02:00", datetime(2026, 3, 1, 7, 30, tzinfo=UTC)),
        ("2026-03-01T09:30:00-05:00", datetime(2026, 3, 1, 14, 30, tzinfo=UTC)),
        ("2026-03-01 09:30:00", datetime(2026, 3, 1, 9, 30, tzinfo=UTC)),  # naive = UTC
        ("2026-03-01", datetime(2026, 3, 1, tzinfo=UTC)),
    ],
    ids=["z", "plus-offset", "minus-offset", "naive", "date-only"],
)
def test_created_at_is_stored_as_utc(
    wb: Workbook,
    tmp_path: Path,
    catalogue: dict[str, Resource],
    text: str,
    expected: datetime,
) -> None:
    path = write_csv(
        tmp_path / "ratings.csv",
        [["resource", "reviewer", "overall", "created_at"], [VIDEO_URL, "learner-1", "4", text]],
    )

    import_reviews(wb, path, rubric="stars", actor="tutor-1")

    [review] = wb.reviews()
    assert review.created_at == expected
    assert review.created_at.utcoffset() is not None
    assert review.created_at.utcoffset().total_seconds() == 0
    assert review.updated_at == expected


def test_created_at_that_is_not_a_date_is_reported(
    wb: Workbook, tmp_path: Path, catalogue: dict[str, Resource]
) -> None:
    path = write_csv(
        tmp_path / "ratings.csv",
        [
            ["resource", "reviewer", "overall", "created_at"],
            [VIDEO_URL, "learner-1", "4", "yesterday"],
        ],
    )

    with pytest.raises(ImportRowsError) as caught:
        import_reviews(wb, path, rubric="stars", actor="tutor-1")

    [(line, reason)] = caught.value.problems
    assert line == 2
    assert "created_at" in reason


def test_blank_created_at_means_now(
    wb: Workbook, tmp_path: Path, catalogue: dict[str, Resource]
) -> None:
    path = write_csv(
        tmp_path / "ratings.csv",
        [["resource", "reviewer", "overall", "created_at"], [VIDEO_URL, "learner-1", "4", ""]],
    )
    start = datetime.now(UTC)

    import_reviews(wb, path, rubric="stars", actor="tutor-1")

    assert start <= wb.reviews()[0].created_at <= datetime.now(UTC)


def test_unknown_resource_is_an_error_without_add_missing(
    wb: Workbook, tmp_path: Path, catalogue: dict[str, Resource]
) -> None:
    path = write_csv(
        tmp_path / "ratings.csv",
        [
            ["resource", "reviewer", "overall"],
            [VIDEO_URL, "learner-1", "4"],
            ["https://example.org/not-catalogued", "learner-1", "4"],
            ["res_0000000000000000", "learner-2", "4"],
        ],
    )
    before = snapshot(wb)

    with pytest.raises(ImportRowsError) as caught:
        import_reviews(wb, path, rubric="stars", actor="tutor-1")

    assert problem_lines(caught.value) == [3, 4]
    assert "not in the catalogue" in caught.value.problems[0][1]
    assert "--add-missing" in caught.value.problems[0][1]
    assert snapshot(wb) == before


def test_add_missing_catalogues_each_unknown_resource_once(
    wb: Workbook, tmp_path: Path, catalogue: dict[str, Resource]
) -> None:
    path = write_csv(
        tmp_path / "ratings.csv",
        [
            ["resource", "reviewer", "overall"],
            ["https://example.org/new-page", "learner-1", "4"],
            ["http://www.example.org/new-page/", "learner-2", "2"],
            [VIDEO_URL, "learner-2", "5"],
        ],
    )

    report = import_reviews(wb, path, rubric="stars", actor="tutor-1", add_missing=True)

    assert (report.imported, report.added_resources) == (3, 1)
    new = by_url(wb)["https://example.org/new-page"]
    assert new.title == "https://example.org/new-page"
    assert new.added_by == "tutor-1"
    assert len(wb.resources()) == 3
    assert sorted(r.reviewer for r in wb.reviews(resource_id=new.id)) == [
        "learner-1",
        "learner-2",
    ]


def test_add_missing_titles_a_long_url_within_the_title_limit(wb: Workbook, tmp_path: Path) -> None:
    long_url = "https://example.org/" + "a" * 400
    path = write_csv(
        tmp_path / "ratings.csv",
        [["resource", "reviewer", "overall"], [long_url, "learner-1", "4"]],
    )

    report = import_reviews(wb, path, rubric="stars", actor="tutor-1", add_missing=True)

    assert (report.imported, report.added_resources) == (1, 1)
    [resource] = wb.resources()
    assert resource.url == long_url
    assert len(resource.title) == LIMITS["title"]
    assert resource.title.startswith("https://example.org/aaa")


def test_add_missing_leaves_out_resources_only_named_by_skipped_rows(
    wb: Workbook, tmp_path: Path, catalogue: dict[str, Resource]
) -> None:
    path = write_csv(
        tmp_path / "ratings.csv",
        [
            ["resource", "reviewer", "overall"],
            ["https://example.org/kept", "learner-1", "4"],
            ["https://example.org/bad-row", "learner-1", "9"],
        ],
    )

    report = import_reviews(
        wb, path, rubric="stars", actor="tutor-1", add_missing=True, skip_invalid=True
    )

    assert (report.imported, report.added_resources) == (1, 1)
    assert [line for line, _ in report.problems] == [3]
    assert "https://example.org/bad-row" not in by_url(wb)


def test_same_reviewer_twice_for_one_resource_is_an_error(
    wb: Workbook, tmp_path: Path, catalogue: dict[str, Resource]
) -> None:
    path = write_csv(
        tmp_path / "ratings.csv",
        [
            ["resource", "reviewer", "overall"],
            [VIDEO_URL, "learner-1", "4"],
            [ARTICLE_URL, "learner-1", "4"],
            [VIDEO_SHORT, " learner-1 ", "2"],
        ],
    )

    with pytest.raises(ImportRowsError) as caught:
        import_reviews(wb, path, rubric="stars", actor="tutor-1")

    [(line, reason)] = caught.value.problems
    assert line == 4
    assert "line 2" in reason
    assert wb.reviews() == []


def test_invalid_review_rows_write_nothing(
    wb: Workbook, tmp_path: Path, catalogue: dict[str, Resource]
) -> None:
    wb.submit_review(catalogue["video"].id, "learner-9", {"overall": 3})
    path = tmp_path / "ratings.csv"
    path.write_text(
        "resource,reviewer,overall,comment\n"  # line 1
        f"{VIDEO_URL},learner-1,4,fine\n"  # line 2
        f'{ARTICLE_URL},learner-1,5,"Two lines:\n'  # line 3
        'second line"\n'  # line 4
        f"{VIDEO_URL},learner-9,5,re-rating\n"  # line 5
        "https://example.org/new,learner-2,4,\n"  # line 6: not catalogued, valid otherwise
        f"{ARTICLE_URL},learner-2,7,\n",  # line 7: out of range
        encoding="utf-8",
    )
    before = snapshot(wb)

    with pytest.raises(ImportRowsError) as caught:
        import_reviews(wb, path, rubric="stars", actor="tutor-1", add_missing=True)

    assert problem_lines(caught.value) == [7]
    assert snapshot(wb) == before


def damage_reviews_of(wb: Workbook, reviewer: str) -> None:
    """Make ``reviewer``'s stored reviews unreadable, as a bad hand edit would."""
    if wb.store.name == "tinydb":
        wb.store.path_for(reviewer).write_text("{not json", encoding="utf-8")  # type: ignore[attr-defined]
        return
    import sqlalchemy as sa  # SQL backends; jsonb (PostgreSQL) holds JSON, not a document

    damage = "'{not json'" if wb.store.name == "sqlite" else "'\"not a document\"'"
    with wb.store.engine.begin() as conn:  # type: ignore[attr-defined]
        conn.execute(sa.text(f"UPDATE documents SET doc = {damage} WHERE kind = 'reviews'"))


def test_damaged_shard_of_one_reviewer_stops_the_whole_import(
    wb: Workbook, tmp_path: Path, catalogue: dict[str, Resource]
) -> None:
    wb.submit_review(catalogue["video"].id, "learner-2", {"overall": 3})
    damage_reviews_of(wb, "learner-2")
    path = write_csv(
        tmp_path / "ratings.csv",
        [
            ["resource", "reviewer", "overall"],
            [VIDEO_URL, "learner-1", "4"],
            ["https://example.org/new", "learner-1", "4"],
            [ARTICLE_URL, "learner-2", "5"],
        ],
    )
    before = snapshot(wb)

    with pytest.raises(StorageError, match="damaged"):
        import_reviews(wb, path, rubric="stars", actor="tutor-1", add_missing=True)

    assert snapshot(wb) == before
    assert wb.reviews() == []
    assert len(wb.resources()) == 2


def test_reimport_updates_the_review_and_keeps_a_revision(
    wb: Workbook, tmp_path: Path, catalogue: dict[str, Resource]
) -> None:
    header = ["resource", "reviewer", "overall", "comment", "created_at"]
    first = write_csv(
        tmp_path / "first.csv",
        [header, [VIDEO_URL, "learner-1", "2", "Too long", "2026-03-01T09:00:00Z"]],
    )
    second = write_csv(
        tmp_path / "second.csv",
        [header, [VIDEO_SHORT, "learner-1", "4", "Better on a second watch", ""]],
    )
    import_reviews(wb, first, rubric="stars", actor="tutor-1")
    [original] = reviews_of(wb, "learner-1")

    report = import_reviews(wb, second, rubric="stars", actor="tutor-1")

    assert report.imported == 1
    [review] = reviews_of(wb, "learner-1")
    assert review.id == original.id
    assert review.scores == {"overall": 4}
    assert review.comment == "Better on a second watch"
    assert review.created_at == datetime(2026, 3, 1, 9, tzinfo=UTC)
    assert review.updated_at > review.created_at
    [revision] = review.revisions
    assert revision.scores == {"overall": 2}
    assert revision.comment == "Too long"
    assert len(wb.reviews(include_deleted=True, include_hidden=True)) == 1


def test_reimport_edits_a_review_submitted_in_the_workbook(
    wb: Workbook, tmp_path: Path, catalogue: dict[str, Resource]
) -> None:
    submitted = wb.submit_review(catalogue["video"].id, "learner-1", {"overall": 5})
    path = write_csv(
        tmp_path / "ratings.csv",
        [["resource", "reviewer", "overall"], [VIDEO_URL, "learner-1", "3"]],
    )

    import_reviews(wb, path, rubric="stars", actor="tutor-1")

    [review] = wb.reviews()
    assert (review.id, review.scores) == (submitted.id, {"overall": 3})
    assert [r.scores for r in review.revisions] == [{"overall": 5}]


def test_reviews_skip_invalid_imports_the_valid_rows(
    wb: Workbook, tmp_path: Path, catalogue: dict[str, Resource]
) -> None:
    path = write_csv(
        tmp_path / "ratings.csv",
        [
            ["resource", "reviewer", "overall"],
            [VIDEO_URL, "learner-1", "4"],
            [VIDEO_URL, "", "4"],
            [ARTICLE_URL, "learner-2", ""],
            [ARTICLE_URL, "learner-3", "1"],
        ],
    )

    report = import_reviews(wb, path, rubric="stars", actor="tutor-1", skip_invalid=True)

    assert report.imported == 2
    assert [line for line, _ in report.problems] == [3, 4]
    assert "reviewer" in report.problems[0][1]
    assert sorted(r.reviewer for r in wb.reviews()) == ["learner-1", "learner-3"]


def test_item_column_of_another_rubric_is_an_unknown_column(
    wb: Workbook, tmp_path: Path, catalogue: dict[str, Resource]
) -> None:
    path = write_csv(
        tmp_path / "ratings.csv",
        [["resource", "reviewer", "overall", "accuracy"], [VIDEO_URL, "learner-1", "4", "5"]],
    )

    with pytest.raises(ValidationError, match=r"unknown column.*accuracy"):
        import_reviews(wb, path, rubric="stars", actor="tutor-1")


def test_reviews_header_needs_resource_and_reviewer(
    wb: Workbook, tmp_path: Path, catalogue: dict[str, Resource]
) -> None:
    path = write_csv(tmp_path / "ratings.csv", [["url", "overall"], [VIDEO_URL, "4"]])

    with pytest.raises(ValidationError, match="resource, reviewer"):
        import_reviews(wb, path, rubric="stars", actor="tutor-1")


def test_a_missing_rubric_item_column_is_one_header_error(
    wb: Workbook, tmp_path: Path, catalogue: dict[str, Resource]
) -> None:
    header = ["resource", "reviewer", "recency", "accuracy", "utility", "ebm"]
    path = write_csv(tmp_path / "ratings.csv", [header, [VIDEO_URL, "l1", "5", "5", "5", "5"]])

    with pytest.raises(ValidationError, match=r"lacks the column.*referenced"):
        import_reviews(wb, path, rubric="air", actor="tutor-1")


def test_unknown_rubric_is_refused(wb: Workbook, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "ratings.csv", [["resource", "reviewer", "overall"]])

    with pytest.raises(NotFound, match="unknown rubric 'likert'"):
        import_reviews(wb, path, rubric="likert", actor="tutor-1")


def test_imports_are_logged_in_the_audit_log(
    wb: Workbook, tmp_path: Path, catalogue: dict[str, Resource]
) -> None:
    links = write_csv(tmp_path / "links.csv", [["url", "title"], [AF_URL, "AF"]])
    ratings = write_csv(
        tmp_path / "ratings.csv", [["resource", "reviewer", "overall"], [AF_URL, "learner-1", "4"]]
    )

    import_resources(wb, links, added_by="tutor-1")
    import_reviews(wb, ratings, rubric="stars", actor="tutor-1")

    log = [(e.action, e.actor, e.reason) for e in wb.audit_log()]
    assert log == [
        ("import", "tutor-1", "1 resources from links.csv"),
        ("import", "tutor-1", "1 reviews from ratings.csv"),
    ]
