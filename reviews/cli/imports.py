"""``appraise import resources|reviews``: CSV import, all or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from reviews.cli.options import actor_option, open_workbook, workbook_option


@click.group("import", epilog="Example:  appraise import resources links.csv --workbook cardio/")
def import_group() -> None:
    """Import resources or reviews from CSV files (all or nothing)."""


def _report_rows(report: Any, what: str) -> None:
    for line, reason in report.problems:
        click.echo(f"line {line}: {reason}", err=True)
    extra = f", {report.already_there} already catalogued" if report.already_there else ""
    skipped = f", {len(report.problems)} invalid row(s) skipped" if report.problems else ""
    click.echo(f"Imported {report.imported} {what}{extra}{skipped}.")


@import_group.command(
    "resources",
    epilog="Example:  appraise import resources links.csv --workbook cardio/\n\n"
    "Columns: url, title (required); kind, topics (separated by ';'), creator, "
    "publisher_type, description.",
)
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@workbook_option
@click.option("--skip-invalid", is_flag=True, help="Import the valid rows, report the others.")
@actor_option
def import_resources_cmd(file: Path, workbook: Path, skip_invalid: bool, actor: str) -> None:
    """Add the resources listed in FILE (CSV, UTF-8) to the catalogue."""
    from reviews.io.importer import import_resources

    report = import_resources(open_workbook(workbook), file, actor, skip_invalid)
    _report_rows(report, "resources")


@import_group.command(
    "reviews",
    epilog="Example:  appraise import reviews ratings.csv --workbook cardio/ --rubric air\n\n"
    "Columns: resource (URL or id), reviewer, one column per rubric item; optional comment, "
    "confidence (1-3), created_at (ISO 8601, UTC when no zone is given).",
)
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@workbook_option
@click.option("--rubric", help="Rubric of the item columns (default: the workbook's).")
@click.option("--skip-invalid", is_flag=True, help="Import the valid rows, report the others.")
@click.option("--add-missing", is_flag=True, help="Catalogue resources not yet in the workbook.")
@actor_option
def import_reviews_cmd(
    file: Path,
    workbook: Path,
    rubric: str | None,
    skip_invalid: bool,
    add_missing: bool,
    actor: str,
) -> None:
    """Import reviews from FILE (CSV, UTF-8): one review per row."""
    from reviews.io.importer import import_reviews

    wb = open_workbook(workbook)
    report = import_reviews(wb, file, rubric or wb.config.default_rubric, actor,
                            skip_invalid=skip_invalid, add_missing=add_missing)  # fmt: skip
    _report_rows(report, "reviews")
    if report.added_resources:
        click.echo(f"Catalogued {report.added_resources} new resources (titled by their URL).")
