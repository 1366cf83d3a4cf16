"""Start a real `appraise serve` and a real headless Chromium for end-to-end tests.

Both fail loudly (never skip) when something is missing: in CI a skipped browser test would
hide a broken dashboard.
"""

from __future__ import annotations

import os
import queue
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
READY = "running at"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    url: str
    log: list[str]
    lines: queue.Queue[str]
    pid: int = 0
    base: str = ""

    def kernels(self) -> list[int]:
        """Process ids of the server's kernels, read from the process table."""
        import psutil

        found = []
        for child in psutil.Process(self.pid).children():
            try:
                if "ipykernel_launcher" in " ".join(child.cmdline()):
                    found.append(child.pid)
            except psutil.Error:  # exited (or a zombie) while we looked: not a kernel now
                continue
        return found

    def wait_for_log(self, text: str, timeout: float = 30.0) -> str:
        """The first server output line containing ``text`` (already seen or still to come)."""
        deadline = time.monotonic() + timeout
        while not any(text in line for line in self.log):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                pytest.fail(f"the server never printed {text!r}:\n" + "".join(self.log))
            try:
                self.log.append(self.lines.get(timeout=remaining))
            except queue.Empty:
                continue
        return next(line for line in self.log if text in line)


@contextmanager
def served(
    workbook: Path, timeout: float = 90.0, dashboard: str = "learner", expect: int | None = None
) -> Iterator[Server]:
    """Run `appraise serve` on a free port; yield it once Voila says it is running, with
    ``url`` the address of ``dashboard`` (``base`` the server's)."""
    port = free_port()
    appraise = Path(sys.executable).with_name("appraise")
    command = [str(appraise), "serve", "--workbook", str(workbook), "--port", str(port)]
    if expect is not None:
        command += ["--expect", str(expect)]
    env = {k: v for k, v in os.environ.items() if k != "APPRAISE_WORKBOOK"}
    proc = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env
    )
    lines: queue.Queue[str] = queue.Queue()
    log: list[str] = []

    def pump() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.put(line)
        lines.put("")  # end of output: the server exited

    threading.Thread(target=pump, daemon=True).start()
    deadline = time.monotonic() + timeout
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                pytest.fail("appraise serve did not start in time:\n" + "".join(log))
            try:
                line = lines.get(timeout=remaining)
            except queue.Empty:
                continue
            log.append(line)
            if line == "":
                pytest.fail("appraise serve exited:\n" + "".join(log))
            if READY in line:
                break
        base = f"http://127.0.0.1:{port}/"
        path = {"learner": "", "tutor": "tutor", "summaries": "summaries"}[dashboard]
        yield Server(base + path, log, lines, proc.pid, base)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        pytest.fail("Debian chromium is required for browser tests: apt-get install -y chromium")
    return path
