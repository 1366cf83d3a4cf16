"""Start a real JupyterHub (with configurable-http-proxy) in front of `appraise serve --hub`.

The hub runs tests/hub/jupyterhub_config.py with this run's ports, folder and users in
``APPRAISE_TEST_HUB``: one shared Appraise service (``/services/appraise/``) and, for anyone who
starts a server, their own `appraise serve --hub` at ``/user/<name>/``. Fails loudly (never
skips) when jupyterhub or configurable-http-proxy is missing: a skipped hub test would hide a
broken deployment. Everything listens on 127.0.0.1, on free ports.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.support.serving import free_port

CONFIG = ROOT / "tests" / "hub" / "jupyterhub_config.py"
SERVICE = "appraise"
READY = "JupyterHub is now running at"


@dataclass
class Hub:
    url: str  # http://127.0.0.1:<port>/
    log: list[str]

    @property
    def service(self) -> str:
        return f"{self.url}services/{SERVICE}/"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def _status(url: str) -> int:
    """The status of a GET (redirects not followed), 0 when nothing answers yet."""
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(url, timeout=5) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)
    except OSError:
        return 0


def _require_tools() -> Path:
    bin_dir = Path(sys.executable).parent
    if not (bin_dir / "jupyterhub").exists():
        pytest.fail("jupyterhub is required for the hub tests: pip install -e '.[test]'")
    if shutil.which("configurable-http-proxy") is None:
        pytest.fail(
            "configurable-http-proxy is required for the hub tests: "
            "npm install -g configurable-http-proxy"
        )
    return bin_dir


@contextmanager
def running_hub(
    folder: Path,
    workbook: Path,
    passwords: dict[str, str],
    groups: dict[str, list[str]],
    timeout: float = 90.0,
) -> Iterator[Hub]:
    """A hub on free ports whose Appraise service serves ``workbook``; stopped on exit."""
    bin_dir = _require_tools()
    port = free_port()
    command = [str(bin_dir / "appraise"), "serve", "--hub", "--workbook", str(workbook)]
    path = os.pathsep.join([str(bin_dir), os.environ.get("PATH", "/usr/bin:/bin")])
    run = {
        "dir": str(folder),
        "port": port,
        "hub_port": free_port(),
        "proxy_api_port": free_port(),
        "service": SERVICE,
        "service_port": free_port(),
        "passwords": passwords,
        "groups": groups,
        "command": command,
        # one preheated kernel per dashboard: enough for these tests, light on CI's 2 cores
        "environment": {"PATH": path, "HOME": str(folder), "APPRAISE_KERNEL_POOL": "1"},
    }
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTERHUB_", "APPRAISE_"))}
    env |= {"APPRAISE_TEST_HUB": json.dumps(run), "PATH": path, "HOME": str(folder)}
    log: list[str] = []
    proc = subprocess.Popen(
        [str(bin_dir / "jupyterhub"), "-f", str(CONFIG)],
        cwd=folder,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # the proxy, the service and users' servers are its children
    )

    def pump() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            log.append(line)

    threading.Thread(target=pump, daemon=True).start()
    hub = Hub(f"http://127.0.0.1:{port}/", log)
    try:
        deadline = time.monotonic() + timeout
        # ready when the hub says so and the service answers through the proxy: a redirect
        # to the hub's login, since nobody is signed in
        while not (any(READY in line for line in log) and _status(hub.service) == 302):
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail("JupyterHub did not start:\n" + "".join(log[-80:]))
            time.sleep(0.2)  # polling with a deadline, not waiting a fixed time
        yield hub
    finally:
        _stop(proc)


def _stop(proc: subprocess.Popen[str]) -> None:
    """SIGINT (the hub stops its services and servers), then the whole group if it lingers."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        with suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=45)
    with suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)  # the session this test started, nothing else
    proc.wait(timeout=10)
