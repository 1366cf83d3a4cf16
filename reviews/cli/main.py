"""The ``appraise`` group: create, fill, check, summarise and serve a workbook.

A user's mistake prints one line on stderr (``Error: …``) and exits non-zero; a traceback means
a bug in Appraise. Every command's ``--help`` ends with an example.
"""

from __future__ import annotations

import sys

import click

from reviews.cli.assign import assign
from reviews.cli.check import check
from reviews.cli.demo import demo
from reviews.cli.export import export_command
from reviews.cli.imports import import_group
from reviews.cli.init import init
from reviews.cli.migrate import migrate
from reviews.cli.passphrase import passphrase
from reviews.cli.reviewers import reviewers
from reviews.cli.roster import roster
from reviews.cli.serve import serve
from reviews.cli.sessions import sessions
from reviews.cli.summary import summary
from reviews.cli.upgrade_db import upgrade_db
from reviews.domain.errors import AppraiseError, ImportRowsError


@click.group(
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog='Example:  appraise init cardio/ --title "Cardiology block" --tutor dr-lee',
)
@click.version_option(package_name="appraise")
def cli() -> None:
    """Appraise: a classroom peer-review workbook for online medical-education resources.

    \b
    Start here:
      appraise init class/ --title "Cardiology block" --tutor dr-lee
      appraise import resources links.csv --workbook class/
      appraise serve --workbook class/
    """


for command in (
    init,
    import_group,
    summary,
    check,
    serve,
    demo,
    passphrase,
    reviewers,
    export_command,
    assign,
    roster,
    sessions,
    upgrade_db,
    migrate,
):
    cli.add_command(command)


def main(argv: list[str] | None = None) -> None:
    """Entry point: turn user mistakes into one line on stderr and a non-zero exit."""
    try:
        code = cli.main(args=argv, prog_name="appraise", standalone_mode=False)
    except ImportRowsError as exc:
        for line, reason in exc.problems:
            click.echo(f"line {line}: {reason}", err=True)
        click.echo(f"Error: {exc}", err=True)
        code = 1
    except AppraiseError as exc:
        click.echo(f"Error: {exc}", err=True)
        code = 1
    except click.UsageError as exc:
        command = exc.ctx.command_path if exc.ctx else "appraise"
        click.echo(f"Error: {exc.format_message()} (see '{command} --help')", err=True)
        code = exc.exit_code
    except click.ClickException as exc:
        click.echo(f"Error: {exc.format_message()}", err=True)
        code = exc.exit_code
    except (click.Abort, KeyboardInterrupt):
        click.echo("Aborted.", err=True)
        code = 130
    except OSError as exc:
        click.echo(f"Error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), err=True)
        code = 1
    sys.exit(code if isinstance(code, int) else 0)
