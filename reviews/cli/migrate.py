"""``appraise migrate``: copy a TinyDB workbook into PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import click

from reviews.cli.options import workbook_option


@click.command(
    epilog="Example:  appraise migrate --workbook cardio/ "
    "--to postgresql://appraise@db.example.org/cardio --into cardio-pg/"
)
@workbook_option
@click.option(
    "--to",
    "database",
    metavar="URL",
    envvar="APPRAISE_DATABASE_URL",
    required=True,
    help="An empty PostgreSQL database (or set APPRAISE_DATABASE_URL).",
)
@click.option(
    "--into",
    type=click.Path(file_okay=False, path_type=Path),
    help="The new workbook directory [default: <workbook>-postgresql beside it].",
)
def migrate(workbook: Path, database: str, into: Path | None) -> None:
    """Copy every record of a TinyDB workbook into an empty PostgreSQL database.

    The copy keeps ids, revisions, soft deletes, moderation events and pseudonym numbers;
    it is one transaction, refused when the database already holds records. The TinyDB
    workbook is only read: serve the new directory once `appraise check` agrees on both.
    """
    from reviews.io.migrate import migrate as copy

    target = into or workbook.with_name(f"{workbook.resolve().name}-postgresql")
    done = copy(workbook, database, target)
    counts = ", ".join(f"{n} {kind}" for kind, n in sorted(done.counts.items()))
    click.echo(f"Copied {sum(done.counts.values())} records ({counts}) into {done.database}")
    click.echo(f"New workbook: {done.target} (serve it with `appraise serve --workbook "
               f"{done.target}`); {workbook} is unchanged")  # fmt: skip
