"""Options shared by every `appraise` sub-command module (one definition, one help text)."""

from __future__ import annotations

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
