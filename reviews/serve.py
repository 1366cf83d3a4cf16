"""``appraise serve``: Voila on the dashboards, configured for a classroom.

Each page a learner opens starts a kernel (about 100 MB) and closing the tab does not stop it
(Voila issue #1458), so kernel culling is always on. Voila is started with the interpreter that
runs this code (``sys.executable -m voila``), so `.venv/bin/appraise serve` works without an
activated virtual environment.
"""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path

from reviews.errors import StorageError, ValidationError
from reviews.workbook import Workbook

CULL_INTERVAL_S = 60


def notebooks_dir() -> Path:
    """The dashboards folder: ``APPRAISE_NOTEBOOKS``, or ``notebooks/`` beside the package."""
    env = os.environ.get("APPRAISE_NOTEBOOKS")
    folder = Path(env) if env else Path(__file__).resolve().parent.parent / "notebooks"
    if not (folder / "learner.ipynb").is_file():
        raise StorageError(
            f"cannot find the dashboards in {folder} (learner.ipynb); "
            "set APPRAISE_NOTEBOOKS to the project's notebooks/ folder"
        )
    return folder


def voila_command(host: str, port: int, cull_idle_timeout: int) -> list[str]:
    """The Voila command line: the learner dashboard at ``/``, culling of idle kernels on."""
    return [
        sys.executable,
        "-m",
        "voila",
        str(notebooks_dir() / "learner.ipynb"),
        f"--Voila.ip={host}",
        f"--port={port}",
        "--no-browser",
        "--theme=light",
        "--VoilaConfiguration.show_tracebacks=False",
        f"--MappingKernelManager.cull_interval={CULL_INTERVAL_S}",
        f"--MappingKernelManager.cull_idle_timeout={cull_idle_timeout}",
        "--MappingKernelManager.cull_connected=False",
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
          cull_idle_timeout: int = 900) -> None:  # fmt: skip
    """Replace this process with Voila serving ``wb`` (kernels find it in APPRAISE_WORKBOOK)."""
    command = voila_command(host, port, cull_idle_timeout)
    check_port_free(host, port)
    env = dict(os.environ, APPRAISE_WORKBOOK=str(wb.path.resolve()))
    shown = "127.0.0.1" if host in ("0.0.0.0", "") else host
    print(f"Serving {wb.config.title!r} ({wb.path}) at http://{shown}:{port}/", flush=True)
    print(f"Learners join with the code {wb.config.join_code}. Stop with Ctrl+C.", flush=True)
    os.execve(sys.executable, command, env)
