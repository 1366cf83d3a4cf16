"""``appraise check``: every damaged or hand-edited record, with where it is."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from reviews.cli.options import open_workbook, workbook_option
from reviews.domain.errors import AppraiseError, NotFound


@click.command(epilog="Example:  appraise check --workbook cardio/")
@workbook_option
def check(workbook: Path) -> None:
    """Check every file of the workbook; list each problem with its path (exit 1 if any)."""
    from reviews.io.check import check_workbook

    try:
        open_workbook(workbook)
    except NotFound:
        raise  # not a workbook at all: the user's mistake, reported on one line by main()
    except AppraiseError:
        pass  # a damaged workbook.yaml is one of the problems reported below
    found, counts = check_workbook(workbook)
    for problem in found:
        click.echo(str(problem), err=True)
    totals = ", ".join(f"{n} {kind}" for kind, n in counts.items())
    if found:
        click.echo(f"{len(found)} problem(s) found; nothing was changed. ({totals})", err=True)
        sys.exit(1)
    click.echo(f"OK: {totals}")
