"""``appraise serve``: Voila on the dashboards, configured for a classroom.

Each page a learner opens starts a kernel (about 100 MB) and closing the tab does not stop it
(Voila issue #1458), so kernel culling is always on. Voila is started with the interpreter that
runs this code (``sys.executable -m voila``), so `.venv/bin/appraise serve` works without an
activated virtual environment.

Kernels are preheated: Voila keeps a small pool of kernels that have already run the learner
notebook up to ``voila.utils.wait_for_request()``, so a learner waits for the request to be
answered, not for Python to start and pandas to load. A preheated kernel is busy (waiting), so
culling never stops it. The ``Cookie`` header is forwarded into the kernel's environment
(``HTTP_COOKIE``) so that the dashboard can recognise a learner who asked to be remembered.
"""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path

from reviews.domain.errors import StorageError, ValidationError
from reviews.workbook import Workbook

CULL_INTERVAL_S = 60
POOL_ENV = "APPRAISE_KERNEL_POOL"
DEFAULT_POOL = 2  # two learners can open the page at once without a cold start
DASHBOARDS = ("learner", "tutor", "summaries")  # notebooks/<name>.ipynb, served at /


def kernel_pool(environ: dict[str, str] | None = None) -> int:
    """Preheated kernels to keep ready: ``APPRAISE_KERNEL_POOL`` (0 turns preheating off)."""
    raw = (os.environ if environ is None else environ).get(POOL_ENV, "").strip()
    if not raw:
        return DEFAULT_POOL
    if not raw.isdigit() or int(raw) > 32:
        raise ValidationError(f"{POOL_ENV} must be a whole number from 0 to 32 (got {raw!r})")
    return int(raw)


def notebooks_dir() -> Path:
    """The dashboards folder: ``APPRAISE_NOTEBOOKS``, or ``notebooks/`` beside the package."""
    env = os.environ.get("APPRAISE_NOTEBOOKS")
    folder = Path(env) if env else Path(__file__).resolve().parents[2] / "notebooks"
    if not (folder / "learner.ipynb").is_file():
        raise StorageError(
            f"cannot find the dashboards in {folder} (learner.ipynb); "
            "set APPRAISE_NOTEBOOKS to the project's notebooks/ folder"
        )
    return folder


def voila_command(
    host: str,
    port: int,
    cull_idle_timeout: int,
    pool: int = DEFAULT_POOL,
    dashboard: str = "learner",
) -> list[str]:
    """The Voila command line: one dashboard (the learner's by default) at ``/``, culling of
    idle kernels on, ``pool`` preheated kernels."""
    if dashboard not in DASHBOARDS:
        raise ValidationError(f"unknown dashboard {dashboard!r}; choose {', '.join(DASHBOARDS)}")
    preheat = [
        "--VoilaConfiguration.preheat_kernel=True",
        f"--VoilaConfiguration.default_pool_size={pool}",
    ]
    return [
        sys.executable,
        "-m",
        "voila",
        str(notebooks_dir() / f"{dashboard}.ipynb"),
        f"--Voila.ip={host}",
        f"--port={port}",
        "--no-browser",
        "--theme=light",
        "--VoilaConfiguration.show_tracebacks=False",
        f"--MappingKernelManager.cull_interval={CULL_INTERVAL_S}",
        f"--MappingKernelManager.cull_idle_timeout={cull_idle_timeout}",
        "--MappingKernelManager.cull_connected=False",
        '--VoilaConfiguration.http_header_envs=["Cookie"]',
        *(preheat if pool > 0 else []),
    ]


def check_port_free(host: str, port: int) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((host, port))
        except OSError as exc:
            raise ValidationError(
                f"cannot listen on {host}:{port} ({exc.strerror}); choose another --port"
            ) from None


def serve(wb: Workbook, host: str = "127.0.0.1", port: int = 8866,
          cull_idle_timeout: int = 900, dashboard: str = "learner") -> None:  # fmt: skip
    """Replace this process with Voila serving ``wb`` (kernels find it in APPRAISE_WORKBOOK)."""
    command = voila_command(host, port, cull_idle_timeout, kernel_pool(), dashboard)
    check_port_free(host, port)
    env = dict(os.environ, APPRAISE_WORKBOOK=str(wb.path.resolve()))
    shown = "127.0.0.1" if host in ("0.0.0.0", "") else host
    print(
        f"Serving the {dashboard} dashboard of {wb.config.title!r} ({wb.path}) at "
        f"http://{shown}:{port}/",
        flush=True,
    )
    how = "their personal codes" if wb.has_roster() else f"the code {wb.config.join_code}"
    print(f"Learners join with {how}. Stop with Ctrl+C.", flush=True)
    os.execve(sys.executable, command, env)
