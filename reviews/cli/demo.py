"""``appraise demo``: a demo workbook with a simulated class."""

from __future__ import annotations

from pathlib import Path

import click


@click.command(epilog="Example:  appraise demo demo-workbook/")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--seed", default=7, show_default=True, help="Seed of the simulated class.")
def demo(directory: Path, seed: int) -> None:
    """Create a demo workbook (a cardiology block with simulated reviews) unless one exists."""
    from reviews.io.demo import TUTOR, create_demo

    if (directory / "workbook.yaml").exists():
        click.echo(f"Demo workbook already in {directory}")
        return
    wb = create_demo(directory, seed=seed)
    click.echo(f"Created demo workbook in {directory} ({len(wb.resources())} resources)")
    click.echo(
        f"Learners sign in with any name and the join code {wb.config.join_code}. The demo's "
        f"tutor is {TUTOR}: set a tutor passphrase first with `appraise passphrase --workbook "
        f"{directory}`, then open the tutor dashboard at /tutor on the same server."
    )
