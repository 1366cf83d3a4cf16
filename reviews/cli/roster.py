"""``appraise roster``: the class list, each learner with a personal sign-in code.

``import`` registers a CSV of learners (all or nothing) and writes their codes to a CSV and a
printable page of slips; ``list``, ``add``, ``remove`` and ``reset-code`` follow the term's
changes. Codes are shown once (in those files, or on the terminal for ``add`` and
``reset-code``): the workbook keeps only keyed hashes of them. Files holding codes are created
readable by their owner only, and never overwritten.
"""

from __future__ import annotations

import csv
import html
import io
import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from reviews.cli.options import actor_option, open_workbook, workbook_option

if TYPE_CHECKING:
    from reviews.classroom.roles import Administrator
    from reviews.classroom.roster import Issued

DEFAULT_URL = "http://localhost:8866/"


@click.group(
    "roster",
    epilog="Example:  appraise roster import class.csv --workbook cardio/ --codes-out codes.csv",
)
def roster() -> None:
    """The class roster: learners sign in with personal codes instead of the join code."""


def _administrator(actor: str) -> Administrator:
    from reviews.classroom.roles import Administrator

    return Administrator(actor)


def _refuse_existing(*paths: Path) -> None:
    for path in paths:
        if path.exists():
            raise click.UsageError(f"{path} already exists: choose a new file for the codes")
        if not path.parent.is_dir():
            raise click.UsageError(f"{path.parent} is not a folder")


def _write_private(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
        fh.write(text)


def codes_csv(issued: Iterable[Issued]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["name", "email", "group", "code"])
    for item in issued:
        learner = item.learner
        writer.writerow(
            [_cell(learner.name), _cell(learner.email), _cell(learner.group), item.code]
        )
    return out.getvalue()


def _cell(text: str) -> str:
    """A spreadsheet would run a cell starting with = + - @ as a formula: quote it."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def slips_html(title: str, url: str, issued: Iterable[Issued]) -> str:
    """A printable page: one slip per learner with their name, code and the dashboard URL."""
    e = html.escape
    slips = "".join(
        f"<div class='slip'><p class='title'>{e(title)}</p>"
        f"<p class='name'>{e(item.learner.name)}</p>"
        f"<p>Your personal code: <code>{e(item.code)}</code></p>"
        f"<p>Sign in at <span class='url'>{e(url)}</span></p>"
        "<p class='note'>Keep this code to yourself: it signs you in as you.</p></div>"
        for item in issued
    )
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{e(title)}: personal codes</title><style>"
        "body{font-family:sans-serif;margin:1cm}"
        ".slips{display:grid;grid-template-columns:1fr 1fr;gap:0.5cm}"
        ".slip{border:1px dashed #555;padding:0.4cm;break-inside:avoid}"
        ".name{font-size:1.2em;font-weight:bold}code{font-size:1.4em;letter-spacing:0.1em}"
        ".title,.note{color:#444;font-size:0.85em}.url{word-break:break-all}"
        "</style></head><body>"
        f"<h1>{e(title)}: personal codes</h1><div class='slips'>{slips}</div></body></html>\n"
    )


@roster.command("import", epilog="Example:  appraise roster import class.csv -w cardio/ "
                "--codes-out codes.csv --url https://appraise.example.org/")  # fmt: skip
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@workbook_option
@click.option(
    "--codes-out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="New CSV file for the learners' codes (name, email, group, code).",
)
@click.option(
    "--slips",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="New printable HTML page of slips (default: beside --codes-out, .html).",
)
@click.option("--url", default=DEFAULT_URL, show_default=True, help="Dashboard URL on the slips.")
@actor_option
def import_roster(
    file: Path, workbook: Path, codes_out: Path, slips: Path | None, url: str, actor: str
) -> None:
    """Register the learners in FILE (columns name, optional email and group), all or nothing."""
    slips = slips or codes_out.with_suffix(".html")
    _refuse_existing(codes_out, slips)
    wb = open_workbook(workbook)
    try:
        text = file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise click.UsageError(f"{file} is not UTF-8 text; save it as CSV UTF-8") from None
    issued = wb.roster_import(text, actor=_administrator(actor), source=file.name)
    _write_private(codes_out, codes_csv(issued))
    _write_private(slips, slips_html(wb.config.title, url, issued))
    click.echo(f"{len(issued)} learners on the roster; their codes are in {codes_out} and {slips}")
    click.echo("Give each learner their slip. The workbook keeps no readable copy of the codes.")


@roster.command("list", epilog="Example:  appraise roster list --workbook cardio/")
@workbook_option
def list_roster(workbook: Path) -> None:
    """The learners on the roster (never their codes, which are not stored)."""
    wb = open_workbook(workbook)
    learners = wb.roster().learners()
    if not learners:
        click.echo("No roster: this workbook is an open workshop (name + join code).")
        return
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["name", "email", "group", "code_set_at"])
    for r in learners:
        writer.writerow([_cell(r.name), _cell(r.email), _cell(r.group), r.code_set_at.isoformat()])
    click.echo(out.getvalue(), nl=False)


@roster.command("add", epilog='Example:  appraise roster add "Dana Scully" -w cardio/ --group B')
@click.argument("name")
@workbook_option
@click.option("--email", default="", help="The learner's e-mail (optional).")
@click.option("--group", default="", help="The learner's group (optional).")
@actor_option
def add_learner(name: str, workbook: Path, email: str, group: str, actor: str) -> None:
    """Add one learner and print their personal code."""
    wb = open_workbook(workbook)
    issued = wb.roster_add(name, actor=_administrator(actor), email=email, group=group)
    click.echo(f"{issued.learner.name}: personal code {issued.code}")


@roster.command("remove", epilog='Example:  appraise roster remove "Dana Scully" -w cardio/')
@click.argument("name")
@workbook_option
@actor_option
def remove_learner(name: str, workbook: Path, actor: str) -> None:
    """Take a learner off the roster: their code stops working; their work stays."""
    wb = open_workbook(workbook)
    gone = wb.roster_remove(name, actor=_administrator(actor))
    click.echo(f"{gone.name} removed from the roster.")


@roster.command(
    "reset-code", epilog='Example:  appraise roster reset-code "Dana Scully" -w cardio/'
)
@click.argument("name")
@workbook_option
@actor_option
def reset_code(name: str, workbook: Path, actor: str) -> None:
    """A new personal code for a learner (the old one stops working) printed once."""
    wb = open_workbook(workbook)
    issued = wb.roster_reset_code(name, actor=_administrator(actor))
    click.echo(f"{issued.learner.name}: new personal code {issued.code}")
