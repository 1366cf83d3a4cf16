"""``appraise reviewers``: how the quality model weighs each reviewer, and why.

Pseudonyms by default; ``--names`` adds real names for a tutor named with ``--actor`` (anyone
else gets a one-line refusal), like every other view of learners (see reviews/roles.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from reviews.cli.options import echo_frame, format_option, workbook_option

EPILOG = (
    "Example:  appraise reviewers --workbook cardio/\n\n"
    "  appraise reviewers -w cardio/ --names --actor dr-lee --format csv > reviewers.csv\n\n"
    "weight 1.0 is a typical learner's say in the scores; 'why' explains a reduced weight."
)


@click.command("reviewers", epilog=EPILOG)
@workbook_option
@format_option
@click.option("--rubric", help="Rubric whose reviews are modelled (default: the workbook's).")
@click.option("--names", is_flag=True, help="Add real names beside pseudonyms (tutors only).")
@click.option("--actor", help="Your user name: must be a tutor of the workbook for --names.")
def reviewers(workbook: Path, fmt: str, rubric: str | None, names: bool, actor: str | None) -> None:
    """One row per reviewer: bias, reliability, weight in the scores, agreement with tutors."""
    from reviews.workbook import Workbook

    if names and not actor:
        raise click.UsageError("--names needs --actor: the user name of a tutor of the workbook")
    wb = Workbook.open(workbook)
    frame = wb.reviewer_stats(actor=actor, rubric=rubric, identities=names)
    echo_frame(frame, fmt, reviewers_table)


def reviewers_table(frame: Any) -> str:
    """A terminal table; a missing number shows as '-', never as NaN."""
    if frame.empty:
        return "No reviews yet: nothing to say about reviewers."
    shown = frame.copy()
    for column, digits in (("bias", 2), ("reliability", 2), ("weight", 2), ("tutor_diff", 2)):
        shown[column] = shown[column].map(lambda x, d=digits: "-" if x != x else f"{x:.{d}f}")
    shown["role"] = shown["is_tutor"].map({True: "tutor", False: "learner"})
    columns = ["reviewer", *(["reviewer_name"] if "reviewer_name" in shown else [])]
    columns += ["role", "n_reviews", "bias", "reliability", "weight", "n_with_tutor"]
    columns += ["tutor_diff", "why"]
    return str(shown[columns].to_string(index=False))
