"""``appraise upgrade-db``: bring a workbook's database schema up to this Appraise's."""

from __future__ import annotations

from pathlib import Path

import click

from reviews.cli.options import workbook_option


@click.command("upgrade-db", epilog="Example:  appraise upgrade-db --workbook cardio/")
@workbook_option
def upgrade_db(workbook: Path) -> None:
    """Apply the schema migrations the workbook's SQL database lacks (back it up first).

    Needed after upgrading Appraise when opening the workbook says its schema is older than
    this Appraise. Every migration runs in one transaction: on failure nothing changes.
    """
    from reviews.workbook import Workbook

    click.echo(Workbook.upgrade_database(workbook))
