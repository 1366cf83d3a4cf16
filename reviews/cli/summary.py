"""``appraise summary``: the quality summary as a terminal table, CSV or JSON."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from reviews.cli.options import echo_frame, format_option, open_workbook, workbook_option
from reviews.store.base import Problem

SHOWN = 10  # damaged files named on standard error; `appraise check` lists them all


@click.command(epilog="Example:  appraise summary --workbook cardio/ --format csv > summary.csv")
@workbook_option
@format_option
@click.option("--rubric", help="Rubric to summarise (default: the workbook's).")
def summary(workbook: Path, fmt: str, rubric: str | None) -> None:
    """One row per resource: reviews, score on the rubric's scale, verdict. Damaged files or
    records left out are named on standard error; exit 1 when resources may be missing."""
    wb = open_workbook(workbook)
    frame = wb.summary(rubric)
    damage = wb.damage()
    lost = [p for p in damage if hides_resources(p)]
    if lost and frame.empty and fmt == "table":
        pass  # "No resources yet" would hide a damaged catalogue
    else:
        echo_frame(frame, fmt, summary_table)
    if damage:
        for problem in damage[:SHOWN]:
            click.echo(f"Damaged: {problem}", err=True)
        more = f" ({len(damage) - SHOWN} more not shown)" if len(damage) > SHOWN else ""
        what = "Error" if lost else "Warning"
        click.echo(
            f"{what}: {len(damage)} damaged file(s) or record(s) were left out of this summary"
            f"{more}; run `appraise check --workbook {workbook}` and repair them "
            "(docs/tutor-guide.md, Damaged files)",
            err=True,
        )
        if lost:  # the catalogue itself: "No resources yet" or a short list would mislead
            sys.exit(1)


def hides_resources(problem: Problem) -> bool:
    """Does ``problem`` hide resources (not merely some reviews)? A resource record, the
    catalogue shard, or a whole database file."""
    where = str(problem.path)
    file = Path(where.split(" [")[0]).name
    return (
        "[resources " in where
        or file == "catalogue.json"
        or (" [" not in where and file.endswith(".sqlite"))
    )


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
