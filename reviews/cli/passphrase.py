"""``appraise passphrase``: set or change the tutor passphrase; and how ``appraise init
--tutor-passphrase`` reads one.

The passphrase is typed twice with hidden input, or taken from the environment variable
``APPRAISE_TUTOR_PASSPHRASE`` for scripts (never from a command-line option, which would land
in the shell history and in ``ps``).
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from reviews.cli.options import workbook_option
from reviews.domain.passphrase import check_strength

ENV = "APPRAISE_TUTOR_PASSPHRASE"


def read_passphrase() -> str:
    """The new passphrase: from ``APPRAISE_TUTOR_PASSPHRASE`` if set, else typed twice."""
    given = os.environ.get(ENV)
    if given:
        check_strength(given)
        return given
    typed: str = click.prompt(
        "Tutor passphrase", hide_input=True, confirmation_prompt="Repeat it to confirm"
    )
    check_strength(typed)
    return typed


@click.command(
    "passphrase",
    epilog="Example:  appraise passphrase --workbook cardio/\n\n"
    f"Scripts can set {ENV} instead of typing it.",
)
@workbook_option
@click.option(
    "--actor",
    default=None,
    show_default="cli:<your login>",
    help="Name recorded in the audit log (you act as the workbook's administrator).",
)
def passphrase(workbook: Path, actor: str | None) -> None:
    """Set or change the tutor passphrase (stored as a salted scrypt hash, never in clear)."""
    from reviews.classroom.roles import Administrator
    from reviews.cli.options import default_actor
    from reviews.workbook import Workbook

    wb = Workbook.open(workbook)
    had_one = wb.config.tutor_passphrase_hash is not None
    wb.set_tutor_passphrase(read_passphrase(), actor=Administrator(actor or default_actor()))
    click.echo(f"Tutor passphrase {'changed' if had_one else 'set'} for {workbook}.")
