"""``appraise sessions rotate``: sign everyone out by replacing the session key."""

from __future__ import annotations

from pathlib import Path

import click

from reviews.cli.options import actor_option, open_workbook, workbook_option


@click.group("sessions", epilog="Example:  appraise sessions rotate --workbook cardio/")
def sessions() -> None:
    """Remembered sign-ins ("remember me on this device")."""


@sessions.command("rotate", epilog="Example:  appraise sessions rotate --workbook cardio/")
@workbook_option
@actor_option
def rotate(workbook: Path, actor: str) -> None:
    """Replace the key that signs sessions: every remembered browser must sign in again.
    Personal codes keep working."""
    from reviews.classroom.roles import Administrator

    wb = open_workbook(workbook)
    wb.rotate_sessions(actor=Administrator(actor))
    click.echo(f"Session key replaced in {workbook}: everyone signs in again on their next visit.")
