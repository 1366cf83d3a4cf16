"""`appraise serve`'s command: preheated learner kernels, the forwarded cookie, the pool size."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reviews import Workbook
from reviews.domain.errors import ValidationError
from reviews.serving.voila import (
    DEFAULT_POOL,
    KERNEL_MB,
    kernel_pool,
    pool_size,
    startup_message,
    voila_command,
)


def _pools(command: list[str]) -> dict[str, dict[str, int]]:
    flag = "--VoilaKernelManager.kernel_pools_config="
    return json.loads(next(p for p in command if p.startswith(flag))[len(flag) :])  # type: ignore[no-any-return]


def test_only_the_learner_dashboard_is_preheated_and_the_cookie_is_forwarded() -> None:
    command = voila_command("127.0.0.1", 8866, 900, pool=30)
    assert command[1:3] == ["-m", "reviews.serving.server"]
    assert "--VoilaConfiguration.preheat_kernel=True" in command
    assert _pools(command) == {"default": {"pool_size": 0}, "learner.ipynb": {"pool_size": 30}}
    assert '--VoilaConfiguration.http_header_envs=["Cookie"]' in command
    assert "--MappingKernelManager.cull_idle_timeout=900" in command
    assert any(p.endswith("reviews.serving.kernels.PacedKernelManager") for p in command)


def test_a_pool_of_zero_turns_preheating_off() -> None:
    command = voila_command("127.0.0.1", 8866, 900, pool=0)
    assert not any("preheat" in part or "pool_size" in part for part in command)


@pytest.mark.parametrize(("raw", "pool"), [("", None), (" 6 ", 6), ("0", 0), ("300", 300)])
def test_the_pool_size_can_come_from_the_environment(raw: str, pool: int | None) -> None:
    assert kernel_pool({"APPRAISE_KERNEL_POOL": raw}) == pool


@pytest.mark.parametrize("raw", ["two", "-1", "1001", "1.5"])
def test_a_bad_pool_size_is_refused_with_what_to_type(raw: str) -> None:
    with pytest.raises(ValidationError, match="APPRAISE_KERNEL_POOL must be a whole number"):
        kernel_pool({"APPRAISE_KERNEL_POOL": raw})


def test_expect_then_the_workbook_then_the_environment_size_the_pool(tmp_path: Path) -> None:
    wb = Workbook.create(tmp_path / "wb", title="Cardio")
    assert pool_size(wb, None, {}) == DEFAULT_POOL
    assert pool_size(wb, None, {"APPRAISE_KERNEL_POOL": "4"}) == 4
    wb.config.expected_learners = 30
    assert pool_size(wb, None, {"APPRAISE_KERNEL_POOL": "4"}) == 30
    assert pool_size(wb, 12, {"APPRAISE_KERNEL_POOL": "4"}) == 12


def test_the_startup_message_gives_every_url_and_the_memory_the_pool_reserves(
    tmp_path: Path,
) -> None:
    wb = Workbook.create(tmp_path / "wb", title="Cardio")
    text = "\n".join(startup_message(wb, "0.0.0.0", 8866, 30))
    assert "learners:  http://127.0.0.1:8866/" in text
    assert "tutors:    http://127.0.0.1:8866/tutor" in text
    assert "summaries: http://127.0.0.1:8866/summaries" in text
    assert f"30 preheated learner kernels, reserving about {30 * KERNEL_MB:,} MB" in text
    assert wb.config.join_code in text
