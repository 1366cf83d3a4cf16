"""``appraise serve``: the dashboards with Voila."""

from __future__ import annotations

from pathlib import Path

import click

from reviews.cli.options import open_workbook, workbook_option


@click.command(epilog="Example:  appraise serve --workbook cardio/ --port 8866")
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
@click.option(
    "--hub",
    is_flag=True,
    help="Run under JupyterHub (as a hub service or as the single-user command): every "
    "dashboard behind the hub's login, which says who is who. The hub chooses the address; "
    "see docs/deployment.md.",
)
def serve(
    workbook: Path, port: int, host: str, cull_idle_timeout: int, dashboard: str, hub: bool
) -> None:
    """Serve a dashboard with Voila (the learner dashboard at / unless --dashboard says)."""
    from reviews.serving.voila import serve as run

    wb = open_workbook(workbook)
    if hub:
        from reviews.serving.hub import serve_hub

        serve_hub(wb, cull_idle_timeout=cull_idle_timeout)
        return
    run(wb, host=host, port=port, cull_idle_timeout=cull_idle_timeout, dashboard=dashboard)
