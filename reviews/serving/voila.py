"""``appraise serve``: one Voila server for every dashboard, configured for a classroom.

The server (:mod:`reviews.serving.server`) serves the learner dashboard at ``/``, the tutors'
at ``/tutor`` and the class summaries at ``/summaries``, all on one port, and runs the
summariser that keeps the catalogue snapshot fresh (:mod:`reviews.quality.snapshot`).
Voila is started with the interpreter that runs this code (``sys.executable``), so
`.venv/bin/appraise serve` works without an activated virtual environment.

- **A pool sized to the class.** The learner dashboard has a pool of preheated kernels: each
  has already run the notebook up to ``voila.utils.wait_for_request()``, so a learner waits for
  the request to be answered, not for Python to start. Its size is what the tutor expects
  (``--expect N``, or the workbook's ``expected_learners``, or ``APPRAISE_KERNEL_POOL``, else
  :data:`DEFAULT_POOL`), and the start-up message says how much memory it reserves. The pool is
  refilled one kernel at a time (:mod:`reviews.serving.kernels`) so refills do not starve the
  learners already on the page. A preheated kernel is busy (waiting), so culling never stops it.
- **Kernels of closed tabs are stopped** by the page's shutdown call, which the server lets
  through its XSRF check; culling (always on) catches the rest.
- The ``Cookie`` header is forwarded into the kernel's environment (``HTTP_COOKIE``) so that the
  dashboard can recognise a learner who asked to be remembered.
"""

from __future__ import annotations

import json
import os
import socket
import sys
from pathlib import Path

from reviews.domain.errors import StorageError, ValidationError
from reviews.workbook import Workbook

CULL_INTERVAL_S = 60
POOL_ENV = "APPRAISE_KERNEL_POOL"
DEFAULT_POOL = 2  # two learners can open the page at once without a cold start
MAX_POOL = 1000
KERNEL_MB = 75  # a learner kernel's resident memory, measured in benchmarks/classroom.md
PATHS = {"learner": "/", "tutor": "/tutor", "summaries": "/summaries"}


def kernel_pool(environ: dict[str, str] | None = None) -> int | None:
    """``APPRAISE_KERNEL_POOL`` (0 turns preheating off), or None when it is not set."""
    raw = (os.environ if environ is None else environ).get(POOL_ENV, "").strip()
    if not raw:
        return None
    if not raw.isdigit() or int(raw) > MAX_POOL:
        raise ValidationError(
            f"{POOL_ENV} must be a whole number from 0 to {MAX_POOL} (got {raw!r})"
        )
    return int(raw)


def pool_size(wb: Workbook, expect: int | None, environ: dict[str, str] | None = None) -> int:
    """The learner pool: ``--expect``, else the workbook's ``expected_learners``, else
    ``APPRAISE_KERNEL_POOL``, else :data:`DEFAULT_POOL`."""
    if expect is not None:
        return expect
    if wb.config.expected_learners is not None:
        return wb.config.expected_learners
    from_env = kernel_pool(environ)
    return DEFAULT_POOL if from_env is None else from_env


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


def preheat_options(pools: dict[str, int]) -> list[str]:
    """Voila's options for ``pools`` (notebook file -> preheated kernels; every other notebook
    none), started one at a time by :class:`~reviews.serving.kernels.PacedKernelManager`;
    nothing at all when every pool is empty (preheating off)."""
    if not any(size > 0 for size in pools.values()):
        return []
    config = {"default": {"pool_size": 0}} | {nb: {"pool_size": n} for nb, n in pools.items()}
    return [
        "--VoilaConfiguration.multi_kernel_manager_class="
        "reviews.serving.kernels.PacedKernelManager",
        "--VoilaConfiguration.preheat_kernel=True",
        f"--VoilaKernelManager.kernel_pools_config={json.dumps(config)}",
        "--VoilaKernelManager.fill_delay=0",
    ]


def voila_command(
    host: str, port: int, cull_idle_timeout: int, pool: int = DEFAULT_POOL
) -> list[str]:
    """The server's command line: every dashboard, culling of idle kernels on, ``pool``
    preheated kernels for the learner dashboard (none for the tutors' pages)."""
    return [
        sys.executable,
        "-m",
        "reviews.serving.server",
        str(notebooks_dir()),
        f"--Voila.ip={host}",
        f"--port={port}",
        "--no-browser",
        "--theme=light",
        "--VoilaConfiguration.show_tracebacks=False",
        f"--MappingKernelManager.cull_interval={CULL_INTERVAL_S}",
        f"--MappingKernelManager.cull_idle_timeout={cull_idle_timeout}",
        "--MappingKernelManager.cull_connected=False",
        '--VoilaConfiguration.http_header_envs=["Cookie"]',
        *preheat_options({"learner.ipynb": pool}),
    ]


def check_port_free(host: str, port: int) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((host, port))
        except OSError as exc:
            raise ValidationError(
                f"cannot listen on {host}:{port} ({exc.strerror}); choose another --port"
            ) from None


def available_mb() -> int | None:
    """Memory the system can still give (``MemAvailable``), or None where it cannot tell."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) // 1024
    except OSError:
        return None
    return None


def startup_message(wb: Workbook, host: str, port: int, pool: int) -> list[str]:
    """What ``appraise serve`` prints before Voila starts: the URLs, the pool, the join code."""
    shown = "127.0.0.1" if host in ("0.0.0.0", "") else host
    base = f"http://{shown}:{port}"
    reserve = pool * KERNEL_MB
    free = available_mb()
    memory = f"about {reserve:,} MB ({pool} x {KERNEL_MB} MB)"
    if free is not None:
        memory += f" of the {free:,} MB this machine has free"
    lines = [
        f"Serving {wb.config.title!r} ({wb.path}):",
        f"  learners:  {base}{PATHS['learner']}",
        f"  tutors:    {base}{PATHS['tutor']}",
        f"  summaries: {base}{PATHS['summaries']}",
        f"{pool} preheated learner kernels, reserving {memory}.",
    ]
    if free is not None and reserve > free:
        lines.append(
            f"Warning: the pool needs more memory than is free; lower --expect to about "
            f"{max(1, free // KERNEL_MB)} or add memory."
        )
    how = "their personal codes" if wb.has_roster() else f"the code {wb.config.join_code}"
    lines.append(f"Learners join with {how}. Stop with Ctrl+C.")
    return lines


def serve(wb: Workbook, host: str = "127.0.0.1", port: int = 8866,
          cull_idle_timeout: int = 900, expect: int | None = None) -> None:  # fmt: skip
    """Replace this process with the server for ``wb`` (kernels find it in APPRAISE_WORKBOOK)."""
    pool = pool_size(wb, expect)
    command = voila_command(host, port, cull_idle_timeout, pool)
    check_port_free(host, port)
    print("Preparing the catalogue snapshot…", flush=True)
    wb.catalogue_snapshot(wait=0)  # before the pool fills, so no kernel has to build it
    env = dict(os.environ, APPRAISE_WORKBOOK=str(wb.path.resolve()))
    for line in startup_message(wb, host, port, pool):
        print(line, flush=True)
    os.execve(sys.executable, command, env)
