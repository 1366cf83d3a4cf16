"""Options shared by every `appraise` sub-command module (one definition, one help text)."""

from __future__ import annotations

import getpass
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

WORKBOOK_HELP = "Workbook directory (or set APPRAISE_WORKBOOK)."


def workbook_option(func: Any) -> Any:
    """``--workbook/-w DIR``, falling back to the ``APPRAISE_WORKBOOK`` environment variable."""
    return click.option(
        "--workbook",
        "-w",
        "workbook",
        envvar="APPRAISE_WORKBOOK",
        required=True,
        type=click.Path(file_okay=False, path_type=Path),
        help=WORKBOOK_HELP,
    )(func)


def default_actor() -> str:
    """``cli:<login>``; ``cli:unknown`` where the login has no name (e.g. a container's
    arbitrary uid, where getpass.getuser() raises)."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError, ImportError):
        return "cli:unknown"


def actor_option(func: Any) -> Any:
    return click.option(
        "--actor",
        default=default_actor,
        show_default="cli:<your login>",
        help="Name recorded in the audit log for this action.",
    )(func)


def administrator_option(func: Any) -> Any:
    """``--actor`` of the commands run as the workbook's administrator (anyone with the files):
    the command receives ``admin``, an :class:`~reviews.classroom.roles.Administrator`."""

    def as_administrator(_ctx: click.Context, _param: click.Parameter, value: str | None) -> Any:
        from reviews.classroom.roles import Administrator

        return Administrator(value or default_actor())

    return click.option(
        "--actor",
        "admin",
        default=None,
        show_default="cli:<your login>",
        callback=as_administrator,
        help="Name recorded in the audit log (you act as the workbook's administrator).",
    )(func)


def open_workbook(path: Path) -> Any:
    """The workbook, with its audit lines marked as the administrator's (file access)."""
    from reviews.workbook import Workbook

    wb = Workbook.open(path)
    wb.acting_via = "administrator"
    return wb


def format_option(func: Any) -> Any:
    """``--format table|csv|json`` of the commands that print a table (see :func:`echo_frame`)."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(["table", "csv", "json"]),
        default="table",
        show_default=True,
        help="A terminal table, CSV (formulas defused) or JSON.",
    )(func)


def echo_frame(frame: Any, fmt: str, table: Callable[[Any], str]) -> None:
    """Print a table of results as ``csv`` (formulas defused: a learner's "=HYPERLINK(…)" must
    not run in the spreadsheet this is piped into), ``json`` or a terminal ``table``."""
    if fmt == "csv":
        from reviews.export.tables import defuse_formulas

        click.echo(defuse_formulas(frame).to_csv(index=False), nl=False)
    elif fmt == "json":
        records = json.loads(frame.to_json(orient="records", force_ascii=False))
        click.echo(json.dumps(records, indent=2, ensure_ascii=False))
    else:
        click.echo(table(frame))
