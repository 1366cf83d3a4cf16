"""The ``appraise`` command: create, fill, check, summarise and serve a workbook.

A user's mistake prints one line on stderr (``Error: …``) and exits non-zero; a traceback means
a bug in Appraise. Every command's ``--help`` ends with an example.
"""

from __future__ import annotations

import getpass
import json
import sys
from pathlib import Path
from typing import Any

import click

from reviews.cli_options import workbook_option
from reviews.errors import AppraiseError, ImportRowsError, NotFound
from reviews.export.cli import export_command
from reviews.passphrase_cli import passphrase as passphrase_command
from reviews.reviewers_cli import reviewers as reviewers_command


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


def open_workbook(path: Path) -> Any:
    from reviews.workbook import Workbook

    return Workbook.open(path)


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


@cli.command(epilog='Example:  appraise init cardio/ --title "Cardiology block" --tutor dr-lee')
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--title", default="Appraise workbook", show_default=True, help="Shown to learners.")
@click.option("--rubric", default="stars", show_default=True, help="Default rubric id.")
@click.option("--tutor", "tutors", multiple=True, help="A tutor's user name (repeatable).")
@click.option(
    "--storage",
    type=click.Choice(["tinydb", "sqlite"]),
    default="tinydb",
    show_default=True,
    help="Storage backend.",
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
    ask_passphrase: bool,
) -> None:
    """Create a new workbook in DIRECTORY."""
    from reviews.passphrase import hash_passphrase
    from reviews.passphrase_cli import read_passphrase
    from reviews.workbook import Workbook

    secret = {"tutor_passphrase_hash": hash_passphrase(read_passphrase())} if ask_passphrase else {}
    wb = Workbook.create(
        directory, title=title, tutors=tutors, rubric=rubric, storage=storage, **secret
    )
    click.echo(f"Created workbook {wb.config.title!r} in {directory}")
    click.echo(f"Join code for learners: {wb.config.join_code}")
    if ask_passphrase:
        click.echo("Tutor passphrase set (only a salted hash of it is stored).")


@cli.group("import", epilog="Example:  appraise import resources links.csv --workbook cardio/")
def import_group() -> None:
    """Import resources or reviews from CSV files (all or nothing)."""


def _report_rows(report: Any, what: str) -> None:
    for line, reason in report.problems:
        click.echo(f"line {line}: {reason}", err=True)
    extra = f", {report.already_there} already catalogued" if report.already_there else ""
    skipped = f", {len(report.problems)} invalid row(s) skipped" if report.problems else ""
    click.echo(f"Imported {report.imported} {what}{extra}{skipped}.")


@import_group.command(
    "resources",
    epilog="Example:  appraise import resources links.csv --workbook cardio/\n\n"
    "Columns: url, title (required); kind, topics (separated by ';'), creator, "
    "publisher_type, description.",
)
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@workbook_option
@click.option("--skip-invalid", is_flag=True, help="Import the valid rows, report the others.")
@actor_option
def import_resources_cmd(file: Path, workbook: Path, skip_invalid: bool, actor: str) -> None:
    """Add the resources listed in FILE (CSV, UTF-8) to the catalogue."""
    from reviews.importer import import_resources

    report = import_resources(open_workbook(workbook), file, actor, skip_invalid)
    _report_rows(report, "resources")


@import_group.command(
    "reviews",
    epilog="Example:  appraise import reviews ratings.csv --workbook cardio/ --rubric air\n\n"
    "Columns: resource (URL or id), reviewer, one column per rubric item; optional comment, "
    "confidence (1-3), created_at (ISO 8601, UTC when no zone is given).",
)
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@workbook_option
@click.option("--rubric", help="Rubric of the item columns (default: the workbook's).")
@click.option("--skip-invalid", is_flag=True, help="Import the valid rows, report the others.")
@click.option("--add-missing", is_flag=True, help="Catalogue resources not yet in the workbook.")
@actor_option
def import_reviews_cmd(
    file: Path,
    workbook: Path,
    rubric: str | None,
    skip_invalid: bool,
    add_missing: bool,
    actor: str,
) -> None:
    """Import reviews from FILE (CSV, UTF-8): one review per row."""
    from reviews.importer import import_reviews

    wb = open_workbook(workbook)
    report = import_reviews(wb, file, rubric or wb.config.default_rubric, actor,
                            skip_invalid=skip_invalid, add_missing=add_missing)  # fmt: skip
    _report_rows(report, "reviews")
    if report.added_resources:
        click.echo(f"Catalogued {report.added_resources} new resources (titled by their URL).")


