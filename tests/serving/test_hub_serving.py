"""`appraise serve --hub`: where the hub puts it, and the Voila it runs (no hub needed here;
tests/hub runs a real one)."""

from __future__ import annotations

from pathlib import Path

import pytest

from reviews import Workbook
from reviews.cli.main import main
from reviews.domain.errors import PermissionDenied, ValidationError
from reviews.domain.hub import HubUser
from reviews.serving.hub import hub_address, hub_voila_command

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
