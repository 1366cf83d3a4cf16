"""`appraise serve --hub`: where the hub puts it, and the Voila it runs (no hub needed here;
tests/hub runs a real one)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from reviews import Workbook
from reviews.cli.main import main
from reviews.domain.errors import PermissionDenied, ValidationError
from reviews.domain.hub import HubUser
from reviews.serving.hub import hub_address, hub_pools, hub_voila_command

HUB = {
    "JUPYTERHUB_API_TOKEN": "t",
    "JUPYTERHUB_CLIENT_ID": "service-appraise",
    "JUPYTERHUB_SERVICE_URL": "http://127.0.0.1:10101",
    "JUPYTERHUB_SERVICE_PREFIX": "/services/appraise/",
}


def test_the_hub_chooses_the_address_and_the_prefix() -> None:
    assert hub_address(HUB) == ("127.0.0.1", 10101, "/services/appraise/")
    user = HUB | {"JUPYTERHUB_SERVICE_URL": "http://0.0.0.0:8888/user/ana/"}
    assert hub_address(user | {"JUPYTERHUB_SERVICE_PREFIX": ""}) == ("0.0.0.0", 8888, "/user/ana/")


def test_outside_a_hub_the_launcher_says_what_is_missing() -> None:
    with pytest.raises(ValidationError, match=r"must be started by JupyterHub.*CLIENT_ID"):
        hub_address({k: v for k, v in HUB.items() if k != "JUPYTERHUB_CLIENT_ID"})
    with pytest.raises(ValidationError, match="JUPYTERHUB_SERVICE_URL must be like"):
        hub_address(HUB | {"JUPYTERHUB_SERVICE_URL": "appraise"})


def test_voila_runs_behind_the_hubs_oauth_and_forwards_only_the_identity_headers() -> None:
    command = hub_voila_command("127.0.0.1", 10101, "/services/appraise/", 900, pool=2)
    assert command[1:3] == ["-m", "reviews.serving.hub"]
    assert "--Voila.base_url=/services/appraise/" in command
    provider = "--Voila.identity_provider_class=reviews.serving.hub.HubIdentityProvider"
    assert provider in command
    headers = [c.split("=", 1)[1] for c in command if "http_header_envs" in c]
    assert headers == ["X-Appraise-Hub-User", "X-Appraise-Hub-Groups"]  # no Cookie: no token


def test_serve_hub_outside_a_hub_is_one_clear_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    Workbook.create(tmp_path / "wb", title="Cardiology block")
    for name in HUB:
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(SystemExit) as caught:
        main(["serve", "--hub", "--workbook", str(tmp_path / "wb")])
    assert caught.value.code == 1
    err = capsys.readouterr().err
    assert err.startswith("Error: appraise serve --hub must be started by JupyterHub")
    assert err.count("\n") == 1


def test_a_member_of_the_hub_tutor_group_is_a_tutor_and_may_moderate(tmp_path: Path) -> None:
    wb = Workbook.create(tmp_path / "wb", title="Cardiology", hub_tutor_group="appraise-tutors")
    res = wb.add_resource("https://en.wikipedia.org/wiki/Heart", title="Heart", added_by="ana")
    comment = wb.add_comment(res.id, "ana", "Rude words")
    assert wb.admit_hub_user(HubUser("ben", frozenset({"y2"}))) == "ben"
    with pytest.raises(PermissionDenied):
        wb.hide(comment.id, actor="ben", reason="no")
    wb.admit_hub_user(HubUser("tina", frozenset({"appraise-tutors"})))
    assert wb.is_tutor("tina")
    wb.hide(comment.id, actor="tina", reason="Unkind")
    log = [(e.action, e.actor) for e in wb.audit_log()]
    assert log == [("hub-tutor", "tina"), ("hide", "tina")]  # her joining, recorded
    wb.admit_hub_user(HubUser("tina"))  # left the group: no longer a tutor here
    assert not wb.is_tutor("tina")


def test_without_a_hub_tutor_group_no_hub_group_makes_a_tutor(tmp_path: Path) -> None:
    wb = Workbook.create(tmp_path / "wb", title="Cardiology")
    wb.admit_hub_user(HubUser("tina", frozenset({"appraise-tutors"})))
    assert not wb.is_tutor("tina")


def _pools(command: list[str]) -> dict[str, int]:
    flag = "--VoilaKernelManager.kernel_pools_config="
    (raw,) = [c.removeprefix(flag) for c in command if c.startswith(flag)]
    return {name: pool["pool_size"] for name, pool in json.loads(raw).items()}


def test_in_hub_mode_the_class_gets_the_pool_the_tutors_one_kernel_the_summaries_none() -> None:
    command = hub_voila_command("127.0.0.1", 10101, "/services/appraise/", 900, pool=30)
    assert _pools(command) == {"default": 0, "learner.ipynb": 30, "tutor.ipynb": 1}
    manager = "--VoilaConfiguration.multi_kernel_manager_class="
    assert f"{manager}reviews.serving.kernels.PacedKernelManager" in command  # refills paced
    assert hub_pools(1) == {"learner.ipynb": 1, "tutor.ipynb": 1}
    off = hub_voila_command("127.0.0.1", 10101, "/user/ana/", 900, pool=0)  # one per learner
    assert not any("preheat" in part or "pool_size" in part for part in off)


def test_expect_sizes_the_learners_pool_of_the_hub_service(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    Workbook.create(tmp_path / "wb", title="Cardiology block", hub_tutor_group="appraise-tutors")
    for name, value in HUB.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("APPRAISE_KERNEL_POOL", "2")
    started: list[tuple[list[str], dict[str, str]]] = []

    def execve(path: str, argv: list[str], env: dict[str, str]) -> None:
        started.append((argv, env))  # what would replace this process, not started here

    monkeypatch.setattr(os, "execve", execve)
    with pytest.raises(SystemExit) as done:
        main(["serve", "--hub", "--workbook", str(tmp_path / "wb"), "--expect", "40"])
    assert done.value.code in (0, None)
    ((argv, env),) = started
    assert _pools(argv) == {"default": 0, "learner.ipynb": 40, "tutor.ipynb": 1}
    assert env["APPRAISE_HUB"] == "1"
    out = capsys.readouterr().out
    assert "Preheated kernels: 40 learner, 1 tutor, 0 summaries (about 3,075 MB)." in out