@cli.command(epilog="Example:  appraise summary --workbook cardio/ --format csv > summary.csv")
@workbook_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
)
@click.option("--rubric", help="Rubric to summarise (default: the workbook's).")
def summary(workbook: Path, fmt: str, rubric: str | None) -> None:
    """One row per resource: reviews, score on the rubric's scale, verdict."""
    frame = open_workbook(workbook).summary(rubric)
    if fmt == "csv":
        click.echo(frame.to_csv(index=False), nl=False)
    elif fmt == "json":
        records = json.loads(frame.to_json(orient="records", force_ascii=False))
        click.echo(json.dumps(records, indent=2, ensure_ascii=False))
    else:
        click.echo(summary_table(frame))


@cli.command(epilog="Example:  appraise check --workbook cardio/")
@workbook_option
def check(workbook: Path) -> None:
    """Check every file of the workbook; list each problem with its path (exit 1 if any)."""
    from reviews.check import check_workbook

    try:
        open_workbook(workbook)
    except NotFound:
        raise  # not a workbook at all: the user's mistake, reported on one line by main()
    except AppraiseError:
        pass  # a damaged workbook.yaml is one of the problems reported below
    found, counts = check_workbook(workbook)
    for problem in found:
        click.echo(str(problem), err=True)
    totals = ", ".join(f"{n} {kind}" for kind, n in counts.items())
    if found:
        click.echo(f"{len(found)} problem(s) found; nothing was changed. ({totals})", err=True)
        sys.exit(1)
    click.echo(f"OK: {totals}")


@cli.command(epilog="Example:  appraise serve --workbook cardio/ --port 8866")
@workbook_option
@click.option("--port", default=8866, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; 0.0.0.0 lets a classroom's devices connect.",
)
@click.option(
    "--cull-idle-timeout",
    default=900,
    show_default=True,
    type=click.IntRange(10),
    help="Seconds after which the kernel of a closed dashboard tab is stopped.",
)
@click.option(
    "--dashboard",
    type=click.Choice(["learner", "tutor", "summaries"]),
    default="learner",
    show_default=True,
    help="Which dashboard to serve at /: learners', tutors' (moderation, participation, "
    "calibration, export) or the read-only class summaries. Run one server per dashboard.",
)
def serve(workbook: Path, port: int, host: str, cull_idle_timeout: int, dashboard: str) -> None:
    """Serve a dashboard with Voila (the learner dashboard at / unless --dashboard says)."""
    from reviews.serve import serve as run

    wb = open_workbook(workbook)
    run(wb, host=host, port=port, cull_idle_timeout=cull_idle_timeout, dashboard=dashboard)


@cli.command(epilog="Example:  appraise demo demo-workbook/")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--seed", default=7, show_default=True, help="Seed of the simulated class.")
def demo(directory: Path, seed: int) -> None:
    """Create a demo workbook (a cardiology block with simulated reviews) unless one exists."""
    from reviews.demo import create_demo

    if (directory / "workbook.yaml").exists():
        click.echo(f"Demo workbook already in {directory}")
        return
    wb = create_demo(directory, seed=seed)
    click.echo(f"Created demo workbook in {directory} ({len(wb.resources())} resources)")


cli.add_command(passphrase_command)
cli.add_command(reviewers_command)
cli.add_command(export_command)


def summary_table(frame: Any) -> str:
    """A terminal table of the summary; missing numbers show as '-', never as NaN. ``likely``
    is the 80 % interval of the score; ``!`` marks a resource that needs a tutor's attention."""
    if frame.empty:
        return "No resources yet: add some with `appraise import resources`."
    shown = frame[["id", "kind", "title", "n_reviews", "score", "mean", "verdict"]].copy()
    shown["title"] = shown["title"].str.slice(0, 40)
    shown["score"] = shown["score"].map(lambda s: "-" if s != s else f"{s:.2f}")
    shown["mean"] = shown["mean"].map(lambda s: "-" if s != s else f"{s:.2f}")
    low, high = frame["score_low80"], frame["score_high80"]
    shown.insert(5, "likely", [
        "-" if lo != lo else f"{lo:.1f}-{hi:.1f}" for lo, hi in zip(low, high, strict=True)
    ])  # fmt: skip
    shown["!"] = frame["needs_attention"].map({True: "!", False: ""})
    return str(shown.to_string(index=False))


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


if __name__ == "__main__":
    main()
