"""``appraise serve``: every dashboard from one Voila server."""

from __future__ import annotations

from pathlib import Path

import click

from reviews.cli.options import open_workbook, workbook_option


@click.command(epilog="Example:  appraise serve --workbook cardio/ --expect 30 --host 0.0.0.0")
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
    help="Seconds after which the kernel of a dashboard tab left idle is stopped.",
)
@click.option(
    "--expect",
    type=click.IntRange(0, 1000),
    default=None,
    help="How many learners will open the page at once: the size of the pool of preheated "
    "kernels (default: the workbook's expected_learners, else APPRAISE_KERNEL_POOL, else 2).",
)
@click.option(
    "--hub",
    is_flag=True,
    help="Run under JupyterHub (as a hub service or as the single-user command): every "
    "dashboard behind the hub's login, which says who is who. The hub chooses the address; "
    "see docs/deployment.md.",
)
def serve(
    workbook: Path, port: int, host: str, cull_idle_timeout: int, expect: int | None, hub: bool
) -> None:
    """Serve the dashboards: learners at /, tutors at /tutor, the summaries at /summaries."""
    from reviews.serving.voila import serve as run

    wb = open_workbook(workbook)
    if hub:
        from reviews.serving.hub import serve_hub

        serve_hub(wb, cull_idle_timeout=cull_idle_timeout, expect=expect)
        return
    run(wb, host=host, port=port, cull_idle_timeout=cull_idle_timeout, expect=expect)
