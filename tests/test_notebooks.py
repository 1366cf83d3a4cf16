"""The dashboards' notebooks run top to bottom (nbval, lax) against a temporary workbook."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from reviews.io.demo import create_demo
from tests.conftest import ROOT


def test_notebooks_run_with_nbval(tmp_path: Path) -> None:
    create_demo(tmp_path / "wb")
    env = dict(os.environ, APPRAISE_WORKBOOK=str(tmp_path / "wb"))
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval-lax", "-p", "no:cacheprovider", "-q",
         "--rootdir", str(tmp_path), str(ROOT / "notebooks")],
        env=env, capture_output=True, text=True, timeout=300, cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert " passed" in result.stdout
