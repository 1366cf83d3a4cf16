"""``appraise assign``: give each learner N resources to review, balanced, maybe by a due date.

The allocation is :meth:`reviews.workbook.Workbook.assign` (see
:mod:`reviews.classroom.assignments`). The learners come from ``--roster`` (a CSV with a
``learner`` column and, optionally, a ``group`` column to allocate within groups) or are
everyone who has contributed so far. The person at the command line acts as the workbook's
administrator; the audit log records them under ``--actor``.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import click

from reviews.classroom.assignments import parse_due
from reviews.cli.options import default_actor, workbook_option
from reviews.domain.errors import ValidationError

EPILOG = (
    "Example:  appraise assign --workbook cardio/ --per-learner 3 --due 2026-03-01\n\n"
    "  appraise assign -w cardio/ --per-learner 2 --roster groups.csv --topic ecg --seed 7\n\n"
    "  appraise assign -w cardio/ --withdraw asg_… --reason 'wrong week'\n\n"
    "groups.csv: a 'learner' column (user names) and an optional 'group' column."
)


def read_roster(path: Path) -> tuple[list[str], dict[str, str]]:
    """(learners, learner → group) from a CSV with ``learner`` and optional ``group``."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.DictReader(fh))
    except UnicodeDecodeError:
        raise ValidationError(f"{path} is not UTF-8 text; save it as CSV UTF-8") from None
    if not rows or "learner" not in (rows[0].keys() if rows else ()):
        raise ValidationError(f"{path} needs a header line with a 'learner' column")
    learners: list[str] = []
    groups: dict[str, str] = {}
    for line, row in enumerate(rows, start=2):
        name = " ".join((row.get("learner") or "").split())
        if not name:
            raise ValidationError(f"{path} line {line}: the learner's name is empty")
        learners.append(name)
        group = (row.get("group") or "").strip()
        if group:
            groups[name] = group
    if groups and len(groups) != len(set(learners)):
        missing = next(n for n in learners if n not in groups)
        raise ValidationError(f"{path}: {missing!r} has no group; give every learner one or none")
    return learners, groups


@click.command("assign", epilog=EPILOG)
@workbook_option
@click.option("--per-learner", type=int, help="How many resources each learner reviews.")
@click.option(
    "--roster",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="CSV of the learners ('learner' column) and their groups ('group', optional).",
)
@click.option("--topic", multiple=True, help="Assign only resources with this topic (repeatable).")
@click.option("--due", help="Due date: 2026-03-01 (end of the day, UTC) or an ISO 8601 time.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the allocation.")
@click.option("--withdraw", metavar="BATCH", help="Withdraw the assignments of this batch.")
@click.option("--reason", default="", help="Why you withdraw them (with --withdraw).")
@click.option(
    "--actor",
    default=None,
    show_default="cli:<your login>",
    help="Name recorded in the audit log (you act as the workbook's administrator).",
)
def assign(
    workbook: Path,
    per_learner: int | None,
    roster: Path | None,
    topic: tuple[str, ...],
    due: str | None,
    seed: int,
    withdraw: str | None,
    reason: str,
    actor: str | None,
) -> None:
    """Assign each learner resources to review, so that every resource gets its reviewers."""
    from reviews.classroom.roles import Administrator
    from reviews.workbook import Workbook

    wb = Workbook.open(workbook)
    who = Administrator(actor or default_actor())
    if withdraw:
        wb.withdraw_assignments(withdraw, actor=who, reason=reason)
        click.echo(f"Withdrew the assignments of batch {withdraw}.")
        return
    if per_learner is None:
        raise click.UsageError("say how many resources each learner reviews: --per-learner N")
    learners, groups = read_roster(roster) if roster else (None, {})
    resources = None
    if topic:
        wanted = {t.lower() for t in topic}
        resources = [r.id for r in wb.resources() if wanted & set(r.topics)]
        if not resources:
            raise ValidationError(f"no resource has the topic {', '.join(topic)}")
    made = wb.assign(
        per_learner, actor=who, learners=learners, groups=groups or None,
        resources=resources, due=parse_due(due) if due else None, seed=seed,
    )  # fmt: skip
    people = len({a.learner for a in made})
    click.echo(
        f"Assigned {len(made)} reviews to {people} learners (batch {made[0].batch})"
        + (f", due {made[0].due:%Y-%m-%d %H:%M} UTC." if made[0].due else ".")
    )
    counts = Counter(a.learner for a in made)
    fewer = [n for n, c in counts.items() if c < per_learner]
    fewer += [n for n in dict.fromkeys(learners or []) if n not in counts]
    if fewer:
        click.echo(
            f"{len(fewer)} learner(s) got fewer than {per_learner}: they added or reviewed "
            "the other resources already."
        )
