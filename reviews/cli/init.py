"""``appraise init``: create a workbook."""

from __future__ import annotations

from pathlib import Path

import click


@click.command(epilog='Example:  appraise init cardio/ --title "Cardiology block" --tutor dr-lee')
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--title", default="Appraise workbook", show_default=True, help="Shown to learners.")
@click.option("--rubric", default="stars", show_default=True, help="Default rubric id.")
@click.option("--tutor", "tutors", multiple=True, help="A tutor's user name (repeatable).")
@click.option(
    "--storage",
    type=click.Choice(["tinydb", "sqlite", "postgresql"]),
    default="tinydb",
    show_default=True,
    help="Storage backend (postgresql: give --database or set APPRAISE_DATABASE_URL).",
)
@click.option(
    "--database",
    metavar="URL",
    help="Keep the records in this empty PostgreSQL database (postgresql://user@host/db); "
    "a password in it goes to DIR/.pgpass (mode 0600), never to workbook.yaml.",
)
@click.option(
    "--tutor-passphrase",
    "ask_passphrase",
    is_flag=True,
    help="Ask for a tutor passphrase (or read APPRAISE_TUTOR_PASSPHRASE); stored hashed.",
)
def init(
    directory: Path,
    title: str,
    rubric: str,
    tutors: tuple[str, ...],
    storage: str,
    database: str | None,
    ask_passphrase: bool,
) -> None:
    """Create a new workbook in DIRECTORY."""
    from reviews.cli.passphrase import read_passphrase
    from reviews.domain.passphrase import hash_passphrase
    from reviews.workbook import Workbook

    secret = {"tutor_passphrase_hash": hash_passphrase(read_passphrase())} if ask_passphrase else {}
    wb = Workbook.create(
        directory,
        title=title,
        tutors=tutors,
        rubric=rubric,
        storage=storage,
        database=database,
        **secret,
    )
    click.echo(f"Created workbook {wb.config.title!r} in {directory}")
    if wb.config.database:
        click.echo(f"Records are kept in {wb.config.database}")
    click.echo(f"Join code for learners: {wb.config.join_code}")
    if ask_passphrase:
        click.echo("Tutor passphrase set (only a salted hash of it is stored).")
