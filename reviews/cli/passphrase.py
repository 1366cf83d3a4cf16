"""``appraise passphrase``: set or change the tutor passphrase; and how ``appraise init
--tutor-passphrase`` reads one.

The passphrase is typed twice with hidden input, or taken from the environment variable
``APPRAISE_TUTOR_PASSPHRASE`` for scripts (never from a command-line option, which would land
in the shell history and in ``ps``).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import click

from reviews.cli.options import administrator_option, workbook_option
from reviews.domain.passphrase import check_strength

if TYPE_CHECKING:
    from reviews.classroom.roles import Administrator

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
@administrator_option
def passphrase(workbook: Path, admin: Administrator) -> None:
    """Set or change the tutor passphrase (stored as a salted scrypt hash, never in clear)."""
    from reviews.workbook import Workbook

    wb = Workbook.open(workbook)
    had_one = wb.config.tutor_passphrase_hash is not None
    wb.set_tutor_passphrase(read_passphrase(), actor=admin)
    click.echo(f"Tutor passphrase {'changed' if had_one else 'set'} for {workbook}.")
