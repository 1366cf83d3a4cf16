"""``appraise export``: write the workbook's summaries, tables or annotations to a file.

Whoever runs the command has file access to the workbook and acts as its administrator (see
:mod:`reviews.classroom.roles`): ``--include-identities`` is allowed and recorded in the
audit log under ``--actor`` (``cli:<login>`` by default), marked as an administrator action.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import click

from reviews.cli.options import administrator_option, workbook_option
from reviews.export.base import ProgressCallback
from reviews.export.registry import FORMATS, export, export_to
from reviews.export.tables import TABLES

#: Progress is printed only for exports still running after this many seconds.
PROGRESS_AFTER_S = 1.0

if TYPE_CHECKING:
    from reviews.classroom.roles import Administrator


def progress_printer() -> tuple[ProgressCallback, list[str]]:
    """A progress callback printing ``NN% message`` lines on stderr once the export has run
    for PROGRESS_AFTER_S seconds (quick exports stay quiet)."""
    started = time.monotonic()
    printed: list[str] = []

    def show(fraction: float, message: str) -> None:
        if time.monotonic() - started >= PROGRESS_AFTER_S:
            line = f"{fraction:4.0%} {message}"
            printed.append(line)
            click.echo(line, err=True)

    return show, printed


@click.command(
    "export",
    epilog="Examples:\n\n"
    "  appraise export --workbook cardio/ --format xlsx --output cardio.xlsx\n\n"
    "  appraise export -w cardio/ --format csv --table participation --include-identities "
    "--output credit.csv",
)
@workbook_option
@click.option(
    "--format",
    "fmt",
    required=True,
    type=click.Choice(list(FORMATS)),
    help="csv: one table; xlsx, json: every table; html: a report; jsonld: W3C annotations.",
)
@click.option(
    "--output",
    "-o",
    required=True,
    help="File to write ('-' for standard output); never inside the workbook folder.",
)
@click.option("--force", is_flag=True, help="Replace the output file if it already exists.")
@click.option(
    "--table",
    type=click.Choice(list(TABLES)),
    default="summary",
    show_default=True,
    help="Table written by --format csv (the other formats hold every table).",
)
@click.option(
    "--include-identities",
    is_flag=True,
    help="Add learners' real names beside their pseudonyms (recorded in the audit log).",
)
@click.option("--rubric", help="Rubric of the summary and review tables (default: the workbook's).")
@administrator_option
def export_command(
    workbook: Path,
    fmt: str,
    output: str,
    force: bool,
    table: str,
    include_identities: bool,
    rubric: str | None,
    admin: Administrator,
) -> None:
    """Export summaries, tables, a report or W3C annotations of the workbook."""
    from reviews.workbook import Workbook

    wb = Workbook.open(workbook)
    show, _ = progress_printer()
    if output == "-":
        data = export(wb, fmt, table=table, include_identities=include_identities, actor=admin,
                      rubric=rubric, progress=show, destination="standard output")  # fmt: skip
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    written = export_to(wb, fmt, output, table=table, include_identities=include_identities,
                        actor=admin, rubric=rubric, progress=show, overwrite=force)  # fmt: skip
    what = f"the {table} table" if not FORMATS[fmt].all_tables else fmt
    names = " with real names (logged)" if include_identities else ""
    click.echo(f"Wrote {what}{names} to {written}", err=True)
