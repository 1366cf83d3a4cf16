"""`appraise serve`'s Voila command: preheated kernels, the forwarded cookie, the pool size."""

from __future__ import annotations

import pytest

from reviews.domain.errors import ValidationError
from reviews.serving.voila import DEFAULT_POOL, kernel_pool, voila_command


def test_voila_preheats_kernels_and_forwards_the_cookie_header() -> None:
    command = voila_command("127.0.0.1", 8866, 900)
    assert "--VoilaConfiguration.preheat_kernel=True" in command
    assert f"--VoilaConfiguration.default_pool_size={DEFAULT_POOL}" in command
    assert '--VoilaConfiguration.http_header_envs=["Cookie"]' in command
    assert "--MappingKernelManager.cull_idle_timeout=900" in command


def test_a_pool_of_zero_turns_preheating_off() -> None:
    command = voila_command("127.0.0.1", 8866, 900, pool=0)
    assert not any("preheat" in part or "pool_size" in part for part in command)


@pytest.mark.parametrize(("raw", "pool"), [("", DEFAULT_POOL), (" 6 ", 6), ("0", 0)])
def test_the_pool_size_comes_from_the_environment(raw: str, pool: int) -> None:
    assert kernel_pool({"APPRAISE_KERNEL_POOL": raw}) == pool
    assert kernel_pool({}) == DEFAULT_POOL


@pytest.mark.parametrize("raw", ["two", "-1", "33", "1.5"])
def test_a_bad_pool_size_is_refused_with_what_to_type(raw: str) -> None:
    with pytest.raises(ValidationError, match="APPRAISE_KERNEL_POOL must be a whole number"):
        kernel_pool({"APPRAISE_KERNEL_POOL": raw})
